"""``flask --app app check``: the settings that are unsafe in production, like Django's ``check --deploy``.

``make serve`` runs it first and does not start while it reports an error. It reads the settings the app
was built with and the environment gunicorn reads (``RUPA_WEB_WORKERS``); what can only be seen in real
requests (whether a proxy really stands in front) is logged by the app itself (:func:`watch_proxy_headers`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app, request
from flask.cli import with_appcontext

LOGGER = logging.getLogger("rupa")


def web_workers() -> int:
    """How many processes gunicorn runs (gunicorn.conf.py reads this too): 3 per core unless set."""
    return int(os.environ.get("RUPA_WEB_WORKERS") or multiprocessing.cpu_count() * 3)


@dataclass(frozen=True)
class Fault:
    level: str  # "error": RUPA must not be served like this; "warning": check that it is meant
    setting: str
    message: str


def deployment_faults(app: Flask, workers: int) -> list[Fault]:
    """Every unsafe production setting of ``app`` served by ``workers`` processes on each of
    ``APP_HOSTS`` hosts."""
    config = app.config
    hosts = int(config["APP_HOSTS"])
    processes = workers * hosts
    database = config["SQLALCHEMY_DATABASE_URI"]
    faults: list[Fault] = []

    def fault(level: str, setting: str, message: str) -> None:
        faults.append(Fault(level, setting, message))

    if config["DEBUG"]:
        fault("error", "RUPA_DEBUG", "the debugger is on: anyone could run code on the server. Unset it.")
    if processes > 1 and str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        fault("error", "RUPA_REDIS_URL",
              f"{processes} processes ({workers} workers × {hosts} host(s)) would each count rate limits on "
              f"their own, letting through {processes} times the configured limits. Set RUPA_REDIS_URL (or "
              f"RUPA_RATELIMIT_STORAGE_URI=redis://…) to share them, or serve with RUPA_WEB_WORKERS=1.")
    if hosts > 1 and database.startswith("sqlite"):
        fault("error", "RUPA_DATABASE_URL",
              f"SQLite is a file on one host; {hosts} hosts need one shared PostgreSQL database.")
    if config.get("SECRET_KEY_FROM_INSTANCE"):
        key_file = Path(app.instance_path) / "secret_key"
        if hosts > 1:
            fault("error", "RUPA_SECRET_KEY",
                  f"the secret key is read from this host's {key_file}: each of the {hosts} hosts would sign "
                  f"sessions and forms with its own key, and a request reaching another host would be refused. "
                  f"Set the same RUPA_SECRET_KEY on every host.")
        else:
            fault("warning", "RUPA_SECRET_KEY",
                  f"the secret key is read from {key_file}. On one host that is fine; with several, set the "
                  f"same RUPA_SECRET_KEY on each (and RUPA_APP_HOSTS to their number).")
    elif len(str(config["SECRET_KEY"])) < 32:
        fault("error", "RUPA_SECRET_KEY", "the secret key is shorter than 32 characters: use a long random value "
              "(python3 -c 'import secrets; print(secrets.token_hex(32))').")
    if hosts > 1 and not config["REDIS_URL"]:
        fault("warning", "RUPA_REDIS_URL", "without Redis each host keeps the PDFs it rendered on its own disk "
              "and renders reports inside web requests.")
    if not config["SESSION_COOKIE_SECURE"]:
        fault("warning", "RUPA_SESSION_COOKIE_SECURE",
              "session cookies are marked Secure only on requests that arrive over HTTPS. Served over HTTPS "
              "(as it should be), set RUPA_SESSION_COOKIE_SECURE=true so that they never travel in clear.")
    if not config.get("TRUSTED_HOSTS") and not config.get("SERVER_NAME"):
        fault("warning", "RUPA_TRUSTED_HOSTS",
              "any Host header is accepted. Set RUPA_TRUSTED_HOSTS to the installation's names, e.g. "
              "RUPA_TRUSTED_HOSTS='[\"rupa.example.org\"]'.")
    if int(config["PROXIES"]):
        fault("warning", "RUPA_PROXIES",
              f"the X-Forwarded-* headers of {config['PROXIES']} reverse proxy hop(s) are trusted: never expose "
              f"the app's port directly, or clients choose their own address. Every worker logs a warning "
              f"when a request arrives without the proxy's header.")
    if config["MAIL_BACKEND"] == "file":
        fault("warning", "RUPA_MAIL_SERVER",
              f"no mail server: the emails that confirm new accounts and reset passwords are written to files in "
              f"{config['MAIL_FILE_PATH']} and reach nobody. Set RUPA_MAIL_SERVER (and RUPA_MAIL_PORT, "
              f"RUPA_MAIL_USE_TLS, RUPA_MAIL_USERNAME, RUPA_MAIL_PASSWORD, RUPA_MAIL_DEFAULT_SENDER).")
    if config["REDIS_URL"]:
        from redis import Redis
        from redis.exceptions import RedisError

        from extensions import REDIS_TIMEOUTS

        try:
            Redis.from_url(config["REDIS_URL"], **REDIS_TIMEOUTS).ping()
        except RedisError as error:
            fault("warning", "RUPA_REDIS_URL", f"Redis does not answer ({error}): RUPA will work without it "
                  f"(limits in each process, PDFs rendered in requests) until it does.")
    return faults


@click.command("check")
@click.option("--workers", type=int, default=None, help="Web processes per host (default: as gunicorn.conf.py).")
@with_appcontext
def check_command(workers: int | None) -> None:
    """Warn about every unsafe production setting; exit with status 1 when one must be fixed first."""
    faults = deployment_faults(current_app, workers or web_workers())
    for fault in faults:
        click.echo(f"{fault.level}: {fault.setting}: {fault.message}", err=True)
    errors = sum(fault.level == "error" for fault in faults)
    if errors:
        raise click.exceptions.Exit(1)
    click.echo(f"RUPA's production settings: no error, {len(faults)} warning(s).")


def watch_proxy_headers() -> None:
    """Log once per process when what arrives contradicts RUPA_PROXIES: no X-Forwarded-For although proxies
    are trusted (the app's port is reachable directly?), or a proxy's header although none is trusted
    (rate limits then count the proxy's address for everyone)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions.get("rupa.proxy_warned") or request.endpoint in ("pages.health", "pages.ready"):
        return  # warned once already; health checks come from the load balancer, not through the proxy
    original = request.environ.get("werkzeug.proxy_fix.orig", {})
    forwarded = original.get("HTTP_X_FORWARDED_FOR") or request.environ.get("HTTP_X_FORWARDED_FOR")
    proxies = int(app.config["PROXIES"])
    if bool(proxies) == bool(forwarded):
        return
    if proxies:
        LOGGER.warning("RUPA_PROXIES=%d but a request arrived without X-Forwarded-For: is the app's port "
                       "reachable without the proxy?", proxies)
    else:
        LOGGER.warning("a request arrived through a proxy (X-Forwarded-For) but RUPA_PROXIES is 0: rate "
                       "limits count the proxy's address for everyone, and HTTPS is not recognised")
    app.extensions["rupa.proxy_warned"] = True


# Resume links (/r/<token>), invitation links (/j/<token>), personal email invitations (/i/<token>) and the
# links emailed to facilitators (confirming an account, choosing a new password) are secrets: whoever reads
# them answers as that respondent, joins that round or takes over that account. Access logs and the
# development server's log write them as "…".
SECRET_IN_PATH = re.compile(r"/(r|j|i|account/confirm|account/password/reset)/[A-Za-z0-9_.\-]{16,}")


def redacted(text: str) -> str:
    return SECRET_IN_PATH.sub(lambda match: f"/{match.group(1)}/…", text)


class RedactSecrets(logging.Filter):
    """A logging filter that takes the secret part out of every resume and invitation link it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redacted(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redacted(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is the production server, not a dependency of the scorer or the tests' tools
    _GunicornLogger = object


class RedactingGunicornLogger(_GunicornLogger):
    """gunicorn's logger (gunicorn.conf.py ``logger_class``), with every access-log field redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redacted(value) if isinstance(value, str) else value for key, value in atoms.items()}

