"""The comments wall: the round's open answers (achievements, obstacles, priorities) as the facilitator
reviews them, and the approved ones as the projector and the group report show them. No page is
rendered here.

Nothing is shown to the group that the facilitator has not approved. A comment never carries an
organisation; it carries its stakeholder group only where that group has at least ``min_group_size``
submitted respondents, so that no comment singles out one of one or two people.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask import current_app
from sqlalchemy import select

from database import db
from partnerships.models import CommentReview, CommentStatus, Round
from questionnaire.content import Questionnaire
from questionnaire.models import Answer, Respondent
from reports import labels

OPEN_PREFIX = "open."


def _open_items(questionnaire: Questionnaire) -> list:
    return [item for item in questionnaire.items.values() if item.id.startswith(OPEN_PREFIX)]


def _rows(round_: Round) -> list[Any]:
    """Every written open answer of the round's submitted respondents, oldest respondent first, with the
    respondent's group."""
    group = select(Answer.respondent_id, Answer.value.label("group")).where(
        Answer.item_id == "respondent.group").subquery()
    return list(db.session.execute(
        select(Answer.id, Answer.respondent_id, Answer.item_id, Answer.value, group.c.group)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .outerjoin(group, group.c.respondent_id == Answer.respondent_id)
        .where(Respondent.assessment_id == round_.assessment_id, Respondent.status == "submitted",
               Answer.item_id.startswith(OPEN_PREFIX))
        .order_by(Respondent.id, Answer.item_id)))


def _group_shown(round_: Round) -> set[str]:
    """The groups a comment may name: those with at least the anonymity threshold of submitted people."""
    rows = db.session.execute(
        select(Answer.value).join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Respondent.assessment_id == round_.assessment_id, Respondent.status == "submitted",
               Answer.item_id == "respondent.group")).scalars()
    minimum = current_app.extensions["rupa.rules"].settings.min_group_size
    return {group for group, count in Counter(str(value) for value in rows).items() if count >= minimum}


def wall(round_: Round, questionnaire: Questionnaire, lang: str, approved_only: bool = False) -> list[dict]:
    """The round's comments by question, in the questionnaire's order: each with its key (the answer's
    id), text, the group it may name and the facilitator's decision (None: not yet reviewed)."""
    reviews = {(r.respondent_id, r.item_id): r for r in db.session.execute(
        select(CommentReview).where(CommentReview.round_id == round_.id)).scalars()}
    named = _group_shown(round_)
    by_item: dict[str, list[dict]] = {}
    for row in _rows(round_):
        text = row.value if isinstance(row.value, str) else None
        if not text or not text.strip():
            continue  # unanswered, or removed after the retention period
        review = reviews.get((row.respondent_id, row.item_id))
        status = review.status if review is not None else None
        if approved_only and status != CommentStatus.APPROVED:
            continue
        group = str(row.group) if row.group in named else None
        by_item.setdefault(row.item_id, []).append({
            "key": row.id, "review": review.id if review is not None else None, "text": text.strip(),
            "group": labels.GROUPS.get(group) if group else None, "status": status})
    return [{"id": item.id, "question": item.text[lang], "comments": by_item[item.id]}
            for item in _open_items(questionnaire) if item.id in by_item]


def review(round_: Round, answer_id: int, status: str) -> CommentReview | None:
    """Approve or hide one open answer of the round: its review (None when the answer is not one of the
    round's submitted open answers); the caller commits."""
    if status not in tuple(CommentStatus):
        raise ValueError(f"unknown comment status {status!r}")
    row = db.session.execute(
        select(Answer.respondent_id, Answer.item_id).join(Respondent, Respondent.id == Answer.respondent_id)
        .where(Answer.id == answer_id, Respondent.assessment_id == round_.assessment_id,
               Respondent.status == "submitted", Answer.item_id.startswith(OPEN_PREFIX))).first()
    if row is None:
        return None
    existing = db.session.execute(select(CommentReview).where(
        CommentReview.respondent_id == row.respondent_id, CommentReview.item_id == row.item_id)).scalar_one_or_none()
    if existing is None:
        existing = CommentReview(round_id=round_.id, respondent_id=row.respondent_id, item_id=row.item_id,
                                 status=status)
        db.session.add(existing)
    else:
        existing.status = status
    db.session.flush()
    return existing


def approved_one(round_: Round, review_id: int, questionnaire: Questionnaire, lang: str) -> dict | None:
    """One approved comment with its question, for the projector's spotlight."""
    for question in wall(round_, questionnaire, lang, approved_only=True):
        for comment in question["comments"]:
            if comment["review"] == review_id:
                return {"question": question["question"], **comment}
    return None
