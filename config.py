"""Configuration: defaults, then ``RUPA_*`` environment variables, then the test config.

Every setting can be given as an environment variable with the ``RUPA_`` prefix (for example
``RUPA_DATABASE_URL``); values are parsed as JSON where they can be, as Flask's
``from_prefixed_env`` does. ``DATABASE_URL`` without the prefix is honoured too, since most
hosting platforms set that name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from database import engine_options
from extensions import REDIS_TIMEOUTS
from questionnaire.content import LANGUAGES as CONTENT_LANGUAGES

DEFAULTS = {
    # Resume links stop working after this many days without activity.
    "RESUME_TOKEN_MAX_AGE_DAYS": 180,
    "DEFAULT_LANGUAGE": "en",
    # The languages served: those the content translates (questionnaire.content.LANGUAGES), and any other
    # Babel knows, whose pages show the texts translated so far and the fallback language's for the rest.
    "LANGUAGES": list(CONTENT_LANGUAGES),
    # A 4,000-character answer in every free-text field stays far below this.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Uploads of paper answers (CSV or XLSX) may be larger than a page of answers.
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    # A CSRF token lives as long as the session: a slow respondent must not lose a page of answers
    # to an expired token.
    "WTF_CSRF_TIME_LIMIT": None,
    # The origin of every checked POST is verified by extensions.SameOriginCSRFProtect (Origin, else a
    # same-site Referer over HTTPS) instead of Flask-WTF's Referer-only HTTPS check.
    "WTF_CSRF_SSL_STRICT": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Completed per database in load_config (database.engine_options).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Facilitators' sessions end after 8 hours (and when they sign out or change their password).
    # A facilitator's session ends after 2 hours without a request, and 8 hours after sign-in however
    # active (OWASP ASVS 3.3): then they sign in again.
    "PERMANENT_SESSION_LIFETIME": 2 * 3600,
    "SESSION_ABSOLUTE_LIFETIME": 8 * 3600,
    "REMEMBER_COOKIE_DURATION": 0,
    # Anyone may create a facilitator account unless this is false; then `flask users create` does.
    "ALLOW_SIGNUP": True,
    "SIGNIN_RATE_LIMIT": "10 per minute;50 per hour",
    # Wrong join codes per client address (right ones do not count: a whole room shares one address).
    "JOIN_RATE_LIMIT": "30 per minute;300 per hour",
    # Respondents joining a round per client address: a room of 200 behind one router fits.
    "JOIN_ROUND_RATE_LIMIT": "300 per minute;3000 per hour",
    # The purge removes the free-text answers of rounds closed longer ago than this.
    "RETENTION_DAYS": 365,
    # The purge runs by itself once a day (the first request of the day starts it, in a thread of its own),
    # on one process of all; false leaves it to `flask purge`.
    "PURGE_DAILY": True,
    "SIGNUP_RATE_LIMIT": "5 per minute;20 per hour",
    # Refused API tokens per client address (accepted calls do not count).
    "API_AUTH_RATE_LIMIT": "30 per minute;300 per hour",
    # New self-assessments per client address: a training room behind one router fits, a script does not.
    "START_RATE_LIMIT": "20 per minute;120 per hour",
    # PDFs rendered (not the ones served from the cache) per client address: each costs seconds of CPU.
    "PDF_RENDER_RATE_LIMIT": "20 per minute;120 per hour",
    # Only lookups of unknown or expired resume tokens count: guessing is slowed, a room is not.
    "RESUME_LOOKUP_RATE_LIMIT": "20 per minute;200 per hour",
    # Redis (redis://host:6379/0), when given, holds what app processes on several hosts share: rate-limit
    # counts, rendered PDFs, and the queue of PDF jobs run by `flask worker`. Without it all stays in
    # this process (rate limits), on this disk (PDF_CACHE_DIR) and in the request (PDF rendering).
    "REDIS_URL": None,
    # How many reverse proxies stand in front of the app (0: none). With 1 or more, the client's address
    # (for rate limits) and the scheme (for secure cookies) come from their X-Forwarded-* headers.
    "PROXIES": 0,
    # Whether those proxies' X-Forwarded-Host names the host of generated links. Off: the Host header
    # decides (deploy/nginx passes the client's own), checked against TRUSTED_HOSTS like any other.
    "PROXIES_FORWARD_HOST": False,
    # How many hosts serve this installation (for `flask check`: several need PostgreSQL, Redis and one
    # RUPA_SECRET_KEY).
    "APP_HOSTS": 1,
    "REDIS_KEY_PREFIX": "rupa:",
    "REPORT_QUEUE": "rupa-reports",
    # Emails (invitations, reminders, account mail) go through this queue when Redis is configured.
    "MAIL_QUEUE": "rupa-mail",
    # A PDF job still unfinished after this many seconds is stopped and reported as failed.
    "REPORT_JOB_TIMEOUT": 180,
    # A PDF job that no worker has started after this many seconds (no worker runs, or all are busy) is
    # withdrawn and the PDF rendered in the request instead: a waiting page never waits for ever.
    "REPORT_QUEUE_PATIENCE": 30,
    # Without Redis, a PDF is rendered in the web process; a request waits this many seconds for it, then
    # answers with the "Preparing your PDF" page while the rendering goes on (the next check serves it).
    "REPORT_INLINE_PATIENCE": 1.0,
    # Rendered PDFs kept in Redis expire after this many seconds (they are rendered again on demand).
    "PDF_CACHE_TTL": 7 * 24 * 3600,
    # Without Redis, PDFs are kept on disk (PDF_CACHE_DIR) up to this many megabytes in all, for
    # PDF_CACHE_TTL seconds each; the least recently rendered go first.
    "PDF_CACHE_SIZE_MB": 500,
    # Rate-limit counters: in memory by default (or in REDIS_URL when that is set); a redis:// URL shares
    # them between processes.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    # Redis down: Flask-Limiter counts in this process's memory (with a warning in the log) and goes back
    # to Redis once it answers again; a count that cannot be written is logged, never a 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # Rate-limit checks wait no longer for Redis than the app's other calls to it.
    "RATELIMIT_STORAGE_OPTIONS": dict(REDIS_TIMEOUTS),
    # No X-RateLimit-* headers on every response: working them out reads the counters of every limit that
    # applies (a Redis round trip each when shared; about 1 % of a questionnaire page in memory). A
    # refused request still says when to try again (Retry-After, web/errors.py).
    "RATELIMIT_HEADERS_ENABLED": False,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript", "application/javascript",
                           "application/json", "image/svg+xml", "text/csv"],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
    # Brotli quality 1 instead of Flask-Compress's 4: the largest questionnaire page (35 KB) compresses in
    # 0.12 ms instead of 0.45 ms (a tenth of a page's cost) to 4.1 KB instead of 3.2 KB.
    "COMPRESS_BR_LEVEL": 1,
    # Streamed responses (exports) are sent as they are; static CSS and JS are read whole and compressed
    # (web/static.py).
    "COMPRESS_STREAMS": False,
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    # Email (a new account's confirmation, password reset) through the SMTP server RUPA_MAIL_SERVER
    # (RUPA_MAIL_PORT, RUPA_MAIL_USE_TLS or RUPA_MAIL_USE_SSL, RUPA_MAIL_USERNAME, RUPA_MAIL_PASSWORD), sent
    # as RUPA_MAIL_DEFAULT_SENDER. Without a server, each message is written to a file in MAIL_FILE_PATH
    # (instance/outbox), to be read there on a development machine.
    "MAIL_SERVER": None,
    "MAIL_DEFAULT_SENDER": "RUPA <rupa@localhost>",
    "MAIL_TIMEOUT": 10,
    # A link to confirm a new account's address works this long; a password reset link this long, once.
    "ACCOUNT_CONFIRM_MAX_AGE": 24 * 3600,
    "PASSWORD_RESET_MAX_AGE": 3600,
    # Password reset requests per client address (each may send an email).
    "PASSWORD_RESET_RATE_LIMIT": "5 per minute;20 per hour",
}


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``test_config`` (highest wins)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env(prefix="RUPA")
    if test_config is not None:
        app.config.from_mapping(test_config)

    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]

    database_url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not database_url and not app.config.get("SQLALCHEMY_DATABASE_URI"):
        # The embedded default, in the instance folder: the app's own user alone may enter it.
        Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    database_url = database_url or f"sqlite:///{Path(app.instance_path) / 'rupa.sqlite'}"
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", normalise_database_url(database_url))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"],
                                                             app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    if not app.config.get("MAIL_BACKEND"):
        # Flask-Mailman's backends: SMTP when a server is configured, an outbox in memory for tests, and
        # otherwise files in the instance folder (nothing leaves the machine).
        app.config["MAIL_BACKEND"] = ("smtp" if app.config["MAIL_SERVER"] else
                                      "locmem" if app.config.get("TESTING") else "file")
    app.config.setdefault("MAIL_FILE_PATH", str(Path(app.instance_path) / "outbox"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
        app.config["SECRET_KEY_FROM_INSTANCE"] = True  # one host's file: `flask check` asks for RUPA_SECRET_KEY


def normalise_database_url(url: str) -> str:
    """Route plain ``postgres://`` and ``postgresql://`` URLs to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(instance_path: Path) -> str:
    """Return the instance's secret key, creating it (readable by the owner only) on first run."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
