"""Workshop mode for a round: the projector view, consensus per dimension and the action plan."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from authorisation.access import RoundAccess, policy
from database import db
from partnerships import comments, service, votes, workshop
from partnerships.forms import ActionForm, ConsensusForm
from partnerships.models import Action, CommentStatus, Consensus
from partnerships.rounds import enough_respondents, invite_url
from reports import labels
from reports.service import StoredAnswers, score_stored
from scoring.dimensions import DIMENSION_IDS
from web.once import once

bp = Blueprint("workshop", __name__, url_prefix="/facilitator/p/<int:partnership_id>/rounds/<int:number>")


def round_result(round_, lang: str):
    """The round's document and group result, or (document, None) below the anonymity threshold."""
    stored = StoredAnswers.of_round(round_)
    if not enough_respondents(stored.count):
        return stored.document, None
    return stored.document, score_stored(stored, lang=lang)


@bp.get("/projector")
@policy("member")
def projector(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    lang = str(get_locale())
    step = workshop.shown_step(round_.workshop_step)
    document, result = round_result(round_, lang)
    context = {"partnership": partnership, "round": round_, "step": step, "steps": workshop.STEPS,
               "position": workshop.STEPS.index(step) + 1, "submitted": len(document["respondents"]),
               "minimum": current_app.extensions["rupa.rules"].settings.min_group_size,
               "progress": service.progress(round_)}
    if step == "join":
        invite = invite_url(round_)
        context.update(invite_url=invite, join_url=url_for("join.enter_code", _external=True),
                       qr_svg=service.invitation_qr_svg(invite, "320", _("QR code of the invitation link")))
    elif step in DIMENSION_IDS and result is not None:
        questionnaire = current_app.extensions["rupa.questionnaires"][round_.assessment.questionnaire_version]
        consensus = next((c for c in workshop.consensus_rows(round_, result) if c["id"] == step), None)
        context["dimension"] = workshop.dimension_step(result, document, step, questionnaire, lang,
                                                       consensus if consensus and consensus["agreed"] else None)
        context["vote"] = votes.tally(votes.vote_on(round_, step))
        context["join_url"] = url_for("join.enter_code", _external=True)
    elif step == "comments":
        questionnaire = current_app.extensions["rupa.questionnaires"][round_.assessment.questionnaire_version]
        spotlight = workshop.spotlight_of(round_.workshop_step)
        context["spotlight"] = (comments.approved_one(round_, spotlight, questionnaire, lang)
                                if spotlight is not None else None)
        context["wall"] = comments.wall(round_, questionnaire, lang, approved_only=True)
    elif step == "end":
        context["consensus"] = workshop.consensus_rows(round_, result)
    return render_template("partnerships/projector.html", **context)


@bp.get("/projector.json")
@policy("member")
def projector_state(partnership_id: int, number: int, access: RoundAccess):
    """What the projector shows depends on these: when one changes, the page reloads itself."""
    round_ = access.round
    progress = service.progress(round_)
    vote = votes.vote_on(round_, round_.workshop_step)
    response = jsonify({"step": round_.workshop_step, "submitted": progress["totals"]["submitted"],
                        "joined": progress["totals"]["joined"], "consensus": len(round_.consensus),
                        "vote": f"{vote.state}-{int(vote.revealed)}" if vote is not None else "none",
                        "votes": votes.ballot_count(vote.id) if vote is not None else 0})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/projector/<any(next, previous):direction>")
@once
@policy("member")
def move(partnership_id: int, number: int, direction: str, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    round_.workshop_step = workshop.neighbour_step(round_.workshop_step, 1 if direction == "next" else -1)
    db.session.commit()
    return redirect(url_for(".projector", partnership_id=partnership.id, number=number), 303)


@bp.post("/votes/<dimension>/<any(open, close, reveal, hide):change>")
@once
@policy("member")
def vote_action(partnership_id: int, number: int, dimension: str, change: str, access: RoundAccess):
    """Open, close, reveal or hide the room's vote on a dimension; back to the projector."""
    partnership, round_ = access.partnership, access.round
    if dimension not in DIMENSION_IDS:
        abort(404)
    vote = votes.vote_on(round_, dimension)
    if change == "open":
        votes.open_on(round_, dimension)
    elif vote is None:
        abort(409, description=_("No vote has been opened on this dimension."))
    elif change == "close":
        votes.close(vote)
    else:
        vote.revealed = change == "reveal"
    db.session.commit()
    return redirect(url_for(".projector", partnership_id=partnership.id, number=number), 303)


@bp.route("/comments", methods=["GET", "POST"])
@once
@policy("member")
def comments_wall(partnership_id: int, number: int, access: RoundAccess):
    """The round's open answers, without names: the facilitator approves or hides each one, and can show
    an approved one alone on the projector. Nothing unapproved is shown to the group."""
    partnership, round_ = access.partnership, access.round
    questionnaire = current_app.extensions["rupa.questionnaires"][round_.assessment.questionnaire_version]
    if request.method == "POST":
        decision, answer = request.form.get("decision"), request.form.get("answer", "")
        if decision not in ("approve", "hide", "spotlight") or not answer.isdigit() or len(answer) > 10:
            abort(400, description=_("Choose a comment and what to do with it."))
        status = CommentStatus.HIDDEN if decision == "hide" else CommentStatus.APPROVED
        reviewed = comments.review(round_, int(answer), status)
        if reviewed is None:
            abort(404, description=_("This comment is not one of the round's (any more)."))
        if decision == "spotlight":
            round_.workshop_step = f"{workshop.SPOTLIGHT}{reviewed.id}"
        db.session.commit()
        flash({"approve": _("The comment is approved: it can be shown to the group."),
               "hide": _("The comment is hidden: it is shown nowhere."),
               "spotlight": _("The comment is on the projector.")}[decision])
        return redirect(url_for(".comments_wall", partnership_id=partnership.id, number=number,
                                _anchor=f"comment-{answer}"), 303)
    return render_template("partnerships/comments.html", partnership=partnership, round=round_,
                           questions=comments.wall(round_, questionnaire, str(get_locale())),
                           spotlight=workshop.spotlight_of(round_.workshop_step))


CONSENSUS_FIELDS = ("agreed_band", "note", "dissent_group", "dissent_reason")


def _consensus_forms(round_) -> dict[str, ConsensusForm]:
    """One form per dimension from the posted page, its fields prefixed with the dimension id. A post
    that names one ``dimension`` with unprefixed fields (an older page, a script) fills that one form."""
    single = request.form.get("dimension")
    if single is not None and single not in DIMENSION_IDS:
        abort(400, description=_("Unknown dimension."))
    stored = {c.dimension: c for c in round_.consensus}
    prefixed = any(key.endswith(tuple(f"-{f}" for f in CONSENSUS_FIELDS)) for key in request.form)
    forms, pressed = {}, None
    for dimension_id in DIMENSION_IDS:
        if single is not None and not prefixed:
            if dimension_id != single:
                continue
            form = ConsensusForm(meta={"csrf": False})
        else:
            form = ConsensusForm(prefix=dimension_id, meta={"csrf": False})
            if not any(f"{dimension_id}-{f}" in request.form for f in CONSENSUS_FIELDS):
                continue
        entry = stored.get(dimension_id)
        typed = any(form[f].data for f in ("note", "dissent_group", "dissent_reason"))
        if form.agreed_band.data is None and not typed and entry is None:
            if dimension_id == single:
                pressed = form  # its button was pressed: an error unless another row is being recorded
            continue  # untouched and never recorded
        forms[dimension_id] = form
    if not forms and pressed is not None and single is not None:
        forms[single] = pressed
    return forms


@bp.route("/consensus", methods=["GET", "POST"])
@once
@policy("member")
def consensus(partnership_id: int, number: int, access: RoundAccess):
    """Every dimension's consensus on one page and in one form: recording keeps what was typed in every
    row (all rows with a rating are recorded at once; on an error nothing is, and every draft is shown
    again)."""
    partnership, round_ = access.partnership, access.round
    _document, result = round_result(round_, str(get_locale()))
    forms, failed = {}, []
    if request.method == "POST":
        forms = _consensus_forms(round_)
        failed = [d for d, form in forms.items() if not form.validate()]
        if not failed:
            recorded = _record_consensus(round_, forms)
            db.session.commit()
            if len(recorded) == 1:
                flash(_("Consensus recorded for %(dimension)s.", dimension=labels.DIMENSIONS[recorded[0]]))
            elif recorded:
                flash(_("Consensus recorded for %(num)d dimensions.", num=len(recorded)))
            anchor = request.form.get("dimension") or (recorded[0] if recorded else None)
            return redirect(url_for(".consensus", partnership_id=partnership.id, number=number,
                                    _anchor=f"c-{anchor}" if anchor else None), 303)
    return render_template("partnerships/consensus.html", partnership=partnership, round=round_,
                           rows=workshop.consensus_rows(round_, result, drafts=forms if failed else None),
                           failed=failed, forms=forms, group_names=labels.GROUPS,
                           band_names=labels.BANDS), 400 if failed else 200


def _record_consensus(round_, forms: dict[str, ConsensusForm]) -> list[str]:
    """Store the rows that changed; the dimension ids recorded."""
    stored = {c.dimension: c for c in round_.consensus}
    recorded = []
    for dimension_id, form in forms.items():
        values = {"agreed_band": form.agreed_band.data, "note": form.note.data or None,
                  "dissent_group": form.dissent_group.data or None, "dissent_reason": form.dissent_reason.data or None}
        entry = stored.get(dimension_id)
        if entry is not None and all(getattr(entry, k) == v for k, v in values.items()):
            continue
        if entry is None:
            entry = Consensus(round_id=round_.id, dimension=dimension_id)
            db.session.add(entry)
        for key, value in values.items():
            setattr(entry, key, value)
        recorded.append(dimension_id)
    return recorded


def _recommendations(round_, lang: str) -> list[dict]:
    _document, result = round_result(round_, lang)
    return result["recommendations"] if result else []


@bp.route("/actions", methods=["GET", "POST"])
@once
@policy("member")
def actions(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    lang = str(get_locale())
    recommendations = _recommendations(round_, lang)
    form = ActionForm() if request.method == "POST" else ActionForm(formdata=None)
    if request.method == "POST":
        valid = form.validate()
        if form.recommendation_id.data and form.recommendation_id.data not in {r["id"] for r in recommendations}:
            form.recommendation_id.errors.append(_("Unknown recommendation."))
            valid = False
        if valid:
            db.session.add(Action(round_id=round_.id, text=form.text.data, owner=form.owner.data or None,
                                  due_on=form.due_on.data, status=form.status.data,
                                  recommendation_id=form.recommendation_id.data or None))
            db.session.commit()
            flash(_("The action is added to the plan."))
            return redirect(url_for(".actions", partnership_id=partnership.id, number=number), 303)
    return render_template("partnerships/actions.html", partnership=partnership, round=round_, form=form,
                           actions=workshop.action_rows(round_), recommendations=recommendations,
                           status_names=labels.STATUSES), 400 if form.errors else 200


def _load_action(round_, action_id: int) -> Action:
    action = db.session.get(Action, action_id)
    if action is None or action.round_id != round_.id:
        abort(404)
    return action


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@once
@policy("member")
def edit_action(partnership_id: int, number: int, action_id: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    action = _load_action(round_, action_id)
    if request.method == "POST":
        form = ActionForm()
        form.recommendation_id.data = action.recommendation_id
        if form.validate():
            action.text, action.owner = form.text.data, form.owner.data or None
            action.due_on, action.status = form.due_on.data, form.status.data
            db.session.commit()
            flash(_("The action is updated."))
            return redirect(url_for(".actions", partnership_id=partnership.id, number=number), 303)
    else:
        form = ActionForm(formdata=None, obj=action)
    return render_template("partnerships/action_edit.html", partnership=partnership, round=round_, form=form,
                           action=action, status_names=labels.STATUSES), 400 if form.errors else 200


@bp.post("/actions/<int:action_id>/delete")
@once
@policy("member")
def delete_action(partnership_id: int, number: int, action_id: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    db.session.delete(_load_action(round_, action_id))
    db.session.commit()
    flash(_("The action is removed from the plan."))
    return redirect(url_for(".actions", partnership_id=partnership.id, number=number), 303)
