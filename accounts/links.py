"""Links sent by email that prove the reader holds the address: confirming a new account, choosing a
new password.

A link carries the account's id and its session version, signed with the app's secret key and dated
(itsdangerous). The session version changes with every new password and every sign-out, so a reset link
works once, and a confirmation link is replaced by the next sign-up with the same address.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts.models import Facilitator
from database import db

MAX_AGE = {"confirm": "ACCOUNT_CONFIRM_MAX_AGE", "reset": "PASSWORD_RESET_MAX_AGE"}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"rupa-account-{purpose}")


def link_token(facilitator: Facilitator, purpose: str) -> str:
    """The secret part of a ``purpose`` link ("confirm" or "reset") for this account."""
    return _serializer(purpose).dumps([facilitator.id, facilitator.session_version])


def facilitator_of(token: str, purpose: str) -> Facilitator | None:
    """The account a ``purpose`` link names, or None when it is forged, too old or used up."""
    try:
        data = _serializer(purpose).loads(token, max_age=int(current_app.config[MAX_AGE[purpose]]))
    except BadSignature:  # SignatureExpired included
        return None
    if not (isinstance(data, list) and len(data) == 2 and all(type(part) is int for part in data)):
        return None
    facilitator = db.session.get(Facilitator, data[0])
    if facilitator is None or facilitator.session_version != data[1]:
        return None
    return facilitator
