"""Facilitator accounts: sign up, sign in, sign out, change password, the users command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import Facilitator
from database import db

PASSWORD = "correct horse battery staple"


def test_sign_up_hashes_the_password_with_argon2(app, client):
    response = client.post("/account/signup", data={"email": " Ana@Example.org ", "password": PASSWORD,
                                                    "confirm": PASSWORD})
    assert response.status_code == 303
    with app.app_context():
        facilitator = db.session.execute(select(Facilitator)).scalar_one()
    assert facilitator.email == "ana@example.org"
    assert facilitator.password_hash.startswith("$argon2id$") and PASSWORD not in facilitator.password_hash
    assert client.get("/facilitator/").status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD}, "Enter an email address"),
    ({"email": "a@example.org", "password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD + "!"}, "not the same"),
])
def test_sign_up_faults(client, data, message):
    response = client.post("/account/signup", data=data)
    assert response.status_code == 400 and message in response.text


def test_duplicate_sign_up(client, app):
    data = {"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD}
    client.post("/account/signup", data=data)
    again = app.test_client().post("/account/signup", data=data)
    assert again.status_code == 400 and "already exists" in again.text


def test_sign_in_out_and_session_rotation(app, client):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    other = app.test_client()
    wrong = other.post("/account/signin", data={"email": "a@example.org", "password": "nope"})
    assert wrong.status_code == 400 and "not right" in wrong.text
    with other.session_transaction() as session:
        session["planted"] = "by an attacker"
    ok = other.post("/account/signin?next=//evil.example/", data={"email": "A@example.org", "password": PASSWORD})
    assert ok.status_code == 303 and ok.location == "/facilitator/"
    with other.session_transaction() as session:
        assert "planted" not in session and session.permanent
    assert other.post("/account/signout").status_code == 303
    assert other.get("/facilitator/").status_code == 302


def test_changing_the_password_signs_out_other_sessions(app, client):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    laptop = app.test_client()
    laptop.post("/account/signin", data={"email": "a@example.org", "password": PASSWORD})
    new = "another long passphrase"
    changed = client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    assert changed.status_code == 303
    assert client.get("/facilitator/").status_code == 200
    assert laptop.get("/facilitator/").status_code == 302
    fresh = app.test_client().post("/account/signin", data={"email": "a@example.org", "password": new})
    assert fresh.status_code == 303


def test_sign_in_is_rate_limited(app):
    app.config["SIGNIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    statuses = [client.post("/account/signin", data={"email": "x@example.org", "password": "guess"}).status_code
                for _ in range(5)]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]


def test_sign_up_can_be_switched_off(app, client):
    app.config["ALLOW_SIGNUP"] = False
    response = client.get("/account/signup")
    assert response.status_code == 404 and "Sign-up is closed" in response.text


def test_users_create_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Admin@Example.org", "--admin", "--password", PASSWORD])
    assert result.exit_code == 0 and "created administrator admin@example.org" in result.output
    duplicate = runner.invoke(args=["users", "create", "admin@example.org", "--password", PASSWORD])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    short = runner.invoke(args=["users", "create", "b@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    signed = app.test_client().post("/account/signin", data={"email": "admin@example.org", "password": PASSWORD})
    assert signed.status_code == 303


# The OWASP unvalidated-redirects corpus, as a browser would read each Location: every one leaves the site
# or breaks the header; each must fall back to the facilitator's home page, never to a 500.
OFF_SITE = [
    "//evil.example", "/\t/evil.example", "/%09/evil.example", "/\\evil.example", "\\\\evil.example",
    "/\\/evil.example", "https://evil.example/", "http:/evil.example", "javascript:alert(1)", "/%2F%2Fevil.example",
    "/%5C%5Cevil.example", "/\r\nSet-Cookie: x=1", "/%0d%0aLocation:%20//evil.example", "/\u3000/evil.example",
    "/\u00a0//evil.example", "//\tevil.example", " //evil.example", "evil.example", "/.\\evil.example", "%2F%2Fevil",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_the_site(app, client, target):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    other = app.test_client()
    done = other.post("/account/signin", query_string={"next": target},
                      data={"email": "a@example.org", "password": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/facilitator/"


def test_sign_in_keeps_a_path_on_the_site(app, client):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    done = app.test_client().post("/account/signin", query_string={"next": "/facilitator/p/1?tab=rounds"},
                                  data={"email": "a@example.org", "password": PASSWORD})
    assert done.headers["Location"] == "/facilitator/p/1?tab=rounds"


def test_signing_out_ends_the_session_a_copied_cookie_carried(app, client):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert client.get("/facilitator/").status_code == 200
    with client.session_transaction() as copied:
        stolen = dict(copied)
    client.post("/account/signout")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/facilitator/").status_code in (302, 303)  # to the sign-in page


def test_a_session_ends_eight_hours_after_sign_in_however_active(app, client):
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert client.get("/facilitator/").status_code == 200
    with client.session_transaction() as session:
        session["signed_in_at"] -= app.config["SESSION_ABSOLUTE_LIFETIME"] - 60
    assert client.get("/facilitator/").status_code == 200  # a minute before the end
    with client.session_transaction() as session:
        session["signed_in_at"] -= 120
    assert client.get("/facilitator/").status_code in (302, 303)


def test_sign_in_does_the_same_work_for_an_unknown_address(app, client, monkeypatch):
    """An unknown address costs an Argon2 verification like a wrong password does: the time tells nothing."""
    from accounts import models

    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD})
    verified, real = [], models._hasher

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            verified.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(models, "_hasher", Counting())
    for email in ("a@example.org", "nobody@example.org"):
        answer = app.test_client().post("/account/signin", data={"email": email, "password": "wrong password!"})
        assert answer.status_code == 400 and "not right" in answer.text
    assert len(verified) == 2 and all(h.startswith("$argon2id$") for h in verified)
