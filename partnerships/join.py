"""The respondent's way into a partnership round: a short code or the invitation link. No account,
no personal data: a stakeholder group, an optional organisation name, and a private resume link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from authorisation.access import RespondentAccess, policy
from database import db
from extensions import count_failed_lookup, limiter
from partnerships import invitations, service
from partnerships.forms import JoinCodeForm, JoinForm
from partnerships.models import Round
from partnerships.pages import group_report_page
from partnerships.rounds import previous_round_of
from questionnaire import journey
from questionnaire.journey import looks_like_token
from questionnaire.respondents import load_respondent, respondent_entity
from web.once import derived_token

bp = Blueprint("join", __name__)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_RATE_LIMIT"], methods=["POST"],
               deduct_when=lambda response: response.status_code == 404)
@policy("public")
def enter_code():
    """Only wrong codes count towards the limit: guessing is slowed, a room behind one address is not."""
    form = JoinCodeForm()
    if form.validate_on_submit():
        code = service.normalise_code(form.code.data)
        round_ = db.session.execute(select(Round).where(Round.join_code == code)).scalar_one_or_none()
        if round_ is not None:
            return redirect(url_for(".join_round", invite_token=round_.invite_token), 303)
        form.code.errors.append(_("No open assessment has this code. Check it on the screen and try again."))
        return render_template("partnerships/join_code.html", form=form), 404
    return render_template("partnerships/join_code.html", form=form), 400 if form.errors else 200


@bp.route("/j/<invite_token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_ROUND_RATE_LIMIT"], methods=["POST"])
@policy("invitation")
def join_round(invite_token: str):
    round_ = db.session.execute(select(Round).where(Round.invite_token == invite_token)).scalar_one_or_none() \
        if looks_like_token(invite_token) else None
    if round_ is None:
        count_failed_lookup()
        abort(404, description=_("This invitation is unknown: the round may have been deleted. "
                                 "Ask your facilitator for a new link or code."))
    if not round_.is_open:
        return render_template("partnerships/closed.html", round=round_), 409
    form = JoinForm()
    if form.validate_on_submit():
        # A second click on "Join" (or two at once) is the same respondent: the token comes from the form.
        token = derived_token("respondent", journey.TOKEN_BYTES)
        if token is not None and journey.respondent_exists(token):
            return redirect(url_for("questionnaire.welcome", token=token), 303)
        try:
            _respondent, token = service.join_round(round_, form.group.data, form.organisation.data,
                                                    str(get_locale()), token)
            db.session.commit()
        except IntegrityError:  # the twin of this click made it first
            db.session.rollback()
        return redirect(url_for("questionnaire.welcome", token=token), 303)
    return join_page(round_, form)


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["JOIN_ROUND_RATE_LIMIT"], methods=["POST"])
@policy("invitation")
def invited(token: str):
    """A personal invitation's link. Followed the first time, it asks the group (as the facilitator gave
    it, if they did) and makes the respondent under the link's own token; followed again, it is their
    resume link."""
    if not looks_like_token(token):
        count_failed_lookup()
        abort(404)
    if journey.respondent_exists(token):
        return redirect(url_for("questionnaire.resume", token=token), 303)
    invitation = invitations.invitation_by_token(token)
    if invitation is None:
        count_failed_lookup()
        abort(404, description=_("This invitation is unknown: the round may have closed, or the link was not "
                                 "copied whole. Ask your facilitator for a new link or code."))
    round_ = db.session.get_one(Round, invitation.round_id)
    if not round_.is_open:
        return render_template("partnerships/closed.html", round=round_), 409
    form = JoinForm(formdata=None, group=invitation.group) if request.method == "GET" else JoinForm()
    if request.method == "POST" and form.validate():
        try:
            service.join_round(round_, form.group.data, form.organisation.data, str(get_locale()), token)
            db.session.commit()
        except IntegrityError:  # the twin of this click made it first
            db.session.rollback()
        return redirect(url_for("questionnaire.welcome", token=token), 303)
    return join_page(round_, form)


def join_page(round_: Round, form: JoinForm):
    questionnaire = current_app.extensions["rupa.questionnaires"][round_.assessment.questionnaire_version]
    lang = str(get_locale())
    group = questionnaire.items["respondent.group"]
    group_names = {option.value: option.label[lang] for option in group.options}
    return render_template("partnerships/join.html", round=round_, form=form, group_names=group_names,
                           group_help=group.help[lang] if group.help else None), 400 if form.errors else 200


@bp.get("/r/<token>/group")
@policy("respondent")
def published_results(token: str, access: RespondentAccess):
    respondent, _questionnaire = load_respondent(access)
    round_ = respondent_entity(respondent).assessment.round
    if round_ is None or not round_.is_published:
        abort(404, description=_("The partnership's results have not been published."))
    return group_report_page(round_, previous_round_of(round_), "organisation", None, None)
