"""A real RUPA server for the benchmarks: gunicorn with the production settings (gunicorn.conf.py) on
127.0.0.1, on a fresh SQLite file or PostgreSQL database, plus the HTTP set-up the load needs."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).parents[1]
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(url: str) -> None:
    """Empty the benchmark's database (PostgreSQL: create the database the URL names if it is missing,
    then empty its public schema)."""
    if url.startswith("postgresql"):
        target = make_url(url)
        server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                     {"name": target.database}):
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        server.dispose()
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    environment: dict[str, str]

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def flask(self, *args: str) -> str:
        """Run a `flask` command against the server's database and settings."""
        done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=self.environment,
                              capture_output=True, text=True, check=True)
        return done.stdout


@contextmanager
def served(database_url: str, workdir: Path, workers: int | None = None, threads: int | None = None,
           extra: dict[str, str] | None = None, fresh: bool = True) -> Iterator[Server]:
    """gunicorn serving the app on a fresh database (or, with ``fresh=False``, on the database as it is);
    stopped (and its workers with it) afterwards."""
    if fresh:
        fresh_database(database_url)
    port = free_port()
    environment = {
        **os.environ, "FLASK_APP": "app", "RUPA_SECRET_KEY": "benchmark-secret-key",
        "RUPA_DATABASE_URL": database_url, "RUPA_PDF_CACHE_DIR": str(workdir / "pdf-cache"),
        "RUPA_BIND": f"127.0.0.1:{port}", **(extra or {}),
    }
    if workers:
        environment["RUPA_WEB_WORKERS"] = str(workers)
    if threads:
        environment["RUPA_WEB_THREADS"] = str(threads)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=environment, check=True,
                   capture_output=True)
    log = (workdir / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
                               cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, environment)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(server.url + "/health", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or its workers still starting
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: see {log.name}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def start_respondent(session: requests.Session, base: str) -> tuple[str, str]:
    """Start an individual self-assessment over HTTP: the private token and the page's CSRF token."""
    home = session.get(base + "/")
    csrf = CSRF_FIELD.search(home.text).group(1)
    started = session.post(base + "/start", data={"csrf_token": csrf}, allow_redirects=False)
    started.raise_for_status()
    token = re.search(r"/r/([A-Za-z0-9_-]+)/", started.headers["Location"]).group(1)
    return token, csrf


def sample_answers(questionnaire, rng) -> dict:
    """A valid answer to every item (the first, or a random, option; one choice where several are allowed)."""
    answers: dict = {}
    for item in questionnaire.items.values():
        if item.type == "text":
            answers[item.id] = f"Shared bus line {rng.randint(1, 99)} and a joint water board"
        elif item.type == "multi":
            answers[item.id] = [next(v for v in item.option_values if v not in item.exclusive)]
        elif item.options:
            answers[item.id] = rng.choice(item.option_values)
    return answers


def form_fields(section, answers: dict) -> list[tuple[str, str]]:
    """A section's answers as the browser posts them (multiple choices repeat their field)."""
    fields = []
    for item in section.items:
        value = answers.get(item.id)
        if value is None:
            continue
        for one in value if isinstance(value, list) else [value]:
            fields.append((item.id, str(one)))
    return fields


def stored_answers(database_url: str, tokens: list[str]) -> dict[str, tuple[str, dict]]:
    """What the database holds for each respondent token: its status and its answers."""
    from app import create_app
    from database import db
    from questionnaire.journey import answers_of, find_respondent

    app = create_app({"SECRET_KEY": "benchmark-check", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        held = {}
        for token in tokens:
            respondent = find_respondent(token, 365)
            held[token] = (respondent.status, answers_of(respondent)) if respondent else ("missing", {})
        db.session.remove()
        db.engine.dispose()
    return held


def submitted_respondent(session: requests.Session, base: str, questionnaire, rng) -> str:
    """An individual self-assessment answered page by page over HTTP and submitted: its token."""
    token, csrf = start_respondent(session, base)
    answers = sample_answers(questionnaire, rng)
    for section in questionnaire.sections:
        saved = session.post(f"{base}/r/{token}/s/{section.id}", allow_redirects=False,
                             data=[("csrf_token", csrf), *form_fields(section, answers), ("action", "next")])
        if saved.status_code != 303:
            raise RuntimeError(f"saving {section.id} answered {saved.status_code}")
    if session.post(f"{base}/r/{token}/submit", data={"csrf_token": csrf}, allow_redirects=False).status_code != 303:
        raise RuntimeError("submit failed")
    return token
