"""Serving for production: `flask check` names every unsafe setting, `make serve` refuses rate limits that
each process would count on its own, and with Redis the limits hold exactly across gunicorn workers."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app import create_app
from bench.server import served
from deployment import deployment_faults
from tests.deploy.services import RedisServer

ROOT = Path(__file__).parents[2]
SAFE = {"SECRET_KEY": "k" * 64, "SESSION_COOKIE_SECURE": True, "TRUSTED_HOSTS": ["rupa.example.org"],
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "MAIL_SERVER": "smtp.example.org"}


def faults_of(tmp_path, workers: int = 6, **config) -> set[tuple[str, str]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://rupa@db.internal/rupa", **SAFE, **config})
    app.instance_path = str(tmp_path / "instance")
    return {(fault.setting, fault.level) for fault in deployment_faults(app, workers)}


def test_safe_production_settings_raise_nothing(tmp_path):
    assert faults_of(tmp_path) == set()


def test_without_a_mail_server_check_warns_that_account_emails_reach_nobody(tmp_path):
    assert faults_of(tmp_path, MAIL_SERVER=None) == {("RUPA_MAIL_SERVER", "warning")}


NO_SHARED_PDFS = ("RUPA_REDIS_URL", "warning")  # several hosts without Redis: PDFs rendered and kept per host


@pytest.mark.parametrize(("config", "workers", "expected"), [
    ({"RATELIMIT_STORAGE_URI": "memory://"}, 6, {("RUPA_REDIS_URL", "error")}),
    ({"RATELIMIT_STORAGE_URI": "memory://", "APP_HOSTS": 2}, 1, {("RUPA_REDIS_URL", "error"), NO_SHARED_PDFS}),
    ({"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/rupa.sqlite", "APP_HOSTS": 2}, 6,
     {("RUPA_DATABASE_URL", "error"), NO_SHARED_PDFS}),
    ({"SECRET_KEY": "short"}, 6, {("RUPA_SECRET_KEY", "error")}),
    ({"SESSION_COOKIE_SECURE": False}, 6, {("RUPA_SESSION_COOKIE_SECURE", "warning")}),
    ({"TRUSTED_HOSTS": None}, 6, {("RUPA_TRUSTED_HOSTS", "warning")}),
    ({"PROXIES": 1}, 6, {("RUPA_PROXIES", "warning")}),
    ({"DEBUG": True}, 6, {("RUPA_DEBUG", "error")}),
    ({"REDIS_URL": "redis://127.0.0.1:1/0"}, 6, {("RUPA_REDIS_URL", "warning")}),  # nothing answers there
])
def test_each_unsafe_setting_is_named(tmp_path, config, workers, expected):
    assert faults_of(tmp_path, workers, **config) == expected


def test_a_secret_key_from_one_hosts_instance_folder(monkeypatch):
    def key_faults(hosts: int) -> dict[str, str]:
        app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://rupa@db.internal/rupa",
                          **{k: v for k, v in SAFE.items() if k != "SECRET_KEY"}, "APP_HOSTS": hosts})
        return {f.setting: f.level for f in deployment_faults(app, 3)}

    monkeypatch.delenv("RUPA_SECRET_KEY", raising=False)
    assert key_faults(1) == {"RUPA_SECRET_KEY": "warning"}
    assert key_faults(2) == {"RUPA_SECRET_KEY": "error", "RUPA_REDIS_URL": "warning"}


def test_check_command_exits_1_on_errors_only(tmp_path):
    runner = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.sqlite", **SAFE}).test_cli_runner()
    assert runner.invoke(args=["check", "--workers", "1"]).exit_code == 0
    unsafe = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/c.sqlite", **SAFE,
                         "RATELIMIT_STORAGE_URI": "memory://"}).test_cli_runner()
    refused = unsafe.invoke(args=["check", "--workers", "3"])
    assert refused.exit_code == 1 and "3 processes" in refused.output and "RUPA_REDIS_URL" in refused.output


@pytest.mark.parametrize(("proxies", "forwarded", "warned"), [(1, False, True), (0, True, True), (1, True, False),
                                                              (0, False, False)])
def test_requests_that_contradict_rupa_proxies_are_logged(tmp_path, caplog, proxies, forwarded, warned):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite", "SECRET_KEY": "x",
                      "PROXIES": proxies})
    headers = {"X-Forwarded-For": "203.0.113.9"} if forwarded else {}
    with caplog.at_level(logging.WARNING, logger="rupa"):
        for _ in range(3):
            app.test_client().get("/about", headers=headers)
    logged = [r for r in caplog.records if "RUPA_PROXIES" in r.getMessage()]
    assert len(logged) == (1 if warned else 0)  # once per process, not once per request


@pytest.mark.deploy
def test_make_serve_refuses_to_start_with_per_process_limits(tmp_path):
    environment = {**os.environ, "RUPA_WEB_WORKERS": "3", "RUPA_SECRET_KEY": "s" * 64,
                   "RUPA_DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite", "RUPA_BIND": "127.0.0.1:1"}
    for name in ("RUPA_REDIS_URL", "RUPA_RATELIMIT_STORAGE_URI"):
        environment.pop(name, None)
    done = subprocess.run(["make", "--no-print-directory", "serve"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "error: RUPA_REDIS_URL: 3 processes" in done.stderr and "RUPA_WEB_WORKERS=1" in done.stderr
    assert "gunicorn" not in done.stdout.split("flask check")[-1]  # stopped before serving


@pytest.mark.deploy
def test_sign_in_limit_holds_exactly_across_three_workers(tmp_path):
    redis = RedisServer(tmp_path).start()
    try:
        with served(f"sqlite:///{tmp_path / 'limits.sqlite'}", tmp_path, workers=3,
                    extra={"RUPA_REDIS_URL": redis.url}) as server:
            deadline = time.monotonic() + 30
            while len(server.worker_pids()) < 3:  # /health answered as soon as the first worker was up
                assert time.monotonic() < deadline, "gunicorn did not start its 3 workers"
                time.sleep(0.1)
            statuses = []
            for _ in range(14):  # each attempt on new connections, so the kernel spreads them over the workers
                with requests.Session() as browser:
                    form = browser.get(server.url + "/account/signin", timeout=10)
                    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
                    statuses.append(browser.post(server.url + "/account/signin", timeout=10, data={
                        "csrf_token": token, "email": "nobody@example.org", "password": "wrong"}).status_code)
    finally:
        redis.kill()
    assert statuses == [400] * 10 + [429] * 4  # RUPA_SIGNIN_RATE_LIMIT: 10 per minute, for all workers


def test_gunicorn_config_counts_the_workers_flask_check_counts(monkeypatch):
    monkeypatch.setenv("RUPA_WEB_WORKERS", "5")
    done = subprocess.run([sys.executable, "-c", "import runpy; print(runpy.run_path('gunicorn.conf.py')['workers'])"],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ})
    assert done.stdout.strip() == "5", done.stderr
