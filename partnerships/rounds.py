"""What a partnership's rounds are made of beyond their rows: the anonymity threshold for group results,
the round before, the workshop's part of a group report, invitations and exports. The facilitator's
pages, the join pages and the API all use these; none of it renders a page."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from database import db, read_only
from partnerships import comments, workshop
from partnerships.models import Round
from questionnaire.content import Questionnaire
from reports.service import StoredAnswers, score_stored


def questionnaire_for(version: str | None = None) -> Questionnaire:
    """A questionnaire version (the current one when None)."""
    loaded: dict[str, Questionnaire] = current_app.extensions["rupa.questionnaires"]
    return loaded[version or current_app.config["QUESTIONNAIRE_VERSION"]]


def invite_url(round_: Round) -> str:
    """The link that lets respondents join the round."""
    return url_for("join.join_round", invite_token=round_.invite_token, _external=True)


def enough_respondents(count: int) -> bool:
    """Group results need as many submitted respondents as the anonymity threshold: below it, the
    "group" result would be one or two people's answers."""
    return count >= current_app.extensions["rupa.rules"].settings.min_group_size


def previous_round_of(round_: Round) -> Round | None:
    """The partnership's round before this one (None for the first)."""
    return db.session.execute(select(Round).options(joinedload(Round.assessment)).where(
        Round.partnership_id == round_.partnership_id, Round.number == round_.number - 1)).scalar_one_or_none()


def compared(round_: Round, previous: Round | None) -> tuple[StoredAnswers, StoredAnswers | None]:
    """The round's submitted answers, and its previous round's when there is one with enough respondents
    to compare with, read in one statement."""
    stored = StoredAnswers.of_rounds([round_, previous] if previous is not None else [round_])
    before = stored[1] if len(stored) > 1 and enough_respondents(stored[1].count) else None
    return stored[0], before


def workshop_extra(round_: Round, result: dict, weighting: str, lang: str,
                   before: StoredAnswers | None) -> dict:
    """What a workshop adds to the group report: the consensus, the action plan, and the change since
    the partnership's previous round (``before``, when that round has enough respondents)."""
    extra: dict = {"round": round_.number}
    closed_votes = any(not vote.is_open for vote in round_.votes)
    if round_.consensus or closed_votes:
        extra["consensus"] = workshop.consensus_rows(round_, result)
        extra["votes"] = closed_votes
    if round_.actions:
        extra["actions"] = workshop.action_rows(round_)
    said = comments.wall(round_, questionnaire_for(round_.assessment.questionnaire_version), lang, approved_only=True)
    if said:
        extra["comments"] = said
    if before is not None:
        extra["change"] = {"number": round_.number - 1, **workshop.change_since(
            score_stored(before, weighting=weighting, lang=lang), result)}
    return extra


def workshop_part(round_: Round, before: StoredAnswers | None, weighting: str,
                  lang: str) -> tuple[list, Callable[[dict], dict]]:
    """What the workshop's part of a round's report is made from (the round, the revision of its consensus
    and actions, the previous round's revision) and how to make it from the round's result."""
    inputs = [round_.id, round_.number, round_.workshop_revision, before.revision if before is not None else None]
    return inputs, lambda result: workshop_extra(round_, result, weighting, lang, before)


def streamed(chunks: Iterator[str]) -> Iterator[str]:
    """A response body made as it is sent: each piece in an application context (and so a database session)
    of its own that only reads, so a slow download never holds SQLite's writers' lock, and no context
    stays pushed between pieces (a body nobody reads to its end leaves nothing behind)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def generate() -> Iterator[str]:
        while True:
            with app.app_context(), read_only():
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    return generate()
