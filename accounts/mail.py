"""Email (to facilitators, and the invitations and reminders of a round's respondents), in the language of
the page that asked for it, sent beside the response.

A message is written from ``templates/email/<name>.txt``: its first line is the subject, the rest (after a
blank line) the plain-text body; ``templates/email/<name>.html``, where it exists, is its HTML part.
Flask-Mailman sends it from the queue's worker when Redis is configured and a worker listens, else from a
thread of the process, so that neither the
time an SMTP server takes nor its failure shows in the page: a page that sends mail to existing accounts
only (password reset) answers as fast for an unknown address, and an unreachable mail server costs the
visitor nothing but the message (logged, without the address or the link).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage, EmailMultiAlternatives
from jinja2 import TemplateNotFound
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker

from extensions import redis_client

LOGGER = logging.getLogger(__name__)


def message(to: str, name: str, lang: str, **context: Any) -> EmailMessage:
    """The email ``templates/email/<name>.txt`` to ``to``, written in ``lang``; with an HTML part too when
    ``templates/email/<name>.html`` exists (it gets the subject as ``subject``)."""
    with force_locale(lang):
        text = render_template(f"email/{name}.txt", **context)
        subject, _blank, body = text.strip().partition("\n\n")
        subject = re.sub(r"[ \t\r\n]+", " ", subject).strip()  # a French no-break space stays one
        html = (render_template(f"email/{name}.html", subject=subject, lang=lang, **context)
                if _has_html(name) else None)
    return _built(to, subject, body.strip() + "\n", html)


def _has_html(name: str) -> bool:
    try:
        current_app.jinja_env.get_template(f"email/{name}.html")
    except TemplateNotFound:
        return False
    return True


def _built(to: str, subject: str, body: str, html: str | None) -> EmailMessage:
    if html is None:
        return EmailMessage(subject=subject, body=body, to=[to])
    email = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    email.attach_alternative(html, "text/html")
    return email


def mail_queue(connection=None) -> Queue:
    """Emails sent by a worker (``flask worker``) when Redis is configured: the page never waits for the
    mail server, and a message outlives the web process that wrote it."""
    return Queue(current_app.config["MAIL_QUEUE"], connection=connection or redis_client())


def send_job(to: str, subject: str, body: str, html: str | None) -> None:
    """The job a worker runs. A failure raises, so that the queue keeps the job as failed (no address is
    logged by the app)."""
    if not deliver(_built(to, subject, body, html)):
        raise RuntimeError("the email could not be sent")


def _queued(email: EmailMessage) -> bool:
    """Hand the email to the queue when it goes to an SMTP server, Redis is configured and a worker listens;
    whether it was. Files (development) and memory (tests) stay in the process that wrote the message."""
    if not current_app.config["REDIS_URL"] or current_app.config["MAIL_BACKEND"] != "smtp":
        return False
    html = next((content for content, kind in getattr(email, "alternatives", ()) if kind == "text/html"), None)
    try:
        queue = mail_queue()
        if not Worker.all(queue=queue):
            return False
        queue.enqueue(send_job, email.to[0], email.subject, email.body, html, retry=Retry(max=3, interval=60),
                      result_ttl=0, failure_ttl=86400, description="RUPA email")
    except RedisError as error:
        LOGGER.warning("email queue unreachable (%s): sending from this process", type(error).__name__)
        return False
    return True


def deliver(email: EmailMessage) -> bool:
    """Send now; whether it went. A failure is logged by its kind only (the link in it is a secret)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":  # the outbox holds links that sign people in: the app's user alone
        Path(config["MAIL_FILE_PATH"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        email.send()
    except Exception as error:  # an SMTP server down, refusing, timing out: the page has been served
        LOGGER.error("an email could not be sent: %s", type(error).__name__)
        return False
    return True


def send_soon(to: str, name: str, lang: str, **context: Any) -> None:
    """Write the email now and send it from the queue's worker when there is one, else from a thread of
    this process, so that the page does not wait for the mail server (nor tells, by its time, whether a
    message was sent)."""
    email = message(to, name, lang, **context)
    if _queued(email):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with app.app_context():
            deliver(email)

    future = _senders().submit(send)
    with _pending_lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def wait_until_sent(timeout: float = 10) -> None:
    """Wait for every email handed over so far (tests, and a command that ends after sending)."""
    with _pending_lock:
        pending = list(_pending)
    futures.wait(pending, timeout=timeout)


# Two sending threads per process, made in the process that sends (not before gunicorn forks): a slow mail
# server holds up emails, never pages. Python waits for them when the process exits.
_pool: tuple[int, futures.ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()
_pending: set[futures.Future] = set()
_pending_lock = threading.Lock()


def _senders() -> futures.ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="rupa-mail"))
        return _pool[1]


def _forget(future: futures.Future) -> None:
    with _pending_lock:
        _pending.discard(future)
