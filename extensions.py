"""Flask extension objects, created once and bound to the app in create_app()."""

import logging
import math
import time
from typing import Any

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect


class SameOriginCSRFProtect(CSRFProtect):
    """Flask-WTF's token check, then a same-origin check of the request's origin (OWASP's "verifying
    origin with standard headers", as Django does): the ``Origin`` header when the browser sends one,
    else, over HTTPS, a ``Referer`` of this site. Flask-WTF's own HTTPS check (``WTF_CSRF_SSL_STRICT``)
    demands a Referer and so refused every form where the referrer policy or a privacy setting
    withholds it; browsers send ``Origin`` with every form POST."""

    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions)
        from flask import g

        if g.get("csrf_valid"):  # the token was checked (exempt views and safe methods return before)
            refuse_other_origins(self._error_response)


def refuse_other_origins(refuse) -> None:
    """Call ``refuse(reason)`` unless the request comes from a page of this site."""
    from flask import request
    from werkzeug.urls import urlsplit

    own = f"{request.scheme}://{request.host}"
    origin = request.headers.get("Origin")
    if origin and origin != "null":  # "null": an opaque origin (a sandboxed frame, a privacy setting)
        if origin.lower() != own.lower():
            refuse("The request came from another site.")
        return
    if request.is_secure:
        referrer = urlsplit(request.referrer or "")
        if not request.referrer or f"{referrer.scheme}://{referrer.netloc}".lower() != own.lower():
            refuse("The request does not say that it came from this site.")


csrf = SameOriginCSRFProtect()
LOGGER = logging.getLogger("rupa")
babel = Babel()
migrate = Migrate()
login_manager = LoginManager()
# In memory by default; RUPA_RATELIMIT_STORAGE_URI=redis://... shares the counts between processes.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Pages travel compressed (rural connections are slow); PDFs and images are left as they are.
compress = Compress()
# Email: SMTP, or files in the instance folder where no server is configured (config.py).
mail = Mail()


FAILED_LOOKUPS = "failed-token-lookup"


def _failed_lookup_checks() -> list:
    """Each limit of RESUME_LOOKUP_RATE_LIMIT (parsed again only when the setting changes) with the
    identifiers of this client's counter."""
    from flask import current_app
    from limits import parse_many

    setting = current_app.config["RESUME_LOOKUP_RATE_LIMIT"]
    parsed = current_app.extensions.get("rupa.failed_lookup_limits")
    if parsed is None or parsed[0] != setting:
        parsed = current_app.extensions["rupa.failed_lookup_limits"] = (setting, parse_many(setting))
    identifiers = (current_app.config.get("RATELIMIT_KEY_PREFIX") or "rupa", get_remote_address(), FAILED_LOOKUPS)
    return [(item, identifiers) for item in parsed[1]]


class _LookupCounts:
    """The failed-lookup counts in Flask-Limiter's storage, or in this process's memory while that storage
    (Redis) does not answer: a Redis outage must not stop respondents from opening their links. The
    shared storage is tried again every ``RETRY_SECONDS``, so the counts move back once it answers."""

    RETRY_SECONDS = 5.0

    def __init__(self) -> None:
        self.fallback: Any = None  # a limits strategy over memory, made at the first failure
        self.shared_fails_until = 0.0

    def run(self, method: str, item, identifiers: tuple):
        """The rate limiter's ``method`` (test, hit, get_window_stats) for ``item``, on the shared storage
        or, while it is down, on the in-memory one."""
        from limits.storage import MemoryStorage
        from limits.strategies import STRATEGIES

        if time.monotonic() >= self.shared_fails_until:
            try:
                return getattr(limiter.limiter, method)(item, *identifiers)
            except Exception as error:  # any storage failure: the driver's errors are not one class
                LOGGER.warning("rate-limit storage unreachable (%s): counting failed lookups in memory "
                               "for %.0f s", type(error).__name__, self.RETRY_SECONDS)
                self.shared_fails_until = time.monotonic() + self.RETRY_SECONDS
        if self.fallback is None:
            self.fallback = STRATEGIES["fixed-window"](MemoryStorage())
        return getattr(self.fallback, method)(item, *identifiers)


def _lookup_counts() -> _LookupCounts:
    from flask import current_app

    return current_app.extensions.setdefault("rupa.lookup_counts", _LookupCounts())


def refuse_after_failed_lookups() -> None:
    """Before a private link or an invitation is looked up: 429 while this client address is over
    RESUME_LOOKUP_RATE_LIMIT of failed lookups. Only failures count (:func:`count_failed_lookup`), so
    guessing is slowed while a room of respondents behind one address is not.

    Flask-Limiter's own strategy and storage (Redis when configured) keep the counts. This replaces a
    blueprint limit that counted every 404 of the respondent pages: a room behind one address reloading
    its round's not yet published results (404) was then refused its own questionnaire pages."""
    from werkzeug.exceptions import TooManyRequests

    if not limiter.enabled:
        return
    for item, identifiers in _failed_lookup_checks():
        if not _lookup_counts().run("test", item, identifiers):
            reset_at = _lookup_counts().run("get_window_stats", item, identifiers).reset_time
            raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


def count_failed_lookup() -> None:
    """An unknown or expired private link, or an unknown invitation, was asked for from this address."""
    if limiter.enabled:
        for item, identifiers in _failed_lookup_checks():
            _lookup_counts().run("hit", item, identifiers)


# Web requests wait this long for Redis before they go on without it (rate limits in memory, PDFs rendered
# in the request): a Redis host that has gone away must cost a request a moment, not a gunicorn timeout.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 2.0}


def redis_client():
    """The app's Redis connection (``REDIS_URL``), made on first use and shared by its requests. It
    reconnects by itself when Redis comes back; a call made while Redis is down raises a RedisError at
    once (or after REDIS_TIMEOUTS), which each caller turns into a way on without it."""
    from flask import current_app
    from redis import Redis

    client = current_app.extensions.get("rupa.redis")
    if client is None:
        client = current_app.extensions["rupa.redis"] = Redis.from_url(current_app.config["REDIS_URL"],
                                                                       **REDIS_TIMEOUTS)
    return client
