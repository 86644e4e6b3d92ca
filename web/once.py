"""Forms that act once. A second click, a resent POST or two identical POSTs at the same moment give the
result page of the first and store nothing twice.

Every form carries a one-time field (``_once``, a random value made when the page was rendered; the
``csrf()`` macro adds it). A view decorated with :func:`once` records the submission's key in the same
transaction as its own work, and the place its answer sent the person; a repeat of that key is sent
there too. Two at once: the second's insert waits on the first's (a unique key), then reads where the
first went. The key is bound to the browser's CSRF secret and the endpoint, so a value copied from
another person's page names nothing.

Views whose answer leads to a private link (a new respondent's resume link) do not store it: the link's
token is derived from the same key (:func:`derived_token`), so a repeat finds the respondent that the
first made (its token hash is unique) and sends the person to the same link, and the database still
holds only hashes of tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, g, redirect, request, session
from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from database import Model, UTCDateTime, db, utcnow, write_transaction

FIELD = "_once"
SHAPE = re.compile(r"[0-9a-f]{32}")
KEPT = timedelta(days=1)  # a repeat comes within seconds; a day covers a reload after a night's sleep
WAIT_SECONDS = 15.0


class FormSubmission(Model):
    """A form submission done: its key and where its answer sent the person."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def new_value() -> str:
    """A fresh one-time value for a form being rendered (a Jinja global)."""
    return secrets.token_hex(16)


def submission_key() -> str | None:
    """This POST's key, or None when it carries no one-time value (an old page, a script)."""
    value = request.form.get(FIELD, "")
    if not SHAPE.fullmatch(value):
        return None
    browser = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
    message = f"{request.endpoint}\0{request.path}\0{browser}\0{value}".encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


def derived_token(purpose: str, length: int) -> str | None:
    """A private token made from this POST's key (the same for a repeat of it), or None without one."""
    key = submission_key()
    if key is None:
        return None
    digest = hmac.new(_secret(), f"{purpose}\0{key}".encode(), hashlib.sha512).digest()[:length]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _secret() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return secret.encode() if isinstance(secret, str) else secret


def once(view: Callable) -> Callable:
    """Make a POST view act once per form submission (see the module's docstring)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = submission_key() if request.method == "POST" else None
        if key is None:
            return view(*args, **kwargs)
        done = db.session.get(FormSubmission, key)
        if done is not None:  # done before, or being finished by its twin right now
            return _repeat(done.location or _location_of(key))
        if getattr(view, "reads_first", False):
            return _deferred(view, key, *args, **kwargs)
        db.session.add(FormSubmission(key=key))
        try:
            db.session.flush()  # a concurrent twin waits here until the first commits, then fails
        except IntegrityError:
            db.session.rollback()
            return _repeat(_location_of(key), fallback=lambda: view(*args, **kwargs))
        response = view(*args, **kwargs)
        if response_status(response) >= 400:
            db.session.rollback()  # nothing done: the same form may be sent again, corrected
            return response
        location = response.location if 300 <= response_status(response) < 400 else request.path
        submission = db.session.get(FormSubmission, key) or db.session.merge(FormSubmission(key=key))
        submission.location = location[:500]
        db.session.commit()
        _forget_old()
        return response

    return wrapper


def claim() -> None:
    """In a @reads_first view, inside its write transaction: record this submission with the writes, so
    that a twin's identical writes fail together with this record (the view's IntegrityError path)."""
    key = g.get("once_key")
    if key is not None:
        db.session.add(FormSubmission(key=key))


def _deferred(view: Callable, key: str, *args, **kwargs):
    """A @reads_first view reads and checks without the write lock: the key is recorded in its short
    write transaction (:func:`claim`), and a twin that lost the race is sent where the first went."""
    g.once_key = key
    try:
        response = view(*args, **kwargs)
    finally:
        g.once_key = None
    if response_status(response) >= 400:
        db.session.rollback()
        twin = db.session.get(FormSubmission, key)
        return _repeat(twin.location or _location_of(key)) if twin is not None else response
    location = response.location if 300 <= response_status(response) < 400 else request.path
    with write_transaction():  # SQLite: a writer's transaction (a reading one could not write now)
        submission = db.session.get(FormSubmission, key) or db.session.merge(FormSubmission(key=key))
        submission.location = location[:500]
    return response


def response_status(response) -> int:
    if isinstance(response, tuple):
        return response[1] if len(response) > 1 and isinstance(response[1], int) else 200
    return getattr(response, "status_code", 200)


def _repeat(location: str | None, fallback: Callable | None = None):
    if location is None:
        return fallback() if fallback else redirect(request.path, 303)
    return redirect(location, 303)


def _location_of(key: str) -> str | None:
    """Where the first of two concurrent submissions went, once it has finished (None if it failed)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = db.session.get(FormSubmission, key)
        if row is None:
            return None  # the first did nothing after all: this one does it
        if row.location is not None or time.monotonic() > deadline:
            return row.location or request.path
        db.session.rollback()  # a new snapshot for the next look
        time.sleep(0.05)


def _forget_old() -> None:
    """Now and then, drop the keys older than a day (they only ever answer a repeat)."""
    if secrets.randbelow(50) == 0:
        db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEPT))
        db.session.commit()
