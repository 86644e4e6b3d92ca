"""gunicorn terminating TLS itself (one host, no proxy): every form works in Chromium with CSRF on, and
no response sends a referrer policy that would leak a private link to another site."""

from __future__ import annotations

import os

import pytest
import requests

from tests.accounts.flows import Served
from tests.deploy.journey import facilitator_runs_a_round, individual_self_assessment
from tests.deploy.services import Service, free_port, self_signed_certificate

pytestmark = [pytest.mark.deploy, pytest.mark.browser]


def test_every_form_over_https_served_by_gunicorn(browser, tmp_path):
    certificate, key = self_signed_certificate(tmp_path)
    port = free_port()
    environment = {**os.environ, "FLASK_APP": "app", "RUPA_SECRET_KEY": "https-test-" + "k" * 40,
                   "RUPA_DATABASE_URL": f"sqlite:///{tmp_path / 'https.sqlite'}", "RUPA_WEB_WORKERS": "1",
                   "RUPA_BIND": f"127.0.0.1:{port}", "RUPA_TLS_CERTFILE": str(certificate),
                   "RUPA_TLS_KEYFILE": str(key), "RUPA_SESSION_COOKIE_SECURE": "true",
                   "RUPA_PDF_CACHE_DIR": str(tmp_path / "pdf-cache"), "RUPA_MAIL_FILE_PATH": str(tmp_path / "outbox")}
    for name in ("RUPA_REDIS_URL", "RUPA_RATELIMIT_STORAGE_URI", "RUPA_PROXIES"):
        environment.pop(name, None)
    server = Service("gunicorn-tls", ["make", "--no-print-directory", "serve"], environment, tmp_path)
    server.start(port)
    try:
        base = Served(f"https://127.0.0.1:{port}")
        base.outbox = tmp_path / "outbox"
        home = requests.get(base + "/", verify=str(certificate), timeout=10)
        assert home.headers["Referrer-Policy"] == "same-origin"
        assert home.headers["Strict-Transport-Security"].startswith("max-age=")
        individual_self_assessment(browser, base)
        facilitator_runs_a_round(browser, base, "tls@example.org", pdf=True)
    finally:
        server.kill()
    assert "This form has expired" not in server.log()
