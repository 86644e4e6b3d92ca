"""The SQLAlchemy handle shared by every model, with SQLite tuned for concurrent writers."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from flask import current_app, g, has_app_context, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, CursorResult, DateTime, Engine, Executable, MetaData, Pool, event
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


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection whose writers queue on an OS file lock next to the database.

    SQLite lets one writer in at a time, and one that finds the lock taken sleeps in growing steps (up to
    100 ms) before it looks again: under a burst of saves the lock stands idle while writers sleep. So
    writers first take ``*.sqlite-writers.lock``, which the kernel hands to the next waiter the moment it
    is released, across threads and worker processes alike. It is released here, once COMMIT or ROLLBACK
    has returned: released any earlier (SQLAlchemy's commit event fires before the COMMIT), the next
    writer's BEGIN IMMEDIATE would find the database still locked and sleep in the busy handler."""

    writers_lock: int | None = None
    writers_locked = False

    def take_writers_lock(self) -> None:
        lock = self.writers_lock
        if lock is not None and not self.writers_locked:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self.writers_locked = True

    def release_writers_lock(self) -> None:
        lock = self.writers_lock
        if self.writers_locked and lock is not None:
            fcntl.flock(lock, fcntl.LOCK_UN)
            self.writers_locked = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_writers_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_writers_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_writers_lock()
            if self.writers_lock is not None:
                os.close(self.writers_lock)
                self.writers_lock = None


def engine_options(url: str, options: dict) -> dict:
    """SQLAlchemy engine options for the database ``url``: SQLite connections are QueuedWriterConnections
    and need no liveness check (a local file does not drop connections); PostgreSQL ones are pinged
    before use, so that a restarted server costs no failed request, and give up connecting after 5 s."""
    # A failed statement's message leaves out its parameters: they are answers, password hashes and token
    # hashes, and the message reaches the logs.
    options = {"hide_parameters": True, **options}
    if url.startswith("sqlite"):
        connect_args = {**options.get("connect_args", {}), "factory": QueuedWriterConnection}
        return {**options, "connect_args": connect_args}
    if url.startswith("postgresql"):  # a database host that does not answer: a 503 in seconds, not a hang
        options = {**options, "connect_args": {"connect_timeout": 5, **options.get("connect_args", {})}}
    return {"pool_pre_ping": True, **options}


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """WAL and a busy timeout let several workers write without "database is locked"."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy (not the driver) issue BEGIN, so that every transaction starts IMMEDIATE:
    # a deferred transaction that reads and then writes can fail at once when another writer got
    # in between, whatever the busy timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    database_file = cursor.execute("PRAGMA database_list").fetchone()[2]
    cursor.close()
    if database_file:  # not an in-memory database: the answers, readable by the app's own user only
        for path in (database_file, database_file + "-wal", database_file + "-shm"):
            owner_only(path)
    if database_file and isinstance(dbapi_connection, QueuedWriterConnection):
        dbapi_connection.writers_lock = os.open(database_file + "-writers.lock", os.O_RDWR | os.O_CREAT, 0o600)


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


@event.listens_for(Pool, "checkin")
def _release_on_checkin(dbapi_connection, connection_record) -> None:
    """A connection returned with its transaction abandoned must not keep other writers waiting."""
    if isinstance(dbapi_connection, QueuedWriterConnection):
        dbapi_connection.release_writers_lock()


def reads_first(view):
    """Mark a view that reads and validates before it writes, and writes inside write_transaction():
    on SQLite its reading part then holds no write lock, so concurrent requests do not queue behind it."""
    view.reads_first = True
    return view


def _reading_request() -> bool:
    if not has_app_context() or g.get("writing"):
        return False
    if g.get("reading"):  # a body streamed after its request (read_only())
        return True
    if not has_request_context():
        return False
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "reads_first", False)


@event.listens_for(Engine, "begin")
def _begin_immediate(conn):
    """Writers start IMMEDIATE (they queue for the lock instead of failing); a GET, or the reading part
    of a @reads_first view, starts a deferred transaction and, in WAL mode, never waits for a writer."""
    if conn.dialect.name == "sqlite":
        if _reading_request():
            conn.exec_driver_sql("BEGIN")
        else:
            connection = conn.connection.dbapi_connection
            if isinstance(connection, QueuedWriterConnection):
                connection.take_writers_lock()
            conn.exec_driver_sql("BEGIN IMMEDIATE")


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
