"""Personal API tokens: created and revoked by their facilitator, checked on every API request.

A token is shown once, when it is created; the database keeps only its SHA-256 hash and a short hint.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from accounts.models import ApiToken, Facilitator
from database import db, utcnow, write_transaction

PREFIX = "rupa_"
HINT_LENGTH = len(PREFIX) + 6
# Last use is recorded at most this often: an API client polling every few seconds should not turn
# each read into a write.
LAST_USED_GRANULARITY = timedelta(minutes=10)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(facilitator: Facilitator, name: str, secret: str | None = None) -> tuple[ApiToken, str]:
    """A new token for this facilitator; returns the row and the token itself (never stored). ``secret``,
    when given, is its random part (web/once.py derives it from the form, so a repeat finds it)."""
    token = PREFIX + (secret or secrets.token_urlsafe(32))
    row = ApiToken(facilitator_id=facilitator.id, name=name.strip(), token_hash=hash_token(token),
                   hint=token[:HINT_LENGTH])
    db.session.add(row)
    db.session.flush()
    return row, token


def tokens_of(facilitator: Facilitator) -> list[ApiToken]:
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.facilitator_id == facilitator.id).order_by(ApiToken.created_at)).scalars())


def revoke(facilitator: Facilitator, token_id: int) -> str | None:
    """Delete one of this facilitator's tokens: its name, or None when it is not theirs (or already gone)."""
    name = db.session.execute(select(ApiToken.name).where(ApiToken.id == token_id,
                                                          ApiToken.facilitator_id == facilitator.id)).scalar()
    if name is None:
        return None
    db.session.execute(delete(ApiToken).where(ApiToken.id == token_id))
    return name


def facilitator_for(authorization: str | None) -> Facilitator | None:
    """The facilitator whose token an ``Authorization: Bearer …`` header carries, or None."""
    scheme, _sep, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = db.session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRANULARITY:
        with write_transaction():  # API reads are GETs: the one write takes the writers' queue
            db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return row.facilitator


def exists(token: str) -> bool:
    return db.session.execute(select(ApiToken.id).where(ApiToken.token_hash == hash_token(token))).first() is not None
