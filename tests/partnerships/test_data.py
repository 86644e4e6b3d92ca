"""Personal data: complete export, real deletion after confirmation, and the retention purge."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from database import db, utcnow
from partnerships.models import Partnership, Round
from questionnaire.models import Answer, Assessment, Respondent


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
    assert "purged 0 free-text answer(s) from 0 round(s)" in runner.invoke(args=["purge"]).output
    with app.app_context():
        db.session.execute(db.update(Round).values(closed_at=utcnow() - timedelta(days=400)))
        db.session.commit()
    output = runner.invoke(args=["purge"]).output
    assert "purged 2 free-text answer(s) from 1 round(s)" in output  # the open answer and the organisation
    assert count(app, Answer, Answer.item_id.like("open.%")) == 0
    assert count(app, Answer, Answer.item_id == "respondent.organisation") == 0
    assert count(app, Answer, Answer.item_id.like("enabler.%")) == 33  # scores are kept
