"""Redis killed mid-use: pages, saves, joining, sign-in, the API and PDFs go on without it (rate limits in
this process's memory, PDFs rendered in the request), and everything uses Redis again once it is back."""

from __future__ import annotations

import logging
import time

import pytest

from extensions import redis_client
from tests.conftest import dispose, listening_worker, make_test_app
from tests.deploy.services import RedisServer
from tests.partnerships.test_api import bearer, create_token

pytestmark = pytest.mark.deploy


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def app(tmp_path, database_url, redis_server):
    """The test app with its own Redis for rate limits, PDFs and the PDF queue."""
    app = make_test_app(database_url, REDIS_URL=redis_server.url, PDF_CACHE_DIR=str(tmp_path / "disk-cache"))
    yield app
    dispose(app)


def limiter_keys(app) -> list[bytes]:
    with app.app_context():
        return [key for key in redis_client().scan_iter("LIMITS*")]


def wrong_sign_in(client):
    return client.post("/account/signin", data={"email": "nobody@example.org", "password": "not it"})


def test_redis_outage_degrades_and_recovers(app, redis_server, make_round, respondent_joins, caplog):
    caplog.set_level(logging.WARNING)
    round_ = make_round()
    owner = round_["client"]
    api_token = create_token(owner)
    client, token = respondent_joins(round_["code"], "rural_public", "Village A")
    assert limiter_keys(app), "the rate-limit counts live in Redis while it runs"
    with app.app_context():
        worker = listening_worker(app, "outage")
    assert client.get(f"/r/{token}/report.pdf").status_code == 202  # queued for the worker

    redis_server.kill()

    # The waiting page's next poll gets the PDF, rendered in the request.
    pdf = client.get(f"/r/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    # A new respondent joins, answers every page and submits; resume pages and the report open.
    other, other_token = respondent_joins(round_["code"], "urban_public", "Town")
    for path in (f"/r/{other_token}", f"/r/{other_token}/s/linkages", f"/r/{other_token}/report"):
        assert other.get(path, follow_redirects=True).status_code == 200, path
    assert other.get(f"/r/{other_token}/report.pdf").data[:5] == b"%PDF-"
    # The facilitator's pages and the API.
    assert owner.get(round_["base"]).status_code == 200
    assert owner.get(round_["base"] + "/results").status_code == 200
    api = app.test_client().get("/api/v1/partnerships", headers=bearer(api_token))
    assert api.status_code == 200 and api.json["partnerships"][0]["id"] == round_["partnership_id"]
    assert app.test_client().post("/account/signin", data={
        "email": "facilitator@example.org", "password": "correct horse battery staple"}).status_code == 303
    # Rate limits still hold, counted in this process: 10 sign-ins a minute, 20 failed lookups.
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # a guesser elsewhere: the room is not refused
    assert [wrong_sign_in(stranger).status_code for _ in range(11)] == [400] * 10 + [429]
    unknown = [stranger.get(f"/r/{'x' * 43}").status_code for _ in range(21)]
    assert unknown == [404] * 20 + [429]
    ready = app.test_client().get("/health/ready")
    assert ready.status_code == 200 and ready.json["redis"] == "unavailable" and ready.json["database"] == "ok"
    warnings = " ".join(record.getMessage() for record in caplog.records)
    assert "falling back to in-memory storage" in warnings and "rendering in the request" in warnings

    redis_server.start()  # back, empty (it keeps nothing on disk), on the same address: no restart of RUPA

    with app.app_context():
        worker = listening_worker(app, "outage-back")
    deadline = time.monotonic() + 60  # Flask-Limiter looks at its storage again with a growing back-off
    while not limiter_keys(app):
        assert time.monotonic() < deadline, "the rate limits never went back to Redis"
        wrong_sign_in(app.test_client())
        time.sleep(0.5)
    third, third_token = respondent_joins(round_["code"], "business", "Chamber")
    assert third.get(f"/r/{third_token}/report.pdf").status_code == 202  # the queue again
    assert app.test_client().get("/health/ready").json["redis"] == "ok"
    with app.app_context():
        worker.register_death()
