"""Email to facilitators, in the language of the page that asked for it, sent beside the response.

A message is written from ``templates/email/<name>.txt``: its first line is the subject, the rest (after a
blank line) the plain-text body. Flask-Mailman sends it from a thread of the process, so that neither the
time an SMTP server takes nor its failure shows in the page: a page that sends mail to existing accounts
only (password reset) answers as fast for an unknown address, and an unreachable mail server costs the
visitor nothing but the message (logged, without the address or the link).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

LOGGER = logging.getLogger(__name__)


def message(to: str, name: str, lang: str, **context: Any) -> EmailMessage:
    """The email ``templates/email/<name>.txt`` to ``to``, written in ``lang``."""
    with force_locale(lang):
        text = render_template(f"email/{name}.txt", **context)
    subject, _blank, body = text.strip().partition("\n\n")
    return EmailMessage(subject=" ".join(subject.split()), body=body.strip() + "\n", to=[to])


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
    """Write the email now and send it from a thread of this process, so that the page does not wait for
    the mail server (nor tells, by its time, whether a message was sent)."""
    email = message(to, name, lang, **context)
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
