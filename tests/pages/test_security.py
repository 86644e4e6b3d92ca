"""Security by default: headers, cookies, rate limits and errors that reveal nothing."""

from __future__ import annotations

import os
import re
import stat

import pytest

from app import create_app
from database import db


def test_security_headers_on_every_page(client, start_respondent):
    token = start_respondent()
    for path in ("/", f"/r/{token}/s/profile", "/account/signin", "/no/such/page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"  # tokens in URLs never reach another site
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS promise
        assert re.fullmatch(r"[0-9a-f]{16}", headers["X-Request-ID"])


def test_nothing_that_carries_answers_is_kept_by_a_cache(client, start_respondent):
    token = start_respondent()
    client.post(f"/r/{token}/s/profile", data={"profile.stage": "operating", "action": "save"})
    for path in (f"/r/{token}/s/profile", f"/r/{token}/review", f"/r/{token}/welcome", "/", "/no/such/page"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
    static = client.get("/static/css/rupa.css")
    static.close()  # the file response streams from disk
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def test_https_gets_hsts_and_secure_cookies(app):
    client = app.test_client()
    response = client.get("/", base_url="https://rupa.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    if not cookie:  # the home page sets the CSRF session cookie; a form page certainly does
        cookie = client.get("/account/signin", base_url="https://rupa.example.org").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = app.test_client().get("/account/signin").headers["Set-Cookie"]
    assert "Secure" not in plain and "HttpOnly" in plain


def test_no_inline_script_in_any_template():
    from pathlib import Path

    for template in (Path(__file__).parents[2] / "templates").rglob("*.html"):
        for tag in re.findall(r"<script[^>]*>", template.read_text()):
            assert "src=" in tag, f"inline script in {template.name}"


def test_unexpected_errors_show_a_friendly_page_without_details(tmp_path, monkeypatch):
    from authorisation import access

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.sqlite"})

    @app.get("/boom")
    @access.policy("public")
    def boom():
        raise RuntimeError("SELECT secret FROM internals")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "abc123"})
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "abc123" in response.text
    assert "SELECT" not in response.text and "Traceback" not in response.text


def test_failed_resume_lookups_are_rate_limited_but_valid_ones_are_not(app, client, start_respondent):
    app.config["RESUME_LOOKUP_RATE_LIMIT"] = "5 per minute"
    token = start_respondent()
    for _ in range(12):  # a room of people on one address resuming their own links
        assert client.get(f"/r/{token}/s/profile").status_code == 200
    responses = [client.get(f"/r/guess{n}/s/profile") for n in range(7)]
    assert [response.status_code for response in responses] == [404] * 5 + [429, 429]
    assert 1 <= int(responses[-1].headers["Retry-After"]) <= 61  # the one-minute window, rounded up
    assert not any(name.startswith("X-RateLimit") for name, _value in responses[0].headers.items())


def test_failed_lookups_of_links_and_invitations_share_one_count_and_then_refuse_every_lookup(
        app, client, start_respondent):
    """Once over the limit, an address gets 429 even for a link that exists: a guesser cannot tell a hit
    from a miss. Unknown invitations, unknown links and report links all count towards the same limit."""
    app.config["RESUME_LOOKUP_RATE_LIMIT"] = "4 per minute"
    token = start_respondent()
    for _ in range(6):  # a 404 that is not a failed lookup (no published group results here) does not count
        assert client.get(f"/r/{token}/group").status_code == 404
    misses = [client.get("/j/no-such-invitation-link").status_code, client.get("/r/guess-one/s/profile").status_code,
              client.get("/r/guess-two/report").status_code, client.get("/r/guess-three/group").status_code]
    assert misses == [404] * 4
    refused = client.get(f"/r/{token}/s/profile")
    assert refused.status_code == 429
    assert "Too many attempts came from your network" in refused.text
    assert "per 1 minute" not in refused.text
    assert client.get("/j/another-unknown-invitation").status_code == 429
    assert client.get("/").status_code == 200  # pages that look nothing up are not limited
    french = client.get(f"/r/{token}/s/profile", headers={"Accept-Language": "fr"})
    assert french.status_code == 429 and "Trop de tentatives" in french.text


def test_sign_up_is_rate_limited(app):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    statuses = [client.post("/account/signup", data={"email": f"u{n}@example.org"}).status_code for n in range(4)]
    assert statuses == [400, 400, 429, 429]


def test_request_size_is_limited(client, start_respondent):
    token = start_respondent()
    response = client.post(f"/r/{token}/s/open", data={"open.priorities": "x" * 300_000})
    assert response.status_code == 413
    assert "too large" in response.text


@pytest.mark.parametrize("path", ["/r/x' OR '1'='1/s/profile", "/r/<script>/review", "/j/%00", "/r/" + "a" * 500])
def test_hostile_tokens_are_plain_404s(client, app, path):
    response = client.get(path)
    assert response.status_code == 404
    with app.app_context():
        db.session.remove()


def test_rate_limits_are_shared_through_redis_when_configured(tmp_path, redis_url):
    """Two app processes (here: two apps) behind a load balancer count together in Redis."""
    import uuid

    config = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.sqlite",
              "REDIS_URL": redis_url, "WTF_CSRF_ENABLED": False,
              "RATELIMIT_KEY_PREFIX": f"rupa-test-{uuid.uuid4().hex}", "SIGNIN_RATE_LIMIT": "3 per minute"}
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
    statuses = [app.test_client().post("/account/signin", data={"email": "a@example.org", "password": "x"})
                .status_code for app in (first, second, first, second)]
    assert statuses == [400, 400, 400, 429]


