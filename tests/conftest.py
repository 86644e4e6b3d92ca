"""Fixtures: an app with a fresh database per test (SQLite file, or PostgreSQL when
RUPA_TEST_DATABASE_URL is set), its client, and factories that return callables."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from database import db
from extensions import limiter

POSTGRES_URL = os.environ.get("RUPA_TEST_DATABASE_URL")
CHROMIUM = os.environ.get("RUPA_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    """Argon2id at its lowest cost inside the test process: at the production parameters each hash or
    check takes about 0.1 s, and a facilitator's sign-up, confirmation and sign-in cost two. The servers
    the browser and deployment tests start hash at the real cost."""
    from argon2 import PasswordHasher

    from accounts import models

    real = models._hasher
    models._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    models._unknown_account_hash.cache_clear()
    yield
    models._hasher = real
    models._unknown_account_hash.cache_clear()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("RUPA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required (RUPA_REQUIRE_BROWSER) but {CHROMIUM} is missing")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()



@pytest.fixture
def database_url(tmp_path) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite'}"


def make_test_app(database_url: str, **config):
    """The app on an empty database (its tables created), CSRF off unless ``config`` says otherwise, with a
    report cache of its own (a report cached by another test, or an earlier run, is never served)."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PDF_CACHE_DIR": tempfile.mkdtemp(prefix="rupa-report-cache-"),
        "REPORT_INLINE_PATIENCE": 600,  # a PDF asked for is there when the request ends (one test sets 0)
        **config,
    })
    with app.app_context():
        limiter.reset()  # rate-limit counts live in the process: each test starts from zero
        if database_url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if Path(app.config["PDF_CACHE_DIR"]).name.startswith("rupa-report-cache-"):
        shutil.rmtree(app.config["PDF_CACHE_DIR"], ignore_errors=True)


@pytest.fixture
def app(tmp_path, database_url):
    app = make_test_app(database_url)
    yield app
    dispose(app)


@pytest.fixture
def redis_url() -> str:
    """The local Redis (rate limits, PDF cache and jobs); skipped where none runs, unless required."""
    import redis

    url = os.environ.get("RUPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("RUPA_REQUIRE_REDIS"):
            pytest.fail(f"Redis is required (RUPA_REQUIRE_REDIS) but does not answer at {url}")
        pytest.skip(f"no Redis at {url}")
    return url


@pytest.fixture
def queued_app(app, redis_url):
    """The test app with Redis configured under names no other test uses; cleaned up afterwards."""
    import uuid

    from extensions import redis_client

    run = uuid.uuid4().hex[:12]
    app.config.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=f"rupa-test-{run}:", REPORT_QUEUE=f"rupa-test-{run}",
                      MAIL_QUEUE=f"rupa-test-{run}-mail")
    with app.app_context():
        worker = listening_worker(app, run)
    yield app
    with app.app_context():
        worker.register_death()
        client = redis_client()
        for key in client.scan_iter(f"*rupa-test-{run}*"):
            client.delete(key)


def listening_worker(app, run: str):
    """A worker registered on the app's PDF queues, as `flask worker` is in production: without one, RUPA
    renders PDFs in the request. The tests run its jobs with ``work_off``."""
    from rq import SimpleWorker

    from extensions import redis_client
    from reports.jobs import worker_queues

    connection = redis_client()
    worker = SimpleWorker(worker_queues(connection), connection=connection, name=f"rupa-test-{run}-listening")
    worker.register_birth()
    return worker


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


TOKEN_IN_URL = re.compile(r"/r/([A-Za-z0-9_-]+)/")


@pytest.fixture
def start_respondent(client) -> Callable[[], str]:
    """Start a self-assessment through the web journey and return the private token."""

    def start() -> str:
        response = client.post("/start")
        assert response.status_code == 303
        return TOKEN_IN_URL.search(response.location).group(1)

    return start


@pytest.fixture
def questionnaire(app):
    return app.extensions["rupa.questionnaires"][app.config["QUESTIONNAIRE_VERSION"]]


@pytest.fixture
def complete_answers(questionnaire) -> Callable[[], dict[str, list[tuple[str, str]]]]:
    """Form data, per section, that answers every required item with a valid value."""

    def build() -> dict[str, list[tuple[str, str]]]:
        pages = {}
        for section in questionnaire.sections:
            data = []
            for item in section.items:
                if item.type == "text":
                    continue
                if item.type == "multi":
                    data.append((item.id, str(item.option_values[1])))
                else:
                    data.append((item.id, str(item.option_values[-1])))
            pages[section.id] = data
        return pages

    return build
