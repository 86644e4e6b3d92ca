"""The app's entry to the scorer: rules loaded once, stored answers scored on demand."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from database import db
from questionnaire.models import Answer, Assessment, Respondent
from reports.context import assessment_document
from scoring import parse_assessment, score


def score_document(document: dict[str, Any], weighting: str = "organisation", lang: str = "en") -> dict:
    """Check and score an assessment document with the installation's questionnaires and rules."""
    assessment = parse_assessment(document, current_app.extensions["rupa.questionnaires"],
                                  current_app.config["QUESTIONNAIRE_VERSION"])
    return score(assessment, current_app.extensions["rupa.rules"], weighting=weighting, lang=lang)


def submitted_document(assessment: Assessment) -> dict[str, Any]:
    """The assessment document of the submitted respondents of an assessment, oldest first."""
    respondents = db.session.execute(
        select(Respondent).where(Respondent.assessment_id == assessment.id, Respondent.status == "submitted")
        .order_by(Respondent.id)
    ).scalars().all()
    answers: dict[int, dict[str, Any]] = {r.id: {} for r in respondents}
    rows = db.session.execute(
        select(Answer.respondent_id, Answer.item_id, Answer.value)
        .where(Answer.respondent_id.in_(answers))
    )
    for respondent_id, item_id, value in rows:
        answers[respondent_id][item_id] = value
    return assessment_document(assessment, ((r, answers[r.id]) for r in respondents))
