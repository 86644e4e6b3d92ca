"""Email invitations, reminders and the closing date, against a real SMTP server in the test process
(aiosmtpd): the messages are read off the wire, their links followed, and the addresses are gone once
the round closes."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from accounts import mail
from database import db
from partnerships import invitations
from partnerships.models import Invitation, Round
from tests.partnerships.conftest import answers_for


class Inbox:
    """What the SMTP server received: each message parsed, with its envelope's recipients."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def listen(app):
    """Start the SMTP server and send the app's mail to it from now on (after the facilitator's sign-up,
    whose confirmation the test helpers read from the in-memory outbox): returns its inbox."""
    controllers = []

    def start() -> Inbox:
        handler = Inbox()
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        controller.start()
        controllers.append(controller)
        state = app.extensions["mailman"]
        app.config["MAIL_BACKEND"] = state.backend = "smtp"
        state.server, state.port, state.use_tls, state.use_ssl = "127.0.0.1", controller.port, False, False
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def _parts(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def _link(message) -> str:
    text, _html = _parts(message)
    return re.search(r"http://localhost(/i/[A-Za-z0-9_-]+)", text).group(1)


def _invite(client, base, addresses, lang="en"):
    return client.post(f"{base}/invitations", data={"addresses": addresses, "lang": lang})


def test_invite_follow_join_remind_and_forget(app, make_round, questionnaire, listen):
    round_ = make_round()
    inbox = listen()
    client, base = round_["client"], round_["base"]
    sent = _invite(client, base, "mayor@village.example, Rural public bodies\n"
                                 "Clerk@Town.example; urban_public\n"
                                 "chamber@business.example\n"
                                 "mayor@village.example\n")  # the same address twice counts once
    assert sent.status_code == 303
    mail.wait_until_sent()
    assert len(inbox.messages) == 3
    [first] = inbox.to("mayor@village.example")
    assert first["Subject"] == "Invitation: the self-assessment of Green Valley Partnership, round 1"
    text, html = _parts(first)
    assert "Your personal link" in text and '<html lang="en">' in html and _link(first) in html

    dashboard = client.get(base).text
    assert dashboard.count(">invited<") == 3 and "mayor@village.example" in dashboard

    # The mayor follows the link: the group the facilitator gave is chosen already.
    mayor = app.test_client()
    link = _link(first)
    page = mayor.get(link)
    assert page.status_code == 200 and re.search(r'value="rural_public"[^>]* checked', page.text)
    joined = mayor.post(link, data={"group": "rural_public", "organisation": "Village"})
    assert joined.status_code == 303 and "/welcome" in joined.location
    token = link.rsplit("/", 1)[1]
    assert mayor.get(link).location.endswith(f"/r/{token}")  # followed again: the resume link
    for section in questionnaire.sections[1:]:
        assert mayor.post(f"/r/{token}/s/{section.id}", data=answers_for(
            questionnaire, section, 4, 1, "rural_public", "Village")).status_code == 303
    assert mayor.post(f"/r/{token}/submit").status_code == 303

    # The clerk starts without submitting; the chamber never opens the message.
    clerk = app.test_client()
    clerk_link = _link(inbox.to("Clerk@town.example")[0])
    clerk.post(clerk_link, data={"group": "urban_public", "organisation": ""})
    dashboard = client.get(base).text
    assert ">submitted<" in dashboard and ">started<" in dashboard and ">invited<" in dashboard
    assert "Village" not in dashboard  # never an answer, not even the organisation

    assert client.post(f"{base}/invitations/remind").status_code == 303
    mail.wait_until_sent()
    reminded = [m["X-Envelope-To"] for m in inbox.messages if m["Subject"].startswith("Reminder")]
    assert sorted(reminded) == ["Clerk@town.example", "chamber@business.example"]
    # The reminder carries the same personal link: the clerk gets back to what they saved.
    assert _link(inbox.to("Clerk@town.example")[-1]) == clerk_link

    assert client.post(f"{base}/close").status_code == 303
    with app.app_context():
        assert db.session.execute(select(func.count(Invitation.id))).scalar_one() == 0
    closed = client.get(base).text
    assert "mayor@village.example" not in closed and "Clerk@town.example" not in closed
    export = client.get(f"{base}/export.json")
    assert export.status_code == 200 and "@" not in export.text
    assert mayor.get(link).status_code == 303  # the link still leads back to the answers
    assert app.test_client().get(_link(inbox.to("chamber@business.example")[0])).status_code == 404


def test_a_wrong_line_sends_nothing_and_keeps_the_list(app, make_round, listen):
    round_ = make_round()
    inbox = listen()
    client, base = round_["client"], round_["base"]
    pasted = "good@example.org\nnot an address\nother@example.org, Farmers\n"
    refused = _invite(client, base, pasted)
    assert refused.status_code == 400
    assert "Line 2 (not an address) is not an email address." in refused.text
    assert "Line 3 (other@example.org, Farmers) names no stakeholder group RUPA knows." in refused.text
    assert "good@example.org\nnot an address" in refused.text  # the list comes back as typed
    mail.wait_until_sent()
    assert inbox.messages == []


def test_invitations_in_french(app, make_round, listen):
    round_ = make_round()
    inbox = listen()
    client, base = round_["client"], round_["base"]
    _invite(client, base, "maire@commune.example, Collectivités rurales", lang="fr")
    mail.wait_until_sent()
    [message] = inbox.messages
    # Flask-Mailman folds an encoded subject onto the header's next line: the parser keeps that fold's space.
    assert message["Subject"].strip() == "Invitation\xa0: l'auto-évaluation de Green Valley Partnership, vague 1"
    text, html = _parts(message)
    assert '<html lang="fr">' in html and "Votre lien personnel" in text
    page = app.test_client().get(_link(message) + "?lang=fr")
    assert re.search(r'value="rural_public"[^>]* checked', page.text)


def test_the_round_closes_itself_and_reminds_the_day_before(app, make_round, listen):
    round_ = make_round()
    inbox = listen()
    client, base = round_["client"], round_["base"]
    closes = date.today() + timedelta(days=3)
    saved = client.post(f"{base}/closing-date", data={"closes_on": closes.isoformat()})
    assert saved.status_code == 303
    assert f"The round closes itself after {closes.strftime('%B')} {closes.day}, {closes.year}." in \
        client.get(saved.location).text
    assert client.post(f"{base}/closing-date", data={"closes_on": "2001-01-01"}).status_code == 400
    _invite(client, base, "late@example.org")
    mail.wait_until_sent()
    assert invitations.run_due(app, closes - timedelta(days=2)) == {"closed": 0, "reminded": 0}
    assert invitations.run_due(app, closes - timedelta(days=1)) == {"closed": 0, "reminded": 1}
    assert invitations.run_due(app, closes - timedelta(days=1)) == {"closed": 0, "reminded": 0}  # once
    mail.wait_until_sent()
    [reminder] = [m for m in inbox.messages if m["Subject"].startswith("Reminder")]
    assert closes.strftime("%Y") in _parts(reminder)[0]
    assert invitations.run_due(app, closes) == {"closed": 0, "reminded": 0}  # open through its last day
    assert invitations.run_due(app, closes + timedelta(days=1)) == {"closed": 1, "reminded": 0}
    with app.app_context():
        stored = db.session.execute(select(Round)).scalar_one()
        assert not stored.is_open and stored.invitations == []


def test_without_a_mail_server_the_dashboard_says_so(app, make_round):
    round_ = make_round()
    app.config["MAIL_BACKEND"] = "file"
    assert "No mail server is set (RUPA_MAIL_SERVER)" in round_["client"].get(round_["base"]).text


def test_with_redis_the_invitations_go_through_the_queue(queued_app, make_round, listen):
    """With Redis and a worker, the page only queues the messages; the worker sends them."""
    from rq import SimpleWorker

    from extensions import redis_client
    from reports.jobs import worker_queues

    round_ = make_round()
    inbox = listen()
    _invite(round_["client"], round_["base"], "a@example.org\nb@example.org")
    mail.wait_until_sent()
    with queued_app.app_context():
        assert mail.mail_queue().count == 2 and inbox.messages == []
        connection = redis_client()
        SimpleWorker(worker_queues(connection), connection=connection).work(burst=True, with_scheduler=False)
    assert sorted(m["X-Envelope-To"] for m in inbox.messages) == ["a@example.org", "b@example.org"]
    assert all(m.get_body(("html",)) is not None for m in inbox.messages)