def test_behind_a_proxy_each_client_has_its_own_rate_limit(tmp_path):
    """With RUPA_PROXIES=1 the client's address comes from X-Forwarded-For: one noisy client behind the
    proxy does not lock out the others; without it the header is ignored (clients cannot choose)."""
    for proxies, expected in ((1, [400, 400, 429, 400]), (0, [400, 400, 429, 429])):
        app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p{proxies}.sqlite",
                          "WTF_CSRF_ENABLED": False, "SIGNIN_RATE_LIMIT": "2 per minute", "PROXIES": proxies})
        with app.app_context():
            db.create_all()
        client = app.test_client()
        statuses = [client.post("/account/signin", data={"email": "a@example.org", "password": "x"},
                                headers={"X-Forwarded-For": address}).status_code
                    for address in ("203.0.113.5", "203.0.113.5", "203.0.113.5", "198.51.100.7")]
        assert statuses == expected, proxies


def _signin_form(client, base_url: str) -> str:
    page = client.get("/account/signin", base_url=base_url)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize(("base_url", "headers", "accepted"), [
    # Browsers send Origin with every form POST: the same site is accepted over HTTP and HTTPS.
    ("https://rupa.example.org", {"Origin": "https://rupa.example.org"}, True),
    ("http://127.0.0.1:5000", {"Origin": "http://127.0.0.1:5000"}, True),
    # Without Origin, HTTPS needs a Referer of this site (what the Referrer-Policy lets browsers send).
    ("https://rupa.example.org", {"Referer": "https://rupa.example.org/account/signin"}, True),
    ("https://rupa.example.org", {"Origin": "null", "Referer": "https://rupa.example.org/"}, True),
    ("https://rupa.example.org", {}, False),
    ("https://rupa.example.org", {"Referer": "https://evil.example/account/signin"}, False),
    ("https://rupa.example.org", {"Origin": "https://evil.example"}, False),
    ("https://rupa.example.org", {"Origin": "http://rupa.example.org"}, False),  # not the same scheme
    ("http://127.0.0.1:5000", {"Origin": "http://127.0.0.1:5001"}, False),  # not the same port
    ("http://127.0.0.1:5000", {"Origin": "https://evil.example"}, False),
    # Plain HTTP without either header: the token alone decides (as before; no referrer is promised).
    ("http://127.0.0.1:5000", {}, True),
])
def test_csrf_checks_the_origin_of_every_post(csrf_app, base_url, headers, accepted):
    client = csrf_app.test_client()
    token = _signin_form(client, base_url)
    response = client.post("/account/signin", base_url=base_url, headers=headers,
                           data={"csrf_token": token, "email": "nobody@example.org", "password": "wrong"})
    if accepted:  # the form was checked: a wrong password, not an expired form
        assert "The email address or the password is not right." in response.text
        assert "This form has expired" not in response.text
    else:
        assert response.status_code == 400 and "This form has expired" in response.text


def test_a_token_from_another_session_is_still_refused_from_the_same_origin(csrf_app):
    token = _signin_form(csrf_app.test_client(), "https://rupa.example.org")
    response = csrf_app.test_client().post(
        "/account/signin", base_url="https://rupa.example.org", headers={"Origin": "https://rupa.example.org"},
        data={"csrf_token": token, "email": "nobody@example.org", "password": "wrong"})
    assert response.status_code == 400


