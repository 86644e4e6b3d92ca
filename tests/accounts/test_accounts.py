"""Facilitator accounts: sign up, sign in, sign out, change password, the users command."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts import mail
from accounts.models import Facilitator
from database import db
from tests.accounts.flows import emailed_link, outbox, sign_up

PASSWORD = "correct horse battery staple"


def test_sign_up_hashes_the_password_with_argon2(app, client):
    sign_up(app, client, " Ana@Example.org ", PASSWORD)
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


def _sign_up_page(app, email: str, password: str = PASSWORD) -> str:
    """What a visitor sees after signing up with ``email``: the page the sign-up leads to."""
    visitor = app.test_client()
    response = visitor.post("/account/signup", data={"email": email, "password": password, "confirm": password})
    assert response.status_code == 303 and response.location == "/account/check-email"
    return visitor.get("/account/check-email").text.replace(email, "ADDRESS")


def test_a_new_account_waits_for_its_address_to_be_confirmed(app, client):
    response = client.post("/account/signup", data={"email": "Ana@Example.org", "password": PASSWORD,
                                                    "confirm": PASSWORD})
    assert response.status_code == 303 and response.location == "/account/check-email"
    assert client.get("/facilitator/").status_code == 302  # not signed in by signing up
    refused = client.post("/account/signin", data={"email": "ana@example.org", "password": PASSWORD})
    assert refused.status_code == 400 and "not confirmed yet" in refused.text
    assert [message.subject for message in outbox(app)] == ["Confirm your RUPA account"] * 2  # sent again
    assert client.get(emailed_link(app, "ana@example.org")).status_code == 303
    assert client.post("/account/signin", data={"email": "ana@example.org", "password": PASSWORD}).status_code == 303
    assert client.get("/facilitator/").status_code == 200


def test_sign_up_does_not_tell_whether_an_address_has_an_account(app, client, monkeypatch):
    """The same page, after the same work, whether the address is new, waits for confirmation or has an
    account; only its owner learns which, from the email (OWASP ASVS 2.1)."""
    from accounts import models

    sign_up(app, client, "taken@example.org", PASSWORD)
    _sign_up_page(app, "waiting@example.org")
    hashed, real = [], models._hasher

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def hash(self, password):
            hashed.append(password)
            return real.hash(password)

    monkeypatch.setattr(models, "_hasher", Counting())
    pages = [_sign_up_page(app, email, "someone else's password")
             for email in ("new@example.org", "waiting@example.org", "taken@example.org")]
    assert pages[0] == pages[1] == pages[2] and "Check your email" in pages[0]
    assert len(hashed) == 3  # one Argon2 hash each, kept or not
    last = {message.to[0]: message for message in outbox(app)}
    assert last["taken@example.org"].subject == "You already have a RUPA account"
    assert "/account/password/forgot" in last["taken@example.org"].body
    assert last["new@example.org"].subject == last["waiting@example.org"].subject == "Confirm your RUPA account"
    # The account that exists keeps its password; the one that waited takes the newest.
    assert app.test_client().post("/account/signin", data={"email": "taken@example.org",
                                                            "password": PASSWORD}).status_code == 303


def test_a_newer_sign_up_replaces_the_confirmation_link(app, client):
    _sign_up_page(app, "a@example.org", "the first passphrase")
    first = emailed_link(app, "a@example.org")
    _sign_up_page(app, "a@example.org", "the second passphrase")
    second = emailed_link(app, "a@example.org")
    assert first != second
    stale = client.get(first)
    assert stale.status_code == 400 and "no longer works" in stale.text
    assert client.get(second).status_code == 303
    assert client.post("/account/signin", data={"email": "a@example.org",
                                                "password": "the second passphrase"}).status_code == 303


@pytest.mark.parametrize("token", ["WzEsMV0.aw-QUg.forged-signature", "nonsense", "x" * 300])
def test_a_forged_link_is_refused(client, token):
    for path in (f"/account/confirm/{token}", f"/account/password/reset/{token}"):
        response = client.get(path)
        assert response.status_code == 400 and "no longer works" in response.text


def test_an_old_confirmation_link_is_refused(app, client):
    _sign_up_page(app, "a@example.org")
    app.config["ACCOUNT_CONFIRM_MAX_AGE"] = -1  # every link is too old
    assert client.get(emailed_link(app, "a@example.org")).status_code == 400


def _ask_for_reset(app, email: str) -> str:
    visitor = app.test_client()
    response = visitor.post("/account/password/forgot", data={"email": email})
    assert response.status_code == 303 and response.location == "/account/check-email"
    return visitor.get("/account/check-email").text.replace(email, "ADDRESS")


def test_a_forgotten_password_is_replaced_once_through_the_emailed_link(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
    assert _ask_for_reset(app, "a@example.org") == _ask_for_reset(app, "nobody@example.org")
    earlier = emailed_link(app, "a@example.org", "password")
    _ask_for_reset(app, "a@example.org")
    assert [message.to for message in outbox(app) if "password" in message.subject] == [["a@example.org"]] * 2
    link = emailed_link(app, "a@example.org", "password")
    stranger = app.test_client()
    assert "New password" in stranger.get(link).text
    short = stranger.post(link, data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    new = "a brand new passphrase"
    done = stranger.post(link, data={"password": new, "confirm": new})
    assert done.status_code == 303 and done.location == "/account/signin"
    assert stranger.get(link).status_code == 400  # once only
    assert stranger.get(earlier).status_code == 400  # and the earlier one
    assert client.get("/facilitator/").status_code == 302  # every session of the account has ended
    assert app.test_client().post("/account/signin", data={"email": "a@example.org",
                                                            "password": PASSWORD}).status_code == 400
    assert app.test_client().post("/account/signin", data={"email": "a@example.org",
                                                            "password": new}).status_code == 303


def test_a_reset_link_expires(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
    _ask_for_reset(app, "a@example.org")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert client.get(emailed_link(app, "a@example.org", "password")).status_code == 400


def test_emails_are_written_in_the_language_of_the_page(app, client):
    french = app.test_client()
    french.get("/?lang=fr")
    french.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD,
                                         "confirm": PASSWORD})
    message = outbox(app)[-1]
    assert message.subject == "Confirmez votre compte RUPA" and "Pour terminer" in message.body
    page = french.get("/account/check-email").text
    assert "Consultez votre messagerie" in page


def test_a_mail_server_that_fails_costs_the_visitor_nothing(app, client, caplog):
    app.config["MAIL_BACKEND"] = "smtp"
    app.extensions["mailman"].backend = "smtp"
    app.extensions["mailman"].server, app.extensions["mailman"].port = "127.0.0.1", 9  # nothing listens
    response = client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD,
                                                    "confirm": PASSWORD})
    assert response.status_code == 303
    mail.wait_until_sent()
    assert "an email could not be sent" in caplog.text
    assert "a@example.org" not in caplog.text and "/account/confirm/" not in caplog.text


def test_without_a_mail_server_messages_go_to_the_outbox_folder(app, client, tmp_path):
    app.extensions["mailman"].backend = "file"
    app.config["MAIL_BACKEND"], app.config["MAIL_FILE_PATH"] = "file", str(tmp_path / "outbox")
    app.extensions["mailman"].file_path = str(tmp_path / "outbox")
    client.post("/account/password/forgot", data={"email": "nobody@example.org"})
    client.post("/account/signup", data={"email": "a@example.org", "password": PASSWORD,
                                         "confirm": PASSWORD})
    mail.wait_until_sent()
    [written] = (tmp_path / "outbox").iterdir()
    assert (tmp_path / "outbox").stat().st_mode & 0o777 == 0o700
    assert b"/account/confirm/" in written.read_bytes()
    assert str(tmp_path / "outbox") in client.get("/account/check-email").text


def test_sign_in_out_and_session_rotation(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
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
    sign_up(app, client, "a@example.org", PASSWORD)
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
    sign_up(app, client, "a@example.org", PASSWORD)
    other = app.test_client()
    done = other.post("/account/signin", query_string={"next": target},
                      data={"email": "a@example.org", "password": PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/facilitator/"


def test_sign_in_keeps_a_path_on_the_site(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
    done = app.test_client().post("/account/signin", query_string={"next": "/facilitator/p/1?tab=rounds"},
                                  data={"email": "a@example.org", "password": PASSWORD})
    assert done.headers["Location"] == "/facilitator/p/1?tab=rounds"


def test_signing_out_ends_the_session_a_copied_cookie_carried(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
    assert client.get("/facilitator/").status_code == 200
    with client.session_transaction() as copied:
        stolen = dict(copied)
    client.post("/account/signout")
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    assert replay.get("/facilitator/").status_code in (302, 303)  # to the sign-in page


def test_a_session_ends_eight_hours_after_sign_in_however_active(app, client):
    sign_up(app, client, "a@example.org", PASSWORD)
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

    sign_up(app, client, "a@example.org", PASSWORD)
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
