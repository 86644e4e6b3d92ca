"""SQLite only: its writers' queue, its pragmas and how each transaction begins. Registered on the app's
engine when, and only when, the database URL is ``sqlite:`` (``register``, called by create_app); nothing
here runs for PostgreSQL.

SQLite lets one writer in at a time. Every transaction begins ``BEGIN IMMEDIATE`` after queueing on an
OS file lock (a transaction that reads and then writes could otherwise fail at once when another writer
got in between, whatever the busy timeout), except where the app has said that the work only reads for
now (``database.reading_until_written``: GETs and @reads_first views, until ``write_transaction()``;
``database.read_only()``): those begin deferred and, in WAL mode, never wait for a writer. This module
reads that from the app context's flags; it never looks at the web request.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3

from flask import g, has_app_context
from sqlalchemy import Engine, event

from database import owner_only


def reading() -> bool:
    """Whether a transaction beginning now only reads (see the module's docstring)."""
    return has_app_context() and not g.get("writing") and bool(g.get("reading"))


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


def _configure(dbapi_connection, connection_record) -> None:
    """WAL and a busy timeout let several workers write without "database is locked"."""
    # Let SQLAlchemy (not the driver) issue BEGIN, so that every transaction begins as _begin says.
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


def _begin(conn) -> None:
    """Writers begin IMMEDIATE once the writers' lock is theirs; reading work begins deferred."""
    if reading():
        conn.exec_driver_sql("BEGIN")
        return
    connection = conn.connection.dbapi_connection
    if isinstance(connection, QueuedWriterConnection):
        connection.take_writers_lock()
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _release_on_checkin(dbapi_connection, connection_record) -> None:
    """A connection returned with its transaction abandoned must not keep other writers waiting."""
    if isinstance(dbapi_connection, QueuedWriterConnection):
        dbapi_connection.release_writers_lock()


def register(engine: Engine) -> None:
    """Tune ``engine``, an SQLite engine, as above (before its first connection)."""
    if engine.dialect.name != "sqlite":
        raise ValueError(f"sqlite_writers is for SQLite engines, not {engine.dialect.name}")
    event.listen(engine, "connect", _configure)
    event.listen(engine, "begin", _begin)
    event.listen(engine, "checkin", _release_on_checkin)


def registered(engine: Engine) -> bool:
    return event.contains(engine, "begin", _begin)
