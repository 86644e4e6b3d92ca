"""The participant's side of a room vote: a respondent of the round votes from their phone on the page
their private link leads to. No account: one ballot per respondent and vote, changeable until the vote
closes. Without JavaScript the page is reloaded to see whether a new vote has opened."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from authorisation.access import RespondentAccess, policy
from database import db
from partnerships import votes
from partnerships.models import Round, Vote, VoteState
from questionnaire.respondents import load_respondent
from reports import labels
from scoring.dimensions import SCORED_BANDS
from web.once import once

bp = Blueprint("vote", __name__)


def _round_of(assessment_id: int) -> Round:
    round_ = db.session.execute(select(Round).where(Round.assessment_id == assessment_id)).scalar_one_or_none()
    if round_ is None:  # a self-assessment of one's own: no room, no vote
        abort(404, description=_("Votes are held in a partnership's workshop; this self-assessment has none."))
    return round_


@bp.route("/r/<token>/vote", methods=["GET", "POST"])
@once
@policy("respondent")
def ballot(token: str, access: RespondentAccess):
    respondent, _questionnaire = load_respondent(access)
    round_ = _round_of(respondent.assessment.id)
    vote = votes.open_vote(round_)
    error = None
    if request.method == "POST":
        band = request.form.get("band")
        asked = request.form.get("vote")
        if vote is None or asked != str(vote.id):
            flash(_("That vote has closed; your vote was not counted. The question open now is shown below."))
            return redirect(url_for(".ballot", token=token), 303)
        if band not in SCORED_BANDS:
            error = _("Choose one of the answers.")
        else:
            votes.cast(vote, respondent.id, band)
            db.session.commit()
            flash(_("Your vote is counted. You can change it until the vote closes."))
            return redirect(url_for(".ballot", token=token), 303)
    mine = votes.ballot_of(vote, respondent.id) if vote is not None else None
    return render_template(
        "partnerships/vote.html", token=token, vote=vote, mine=mine.band if mine else None, error=error,
        dimension=labels.DIMENSIONS[vote.dimension] if vote is not None else None,
        band_names=labels.bands_for(vote.dimension) if vote is not None else {},
        partnership=respondent.assessment.partnership_name), 400 if error else 200


def room_vote() -> str | None:
    """For the banner of a respondent's pages: the link to the vote open now in their round (None outside
    a round, or when no vote is open). One statement, on group assessments only."""
    respondent = g.get("respondent")
    if respondent is None or not respondent.assessment.is_group:
        return None
    token = (request.view_args or {}).get("token")
    if request.endpoint == "vote.ballot" or not token:
        return None
    open_now = db.session.execute(select(Vote.id).join(Round, Round.id == Vote.round_id).where(
        Round.assessment_id == respondent.assessment.id, Vote.state == VoteState.OPEN.value).limit(1)).first()
    if open_now is None:
        return None
    return url_for("vote.ballot", token=token)
