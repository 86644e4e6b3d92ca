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
