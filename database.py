"""The SQLAlchemy handle shared by every model, its column types and constraints, and the transactions the
app declares: work that only reads until it writes (``reading_until_written``, ``read_only``) and the
short writing transaction (``write_transaction``). What SQLite makes of them is in sqlite_writers.py."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask import g
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, CursorResult, DateTime, Executable, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class: Flask-SQLAlchemy's ``db.Model`` (Base with table names and the session bound),
# seen by the type checker as the declarative Base it extends.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def one_of(column: str, values: Iterable[str], name: str) -> CheckConstraint:
    """``column IN ('a', 'b', …)``: a column that holds one of an enumeration's values (the constraint is
    written from the enumeration, so the two cannot drift apart)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def rows_affected(statement: Executable) -> int:
    """Run a bulk UPDATE or DELETE in the session: how many rows it changed."""
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def engine_options(url: str, options: dict) -> dict:
    """SQLAlchemy engine options for the database ``url``: SQLite connections are QueuedWriterConnections
    and need no liveness check (a local file does not drop connections); PostgreSQL ones are pinged
    before use, so that a restarted server costs no failed request, and give up connecting after 5 s."""
    # A failed statement's message leaves out its parameters: they are answers, password hashes and token
    # hashes, and the message reaches the logs.
    options = {"hide_parameters": True, **options}
    if url.startswith("sqlite"):
        from sqlite_writers import QueuedWriterConnection

        connect_args = {**options.get("connect_args", {}), "factory": QueuedWriterConnection}
        return {**options, "connect_args": connect_args}
    if url.startswith("postgresql"):  # a database host that does not answer: a 503 in seconds, not a hang
        options = {**options, "connect_args": {"connect_timeout": 5, **options.get("connect_args", {})}}
    return {"pool_pre_ping": True, **options}


def owner_only(path: str, mode: int = 0o600) -> None:
    """``mode`` (readable by the owner only) on a file or folder this process owns and others may read:
    SQLite makes its files as the umask says (its WAL and shared-memory files then take the database
    file's mode), and so does diskcache."""
    try:
        status = os.stat(path)
        if status.st_uid == os.getuid() and status.st_mode & 0o077:
            os.chmod(path, mode)
    except OSError:  # not there (yet), or not ours
        pass


def reads_first(view):
    """Mark a view that reads and validates before it writes, and writes inside write_transaction():
    on SQLite its reading part then holds no write lock, so concurrent requests do not queue behind it
    (web/transactions.py tells the database so when the request starts)."""
    view.reads_first = True
    return view


def reading_until_written() -> None:
    """This request's transactions only read until write_transaction() (SQLite: deferred ones, which
    never wait for a writer); said by the web layer for GETs and @reads_first views."""
    g.reading = True


@contextmanager
def read_only() -> Iterator[None]:
    """Run the block's database work in reading transactions (SQLite: deferred, never queueing for the
    writers' lock), outside any request: a streamed export must not hold off writers while it is sent."""
    g.reading = True
    try:
        yield
    finally:
        g.reading = False


@contextmanager
def write_transaction() -> Iterator[None]:
    """End the reading transaction (nothing is written yet) and run the block in a short transaction of
    its own, committed at its end. Objects loaded before are read again inside it (SQLite: under the
    write lock), so checks repeated in the block see what other requests committed meanwhile."""
    db.session.commit()
    g.writing = True
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g.writing = False
