"""The database goes away (its network drops every connection) and comes back: meanwhile every page type
answers 503 with RUPA's own page or JSON and the security headers, signed in or not; afterwards it works
again without a restart. Runs against PostgreSQL (the production database) through a relay the test cuts."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import dispose, make_test_app
from tests.deploy.services import TcpRelay
from tests.partnerships.test_api import bearer, create_token

pytestmark = pytest.mark.deploy


@pytest.fixture
def relay(postgres_database):
    url = make_url(postgres_database("rupa_outage"))
    relay = TcpRelay(url.port or 5432, url.host or "127.0.0.1").start()
    relay.url = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    yield relay
    relay.stop()


@pytest.fixture
def app(relay):
    app = make_test_app(relay.url)
    yield app
    dispose(app)


SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def pages(round_, token, api_token):
    """(what, client, method, path, extra) for one request of every kind of page."""
    owner, base = round_["client"], round_["base"]
    return [
        ("respondent page", None, "get", f"/r/{token}/s/linkages", {}),
        ("save", None, "post", f"/r/{token}/s/linkages", {"data": {"action": "later"}}),
        ("start", None, "post", "/start", {}),
        ("join by code", None, "post", "/join", {"data": {"code": round_["code"]}}),
        ("sign-in", None, "post", "/account/signin", {"data": {"email": "a@example.org", "password": "x"}}),
        ("facilitator dashboard", owner, "get", base, {}),
        ("facilitator list", owner, "get", "/facilitator/", {}),
        ("group results", owner, "get", base + "/results", {}),
        ("home, signed in", owner, "get", "/", {}),
        ("API", None, "get", "/api/v1/partnerships", {"headers": bearer(api_token)}),
    ]


def test_database_outage_is_a_503_everywhere_and_heals(app, relay, make_round, respondent_joins):
    round_ = make_round()
    api_token = create_token(round_["client"])
    _client, token = respondent_joins(round_["code"], "rural_public", "Village A", submit=False)
    before = {what: getattr(client or app.test_client(), method)(path, **extra).status_code
              for what, client, method, path, extra in pages(round_, token, api_token)}
    assert all(status < 500 for status in before.values()), before

    relay.stop()

    for what, client, method, path, extra in pages(round_, token, api_token):
        for lang, words in (("en", "RUPA cannot reach its database"), ("fr", "RUPA ne parvient pas à joindre")):
            headers = {**extra.get("headers", {}), "Accept-Language": lang}
            if client is not None:
                client.get(f"/?lang={lang}")  # a facilitator's chosen language lives in the session
            response = getattr(client or app.test_client(), method)(path, **{**extra, "headers": headers})
            assert response.status_code == 503, (what, lang, response.status_code)
            assert response.headers["Retry-After"] == "30"
            assert all(name in response.headers for name in SECURITY_HEADERS), what
            if path.startswith("/api/"):
                assert response.json["error"] == "unavailable"
            else:
                assert words in response.text, (what, lang)
    assert app.test_client().get("/health").status_code == 200  # liveness: the process answers
    ready = app.test_client().get("/health/ready")
    assert ready.status_code == 503 and ready.json["database"] == "unavailable"

    relay.start()

    assert app.test_client().get("/health/ready").status_code == 200
    after = {what: getattr(client or app.test_client(), method)(path, **extra).status_code
             for what, client, method, path, extra in pages(round_, token, api_token)}
    assert after == before