def test_the_database_and_the_report_cache_are_the_app_users_alone(tmp_path):
    previous = os.umask(0o022)  # a usual umask: files come out readable by everyone unless the app says
    try:
        from tests.conftest import dispose, make_test_app

        database = tmp_path / "answers.sqlite"
        app = make_test_app(f"sqlite:///{database}", PDF_CACHE_DIR=str(tmp_path / "reports"))
        try:
            client = app.test_client()
            token = client.post("/start", data={}).headers["Location"].split("/")[2]
            client.post(f"/r/{token}/s/profile", data={"profile.stage": "operating", "action": "save"})
            with app.app_context():
                from reports.service import report_cache

                report_cache().put("probe", b"%PDF-1.7 probe")
        finally:
            dispose(app)
        for path in (database, tmp_path / "answers.sqlite-wal"):
            if path.exists():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        assert stat.S_IMODE((tmp_path / "reports").stat().st_mode) == 0o700
    finally:
        os.umask(previous)


def test_behind_a_proxy_a_forwarded_host_does_not_name_the_links_unless_configured(database_url):
    from tests.conftest import dispose, make_test_app

    for forward_host, expected in ((False, "rupa.example.org"), (True, "evil.example")):
        app = make_test_app(database_url, PROXIES=1, PROXIES_FORWARD_HOST=forward_host)
        try:
            started = app.test_client().post("/start", data={}, base_url="http://rupa.example.org", headers={
                "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"})
            assert started.status_code == 303
            # the page the respondent lands on writes its absolute links (the resume link) with the host
            welcome = app.test_client().get(started.headers["Location"], base_url="http://rupa.example.org",
                                            headers={"X-Forwarded-For": "203.0.113.7",
                                                     "X-Forwarded-Host": "evil.example"})
            assert welcome.status_code == 200
            assert f"//{expected}/r/" in welcome.text
        finally:
            dispose(app)


def test_starting_self_assessments_and_rendering_pdfs_are_rate_limited(app, client):
    import random

    from werkzeug.datastructures import MultiDict

    from bench.server import form_fields, sample_answers
    from questionnaire.content import load_all

    app.config["START_RATE_LIMIT"] = "3 per minute"
    app.config["PDF_RENDER_RATE_LIMIT"] = "2 per minute"
    tokens = [client.post("/start", data={}).headers["Location"].split("/")[2] for _ in range(3)]
    refused = client.post("/start", data={})
    assert refused.status_code == 429 and refused.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in refused.headers
    questionnaire = load_all()[max(load_all())]
    for number, token in enumerate(tokens):
        answers = sample_answers(questionnaire, random.Random(number))
        for section in questionnaire.sections:
            client.post(f"/r/{token}/s/{section.id}", data=MultiDict([*form_fields(section, answers),
                                                                       ("action", "next")]))
        assert client.post(f"/r/{token}/submit").status_code == 303
    # A render counts; the same PDF again comes from the cache and does not; after two renders, the
    # address waits (for any PDF) until the minute is over.
    assert client.get(f"/r/{tokens[0]}/report.pdf").status_code == 200
    for _ in range(3):
        assert client.get(f"/r/{tokens[0]}/report.pdf").status_code == 200
    assert client.get(f"/r/{tokens[1]}/report.pdf").status_code == 200
    assert client.get(f"/r/{tokens[2]}/report.pdf").status_code == 429


SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                    "Cache-Control": "no-store"}


def test_every_error_status_carries_the_security_headers(tmp_path, monkeypatch):
    """400, 404, 405, 409, 413, 429, 500 and 503 (the app's own pages) all carry the same headers as a
    normal page: a CSP without 'unsafe-inline', no caching, no framing, no referrer to other sites."""
    from sqlalchemy.exc import OperationalError
    from werkzeug.exceptions import abort

    from authorisation import access

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.sqlite",
                      "MAX_CONTENT_LENGTH": 1000, "WTF_CSRF_ENABLED": False})
    app.config["SIGNUP_RATE_LIMIT"] = "1 per minute"
    with app.app_context():
        db.create_all()

    @app.get("/fail/<int:status>")
    @access.policy("public")
    def fail(status: int):
        if status == 503:
            raise OperationalError("SELECT 1", {}, Exception("the database does not answer"))
        if status == 500:
            raise RuntimeError("unexpected")
        abort(status)

    client = app.test_client()
    responses = {
        400: client.post("/account/signup", data={"email": "not an address"}),
        429: client.post("/account/signup", data={"email": "again"}),
        404: client.get("/no/such/page"),
        405: client.delete("/account/signin"),
        413: client.post("/account/signin", data={"email": "x" * 5000}),
        **{status: client.get(f"/fail/{status}") for status in (409, 500, 503)},
    }
    for status, response in responses.items():
        assert response.status_code == status
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (status, name)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, status
        assert response.mimetype == "text/html" and "<html" in response.text, status
