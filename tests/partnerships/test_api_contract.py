"""The API's contract: the OpenAPI document describes exactly the app's /api/v1 routes, is valid
OpenAPI 3.1, and schemathesis finds no 500 and no response outside the schema on the live app."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from werkzeug.serving import make_server

from accounts.models import Facilitator
from accounts.tokens import create_token
from app import create_app
from database import db
from extensions import limiter
from partnerships import imports, service
from questionnaire import item_bank

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_the_document_is_valid_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_api_route_is_described_and_every_described_path_exists(app, client):
    document = client.get("/api/v1/openapi.json").json
    described = set()
    for path, operations in document["paths"].items():
        described |= {(method.upper(), path) for method in operations}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        paths = [path.replace("{kind}", kind) for kind in ("json", "csv", "xlsx")] if "{kind}" in path else [path]
        routes |= {(method, p) for method in rule.methods - {"HEAD", "OPTIONS"} for p in paths}
    assert routes == described


@pytest.fixture
def live_api(tmp_path, database_url):
    """The app served over HTTP with a facilitator, a token, and a round with three paper respondents."""
    app = create_app({"SECRET_KEY": "contract-test", "SQLALCHEMY_DATABASE_URI": database_url,
                      "API_AUTH_RATE_LIMIT": "100000 per minute", "PDF_CACHE_DIR": str(tmp_path / "pdf")})
    with app.app_context():
        limiter.reset()
        db.drop_all()
        db.create_all()
        facilitator = Facilitator(email="api@example.org")
        facilitator.set_password("correct horse battery staple")
        db.session.add(facilitator)
        db.session.flush()
        partnership = service.create_partnership(facilitator, "Contract Valley", "Valley", "other")
        partnership.profile = {"profile.explicit": "yes", "profile.delegated_functions": ["transport"]}
        round_ = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
        imports.store(round_.assessment, [
            imports.PaperRespondent(f"P-{n}", group, None, {"enabler.trust.1": n + 1, "barrier.funding": n})
            for n, group in enumerate(item_bank.GROUPS[:3], start=1)], "en")
        service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])  # an empty second round
        _row, token = create_token(facilitator, "schemathesis")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", token
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


def test_schemathesis_finds_nothing_against_the_live_app(live_api, tmp_path):
    base, token = live_api
    examples = os.environ.get("RUPA_SCHEMATHESIS_EXAMPLES", "30")
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{base}/api/v1/openapi.json", "--header", f"Authorization: Bearer {token}",
         "--checks", "all", "--max-examples", examples, "--workers", "1", "--seed", "1",
         "--request-timeout", "30", "--suppress-health-check", "too_slow"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "", "NO_COLOR": "1"})
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert re.search(r"\b(passed|Passed)\b", run.stdout), run.stdout[-3000:]
