"""The room's live votes in a workshop: where do we stand on a dimension? Opening, closing and revealing a
vote, one ballot per participant (changeable while the vote is open), and the tally as the projector,
the consensus page and the group report show it. No page is rendered here.

The anonymity rule of group results holds for votes too (docs/assessment-model.md §7): a distribution
is shown only once at least ``min_group_size`` people have voted, and a breakdown by stakeholder group
uses the same units as the scores (scoring/anonymity.py), so that no group of one or two can be read
off, directly or by subtraction.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from database import db, utcnow
from partnerships.models import Ballot, Round, Vote, VoteState
from questionnaire.models import Answer
from reports import labels
from scoring import anonymity
from scoring.dimensions import SCORED_BANDS
from typography import half_up


def minimum() -> int:
    return current_app.extensions["rupa.rules"].settings.min_group_size


def vote_on(round_: Round, dimension: str) -> Vote | None:
    return next((vote for vote in round_.votes if vote.dimension == dimension), None)


def open_vote(round_: Round) -> Vote | None:
    """The vote open now in the round (at most one is)."""
    return next((vote for vote in round_.votes if vote.is_open), None)


def open_on(round_: Round, dimension: str) -> Vote:
    """Open the vote on a dimension (again, keeping its ballots, when it was closed); any other open vote
    of the round closes, so that participants always face one question."""
    for other in round_.votes:
        if other.is_open and other.dimension != dimension:
            close(other)
    vote = vote_on(round_, dimension)
    if vote is None:
        vote = Vote(round_id=round_.id, dimension=dimension, state=VoteState.OPEN.value)
        round_.votes.append(vote)
    vote.state, vote.closed_at = VoteState.OPEN.value, None
    return vote


def close(vote: Vote) -> None:
    vote.state, vote.closed_at = VoteState.CLOSED.value, utcnow()


def ballot_count(vote_id: int) -> int:
    return db.session.execute(select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id)).scalar_one()


def ballot_of(vote: Vote, respondent_id: int) -> Ballot | None:
    return db.session.execute(select(Ballot).where(
        Ballot.vote_id == vote.id, Ballot.respondent_id == respondent_id)).scalar_one_or_none()


def cast(vote: Vote, respondent_id: int, band: str) -> None:
    """Record or change a participant's ballot; the caller commits. Two clicks at once make one ballot
    (the unique constraint refuses the second insert, which then updates)."""
    if band not in SCORED_BANDS:
        raise ValueError(f"unknown band {band!r}")
    ballot = ballot_of(vote, respondent_id)
    if ballot is not None:
        ballot.band = band
        return
    group = db.session.execute(select(Answer.value).where(
        Answer.respondent_id == respondent_id, Answer.item_id == "respondent.group")).scalar_one_or_none()
    try:
        with db.session.begin_nested():
            db.session.add(Ballot(vote_id=vote.id, respondent_id=respondent_id, group=str(group or ""), band=band))
    except IntegrityError:
        existing = ballot_of(vote, respondent_id)
        if existing is not None:
            existing.band = band


def _rows(dimension: str, bands: list[str]) -> list[dict[str, Any]]:
    people = len(bands) or 1
    names = labels.bands_for(dimension)
    return [{"band": band, "name": names[band], "count": bands.count(band),
             "share": int(half_up(100 * bands.count(band) / people, 0))} for band in SCORED_BANDS]


def tally(vote: Vote | None) -> dict[str, Any] | None:
    """What may be shown of a vote: its count always; its distribution (overall, and by the groups the
    anonymity rule lets through) only once enough people have voted; None without a vote."""
    if vote is None:
        return None
    ballots = db.session.execute(select(Ballot.group, Ballot.band).where(Ballot.vote_id == vote.id)
                                 .order_by(Ballot.id)).all()
    bands = [band for _group, band in ballots]
    enough = len(bands) >= minimum()
    result: dict[str, Any] = {"id": vote.id, "dimension": vote.dimension, "is_open": vote.is_open,
                              "revealed": vote.revealed, "count": len(bands), "enough": enough,
                              "rows": _rows(vote.dimension, bands) if enough else [], "groups": []}
    if enough:
        groups = [group for group, _band in ballots]
        disclosure = anonymity.plan(groups, list(range(len(groups))), minimum())
        result["groups"] = [{"name": labels.RESULT_GROUPS.get(unit, unit), "n": len(members),
                             "rows": _rows(vote.dimension, [bands[i] for i in members])}
                            for unit, members in disclosure.units.items()]
        counts = {row["band"]: row["count"] for row in result["rows"]}
        top = max(counts.values())
        leaders = [band for band, count in counts.items() if count == top]
        result["leading"] = leaders[0] if len(leaders) == 1 else None
    return result


def closed_tallies(round_: Round) -> dict[str, dict[str, Any]]:
    """Each dimension's closed vote with enough ballots, by dimension id: what the consensus page starts
    from and the group report prints beside the agreed rating."""
    tallies = {}
    for vote in round_.votes:
        if not vote.is_open:
            shown = tally(vote)
            if shown is not None and shown["enough"]:
                tallies[vote.dimension] = shown
    return tallies
