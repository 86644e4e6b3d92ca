"""A round's results are served from the report cache under a revision read without the answers: every
way the stored data can change gives a new revision, and so a result scored anew."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from database import db, utcnow
from partnerships.models import Partnership, Round
from questionnaire.models import Answer, Respondent
from reports.service import StoredAnswers, score_stored


def _stored(app, partnership_id: int) -> tuple[str, dict, dict]:
    with app.test_request_context():
        round_ = db.session.execute(select(Round).where(Round.partnership_id == partnership_id)).scalar_one()
        stored = StoredAnswers(round_.assessment)
        return stored.revision, stored.document, score_stored(stored)


def test_every_change_to_a_rounds_data_gives_a_new_revision_and_result(app, full_round):
    partnership_id = full_round["partnership_id"]
    seen: list[str] = []

    def changed(step: str) -> dict:
        revision, document, result = _stored(app, partnership_id)
        assert revision not in seen, step
        seen.append(revision)
        again = _stored(app, partnership_id)
        assert again[0] == revision and again[2] == result, step  # unchanged data: the same revision
        return document

    document = changed("as submitted")
    with app.app_context():
        respondent_ids = db.session.execute(
            select(Respondent.id).where(Respondent.status == "submitted").order_by(Respondent.id)).scalars().all()
        first = respondent_ids[0]
        item = db.session.execute(select(Answer.item_id).where(
            Answer.respondent_id == first, Answer.item_id.like("enabler.%"))).scalars().first()

        db.session.execute(update(Answer).where(Answer.respondent_id == first, Answer.item_id == item)
                           .values(value=5, updated_at=utcnow()))
        db.session.commit()
    document = changed("an answer changed")
    assert document["respondents"][0]["answers"][item] == 5

    with app.app_context():
        db.session.execute(delete(Answer).where(Answer.respondent_id == first, Answer.item_id == item))
        db.session.commit()
    assert item not in changed("an answer erased")["respondents"][0]["answers"]

    with app.app_context():
        db.session.execute(update(Respondent).where(Respondent.id == respondent_ids[1]).values(lang="fr"))
        db.session.commit()
    assert changed("a language changed")["respondents"][1]["lang"] == "fr"

    with app.app_context():
        partnership = db.session.get(Partnership, partnership_id)
        partnership.profile = {**partnership.profile, "profile.stage": "mature"}
        db.session.commit()
    assert changed("the profile changed")["profile"]["profile.stage"] == "mature"

    with app.app_context():
        db.session.execute(delete(Respondent).where(Respondent.id == respondent_ids[-1]))
        db.session.commit()
    assert len(changed("a respondent erased")["respondents"]) == len(respondent_ids) - 1


def test_every_change_to_consensus_or_actions_bumps_the_rounds_workshop_revision(app, full_round):
    """The group report's body is kept under the round's workshop revision: recording, editing and deleting
    through the ORM, carrying actions over and the purge's bulk updates each bump it."""
    import re
    from datetime import timedelta

    from partnerships.purge import purge_free_text

    client, base, partnership_id = full_round["client"], full_round["base"], full_round["partnership_id"]

    def revision(number: int = 1) -> int:
        with app.app_context():
            return db.session.execute(select(Round.workshop_revision).where(
                Round.partnership_id == partnership_id, Round.number == number)).scalar_one()

    seen = [revision()]

    def bumped(step: str, number: int = 1) -> None:
        now = revision(number)
        assert now > seen[-1] if number == 1 else now > 0, step
        seen.append(now)

    assert client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "developing",
                                                  "note": "First note"}).status_code == 303
    bumped("consensus recorded")
    assert client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "concern",
                                                  "note": "Second note"}).status_code == 303
    bumped("consensus changed")
    assert client.post(f"{base}/actions", data={"text": "Bus study", "owner": "Chair",
                                                "status": "planned"}).status_code == 303
    bumped("action added")
    edit_url = re.findall(r'href="([^"]+/actions/\d+)"', client.get(f"{base}/actions").text)[-1]
    assert client.post(edit_url, data={"text": "Bus study", "owner": "Chair", "status": "done"}).status_code == 303
    bumped("action edited")
    unchanged = revision()
    client.get(f"{base}/results")
    assert revision() == unchanged  # reading changes nothing
    client.post(f"{base}/close")
    with app.app_context():
        db.session.execute(update(Round).values(closed_at=utcnow() - timedelta(days=400)))
        purge_free_text(30)
        db.session.commit()
    bumped("texts purged")
    assert "Second note" not in client.get(f"{base}/results").text
    assert client.post(f"{edit_url}/delete").status_code == 303
    bumped("action deleted")
    client.post(f"{base}/reopen")
    assert client.post(f"{base}/actions", data={"text": "Water board meeting", "owner": "Chair",
                                                "status": "planned"}).status_code == 303
    assert client.post(f"/facilitator/p/{partnership_id}/rounds").status_code == 303
    assert revision(2) > 0  # the open actions carried over into the new round
