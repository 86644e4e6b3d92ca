"""A live server on a free local port and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from database import db
from extensions import limiter

# The session's one Chromium (the `browser` fixture) is in tests/conftest.py: tests/deploy/ drives it too.
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "screenshots"

class LiveServer(str):
    """The base URL of a served app, with the app itself at hand for setting up data."""

    app: object


@pytest.fixture
def live_server(tmp_path, database_url):
    """The real app (CSRF on) served over HTTP; yields its base URL (``.app`` is the app)."""
    app = create_app({
        "SECRET_KEY": "browser-test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": True,
        "MAIL_BACKEND": "locmem",  # the emails a test's facilitators are sent (tests.accounts.flows.outbox)
    })
    with app.app_context():
        limiter.reset()
        db.drop_all()
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app = app
    yield url
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
