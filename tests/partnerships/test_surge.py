"""A room of 60 submits within the same minute against a real server on the embedded SQLite default,
while the facilitator reloads the dashboard: nothing is lost and nobody sees an error."""

from __future__ import annotations

import http.client
import threading
import urllib.parse

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from werkzeug.serving import make_server

from app import create_app
from database import db
from partnerships import service
from questionnaire.models import Answer, Respondent
from tests.partnerships.conftest import answers_for

PARTICIPANTS = 60


def post(port: int, path: str, data) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pairs = list(data.items(multi=True)) if isinstance(data, MultiDict) else list(data.items())
    body = urllib.parse.urlencode(pairs)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def get(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_sixty_participants_submit_at_once(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the surge test is about the embedded SQLite default")
    app = create_app({"SECRET_KEY": "surge", "SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        from accounts.models import Facilitator

        owner = Facilitator(email="room@example.org")
        owner.set_password("a long enough password")
        partnership = service.create_partnership(owner, "Room", None, None)
        round_ = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
        db.session.commit()
        invite, dashboard = f"/j/{round_.invite_token}", f"/facilitator/p/{partnership.id}/rounds/1/progress.json"
        questionnaire = app.extensions["rupa.questionnaires"][app.config["QUESTIONNAIRE_VERSION"]]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    failures: list[str] = []
    start = threading.Barrier(PARTICIPANTS)

    def participant(n: int) -> None:
        group = ("rural_public", "urban_public", "business", "civil_society")[n % 4]
        try:
            start.wait()
            joined = post(port, invite, {"group": group, "organisation": f"Org {n % 7}"})
            if joined.status != 303:
                failures.append(f"{n} join {joined.status}")
                return
            token = joined.getheader("Location").split("/r/")[1].split("/")[0]
            for section in questionnaire.sections:
                saved = post(port, f"/r/{token}/s/{section.id}",
                             answers_for(questionnaire, section, 1 + n % 5, n % 5, group, f"Org {n % 7}"))
                if saved.status != 303:
                    failures.append(f"{n} {section.id} {saved.status}")
            submitted = post(port, f"/r/{token}/submit", {})
            if submitted.status != 303:
                failures.append(f"{n} submit {submitted.status}")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(f"{n} {error!r}")

    signed_in = post(port, "/account/signin", {"email": "room@example.org", "password": "a long enough password"})
    assert signed_in.status == 303
    cookie = signed_in.getheader("Set-Cookie").split(";")[0]

    def facilitator_reloads(stop: threading.Event) -> None:
        while not stop.is_set():
            for path in (dashboard, dashboard.removesuffix("/progress.json")):
                status = get(port, path, cookie)
                if status != 200:
                    failures.append(f"dashboard {status}")

    stop = threading.Event()
    watcher = threading.Thread(target=facilitator_reloads, args=(stop,))
    watcher.start()
    threads = [threading.Thread(target=participant, args=(n,)) for n in range(PARTICIPANTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    server.shutdown()
    server.server_close()
    thread.join()

    assert failures == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Respondent)
                                  .where(Respondent.status == "submitted")).scalar() == PARTICIPANTS
        per_respondent = db.session.execute(
            select(Answer.respondent_id, func.count()).group_by(Answer.respondent_id)).all()
        # group and organisation (given on joining), then every scale and choice of the round's own pages
        expected = 2 + sum(1 for item in questionnaire.items.values() if item.type in ("scale", "choice")
                           and not item.id.startswith(("profile.", "respondent.")))
        assert sorted(count for _id, count in per_respondent) == [expected] * PARTICIPANTS
        db.engine.dispose()
