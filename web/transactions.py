"""What the web layer tells the database about a request's transactions: a GET (or HEAD, OPTIONS) and a
@reads_first view only read until they enter ``write_transaction()``; every other request writes, and
on SQLite begins as a writer. The database layer is told; it never reads the request itself."""

from __future__ import annotations

from flask import Flask, current_app, request

from database import reading_until_written

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def declare_reading() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in SAFE_METHODS or getattr(view, "reads_first", False):
        reading_until_written()


def init_app(app: Flask) -> None:
    """Registered first of the before-request hooks, ahead of any that reads the database."""
    app.before_request_funcs.setdefault(None, []).insert(0, declare_reading)
