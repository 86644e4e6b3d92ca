"""Personal data: complete export, real deletion after confirmation, and the retention purge."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from database import db, utcnow
from partnerships.models import Partnership, Round
from questionnaire.models import Answer, Assessment, Respondent
from tests.partnerships.test_api import bearer, create_token


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_complete_export(full_round):
    client = full_round["client"]
    data = client.get(f"/facilitator/p/{full_round['partnership_id']}/export.json").get_json()
    assert data["partnership"]["name"] == "Green Valley Partnership"
    assert data["partnership"]["profile"]["profile.explicit"] == "yes"
    assert len(data["rounds"]) == 1 and len(data["rounds"][0]["respondents"]) == 10
    assert len(data["rounds"][0]["assessment_file"]["respondents"]) == 10


def test_delete_one_respondent(app, full_round):
    client = full_round["client"]
    p = f"/facilitator/p/{full_round['partnership_id']}"
    listing = client.get(f"{p}/rounds/1/respondents").text
    assert "Rural public bodies" in listing and "enabler" not in listing  # no answers shown
    delete_url = re.findall(r'href="([^"]+/respondents/\d+/delete)"', listing)[0]
    assert "Delete this respondent" in client.get(delete_url).text  # a confirmation page first
    assert count(app, Respondent) == 10
    respondent_id = int(re.search(r"/respondents/(\d+)/delete", delete_url).group(1))
    own = count(app, Answer, Answer.respondent_id == respondent_id)
    answers_before = count(app, Answer)
    assert own > 60
    assert client.post(delete_url).status_code == 303
    assert count(app, Respondent) == 9
    assert count(app, Answer, Answer.respondent_id == respondent_id) == 0
    assert count(app, Answer) == answers_before - own  # nobody else's answers were touched
    token = full_round["tokens"][0]
    assert client.application.test_client().get(f"/r/{token}/done").status_code == 404


def test_delete_round_and_partnership_really_remove_rows(app, full_round):
    client = full_round["client"]
    p = f"/facilitator/p/{full_round['partnership_id']}"
    assert client.post(f"{p}/delete", data={"confirm": "wrong name"}).status_code == 400
    assert count(app, Partnership) == 1
    assert client.post(f"{p}/rounds/1/delete").status_code == 303
    assert count(app, Round) == 0 and count(app, Respondent) == 0 and count(app, Answer) == 0
    assert count(app, Assessment) == 0
    assert client.post(f"{p}/delete", data={"confirm": "Green Valley Partnership"}).status_code == 303
    assert count(app, Partnership) == 0


def test_only_the_owner_deletes_a_partnership(full_round, signed_in):
    intruder = signed_in("intruder@example.org")
    p = f"/facilitator/p/{full_round['partnership_id']}"
    assert intruder.post(f"{p}/delete", data={"confirm": "Green Valley Partnership"}).status_code == 404
    assert intruder.get(f"{p}/export.json").status_code == 404
    assert intruder.post(f"{p}/rounds/1/delete").status_code == 404


def test_purge_removes_free_text_of_old_closed_rounds(app, make_round, respondent_joins, questionnaire):
    round_ = make_round()
    client, token = respondent_joins(round_["code"], "business", "Chamber", submit=False)
    client.post(f"/r/{token}/s/open", data={"open.priorities": "Name: Jane, mayor of X"})
    round_["client"].post(f"{round_['base']}/close")
    runner = app.test_cli_runner()
    assert "purged 0 free-text answer(s)" in runner.invoke(args=["purge"]).output
    with app.app_context():
        db.session.execute(db.update(Round).values(closed_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    output = runner.invoke(args=["purge"]).output
    assert "purged 1 free-text answer(s), 1 organisation name(s)" in output
    assert count(app, Answer, Answer.item_id.like("open.%")) == 0
    with app.app_context():
        organisations = db.session.execute(select(Answer.value).where(
            Answer.item_id == "respondent.organisation")).scalars().all()
    assert len(organisations) == 1 and organisations[0].startswith("organisation-")
    assert "Chamber" not in organisations[0]
    assert count(app, Answer, Answer.item_id.like("enabler.%")) == 33  # scores are kept


def test_purge_keeps_every_score_and_removes_every_free_text(app, full_round, respondent_joins):
    """The round's result is identical before and after (organisations still weigh as one), and nothing
    typed by a person survives: open answers, organisation names, consensus notes, dissent reasons and
    action texts."""
    client, base = full_round["client"], full_round["base"]
    texts = ["Jane from Village A said", "The mayor disagrees", "Ask Mr Smith at the Chamber", "Village B's clerk"]
    late, token = respondent_joins(full_round["code"], "civil_society", submit=False)
    assert late.post(f"/r/{token}/s/open", data={"open.priorities": texts[0]}).status_code == 303
    client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "concern", "note": texts[1],
                                          "dissent_group": "urban_public", "dissent_reason": texts[2]})
    client.post(f"{base}/actions", data={"text": texts[3], "owner": "Chair", "status": "planned"})
    for weighting in ("organisation", "respondent"):
        assert texts[1] in client.get(f"{base}/results?weighting={weighting}").text
    before = {w: client.get(f"/api/v1{base.removeprefix('/facilitator').replace('/p/', '/partnerships/')}/result"
                            f"?weighting={w}", headers=bearer(create_token(client))).json
              for w in ("organisation", "respondent")}
    client.post(f"{base}/close")
    with app.app_context():
        db.session.execute(db.update(Round).values(closed_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    output = app.test_cli_runner().invoke(args=["purge"]).output
    # one open answer; nine respondents named their organisation; a consensus row and an action
    assert "purged 1 free-text answer(s), 9 organisation name(s) and 2 workshop text(s) from 1 round(s)" in output
    token = create_token(client)
    for weighting, result in before.items():
        after = client.get(f"/api/v1{base.removeprefix('/facilitator').replace('/p/', '/partnerships/')}/result"
                           f"?weighting={weighting}", headers=bearer(token)).json
        assert after == result
    exported = client.get(f"{base}/export.json").text + client.get(f"{base}/export.csv").text
    everything = exported + client.get(f"{base}/results").text + client.get(f"{base}/actions").text
    for text in [*texts, "Village A", "Harbour Board", "Chamber", "Logistics Ltd"]:
        assert text not in everything, text
    assert "Chair" in client.get(f"{base}/actions").text  # owners and statuses stay
    # A second purge changes nothing more
    assert "purged 0 free-text answer(s), 0 organisation name(s) and 0 workshop text(s)" in \
        app.test_cli_runner().invoke(args=["purge"]).output


def test_the_purge_runs_by_itself_once_a_day_across_processes(app, make_round, respondent_joins, monkeypatch):
    """After a request (at most once an hour per process) a thread sees whether the day's purge is due: one
    process of all claims it in the database and runs it; the others, and the same one an hour later
    in the same day, do not."""
    from partnerships import purge

    round_ = make_round()
    client, token = respondent_joins(round_["code"], "business", "Chamber", submit=False)
    client.post(f"/r/{token}/s/open", data={"open.priorities": "Name: Jane, mayor of X"})
    round_["client"].post(f"{round_['base']}/close")
    with app.app_context():
        db.session.execute(db.update(Round).values(closed_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    assert purge.purge_if_due(app)["answers"] == 1
    assert count(app, Answer, Answer.item_id.like("open.%")) == 0
    assert purge.purge_if_due(app) is None  # done today already (another worker, or this one again)
    with app.app_context():
        db.session.execute(db.update(purge.ScheduledTask).values(last_run_at=utcnow() - timedelta(days=1, minutes=1)))
        db.session.commit()
    assert purge.purge_if_due(app) is not None  # a day later: due again

    started = []
    monkeypatch.setattr(purge.threading, "Thread", lambda **kwargs: type(
        "Started", (), {"start": lambda self: started.append(kwargs["name"])})())
    monkeypatch.setattr(purge, "_next_check", [0.0])
    app.testing = False
    try:
        app.test_client().get("/")
        app.test_client().get("/")
    finally:
        app.testing = True
    assert started == ["rupa-purge"]  # once for the hour, not once per request
