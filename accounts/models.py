"""A facilitator's account. Respondents never have one."""

from __future__ import annotations

import contextlib
import functools
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from database import Model, UTCDateTime, utcnow

# Argon2id with the library's current recommended parameters (RFC 9106 low-memory profile).
_hasher = PasswordHasher()


class Facilitator(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Changes whenever the password does: signs out every other session of this account.
    session_version: Mapped[int] = mapped_column(default=1)
    # False from sign-up until the link sent to the address is followed: only then can the account sign in.
    # Accounts made otherwise (`flask users create`, the demo) need no confirmation.
    email_confirmed: Mapped[bool] = mapped_column(default=True, server_default=true())

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.password_hash = _hasher.hash(password)
        return True

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


@functools.cache
def _unknown_account_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def verify_nobody(password: str) -> None:
    """The work of checking a password, for an address that has no account: sign-in then takes as long
    for an unknown address as for a known one, and the time tells nothing (OWASP ASVS 2.2)."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_unknown_account_hash(), password)


def hash_nobody(password: str) -> None:
    """The work of setting a password, spent where none is set: signing up with an address that has an
    account takes as long as signing up with a new one."""
    _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class ApiToken(Model):
    """A facilitator's personal API token, known only by its SHA-256 hash (shown once on creation).

    The token is 256 random bits: a fast hash is enough, unlike a password, and keeps each API call cheap.
    Revoking deletes the row.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so that its owner can tell tokens apart; not enough to use it.
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    facilitator: Mapped[Facilitator] = relationship()
