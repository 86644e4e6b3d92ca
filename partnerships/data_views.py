"""Personal data: a partnership's complete export, and deleting a partnership, a round or one respondent
(each after a confirmation page; the rows are really removed)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from authorisation.access import MemberAccess, RoundAccess, policy
from database import db
from partnerships import workshop
from questionnaire.models import Answer, Respondent
from reports import labels
from reports.downloads import download_name
from reports.service import forget_pdfs, submitted_document
from web.once import once

bp = Blueprint("partnership_data", __name__, url_prefix="/facilitator/p/<int:partnership_id>")


@bp.get("/export.json")
@policy("member")
def export_all(partnership_id: int, access: MemberAccess):
    partnership = access.partnership
    data: dict[str, Any] = {
        "partnership": {"name": partnership.name, "region": partnership.region,
                        "region_type": partnership.region_type, "profile": partnership.profile,
                        "created_at": partnership.created_at.isoformat()},
        "facilitators": [{"email": m.facilitator.email, "role": m.role} for m in partnership.memberships],
        "rounds": [],
    }
    for round_ in partnership.rounds:
        everyone = {r.id: r for r in round_.assessment.respondents}
        answers: dict[int, dict] = {rid: {} for rid in everyone}
        for rid, item_id, value in db.session.execute(select(Answer.respondent_id, Answer.item_id, Answer.value)
                                                      .where(Answer.respondent_id.in_(everyone))):
            answers[rid][item_id] = value
        data["rounds"].append({
            "number": round_.number, "questionnaire": round_.assessment.questionnaire_version,
            "is_open": round_.is_open, "is_published": round_.is_published,
            "respondents": [{"status": r.status, "source": r.source, "reference": r.reference,
                             "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                             "answers": answers[r.id]} for r in everyone.values()],
            "assessment_file": submitted_document(round_.assessment),
            "consensus": [{"dimension": c.dimension, "agreed_band": c.agreed_band, "note": c.note,
                           "dissent_group": c.dissent_group, "dissent_reason": c.dissent_reason}
                          for c in round_.consensus],
            "actions": [{k: (str(v) if k == "due_on" and v else v) for k, v in row.items()
                         if k in ("text", "owner", "due_on", "status", "recommendation_id")}
                        for row in workshop.action_rows(round_)],
        })
    audit.record_now("export_all", partnership.id)
    return Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{download_name(partnership.name, "all-data", suffix="json")}"'})


@bp.route("/delete", methods=["GET", "POST"])
@once
@policy("owner")
def delete_partnership(partnership_id: int, access: MemberAccess):
    partnership = access.partnership
    if request.method == "POST" and request.form.get("confirm") == partnership.name:
        assessments = [r.assessment_id for r in partnership.rounds]
        db.session.delete(partnership)
        audit.record("delete_partnership", None, name=partnership.name)
        db.session.commit()
        forget_pdfs(assessments)
        flash(_("The partnership and all its answers are deleted."))
        return redirect(url_for("partnerships.index"), 303)
    mismatch = request.method == "POST"
    return render_template("partnerships/delete.html", partnership=partnership, what="partnership",
                           mismatch=mismatch), 400 if mismatch else 200


@bp.route("/rounds/<int:number>/delete", methods=["GET", "POST"])
@once
@policy("member")
def delete_round(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    if request.method == "POST":
        db.session.delete(round_)
        audit.record("delete_round", partnership.id, round=number)
        db.session.commit()
        forget_pdfs([round_.assessment_id])
        flash(_("Round %(number)d and all its answers are deleted.", number=number))
        return redirect(url_for("partnerships.detail", partnership_id=partnership.id), 303)
    return render_template("partnerships/delete.html", partnership=partnership, round=round_, what="round")


@bp.get("/rounds/<int:number>/respondents")
@policy("member")
def respondents(partnership_id: int, number: int, access: RoundAccess):
    """The round's respondents by number, group and state: never their answers."""
    partnership, round_ = access.partnership, access.round
    groups: dict[int, str] = dict(db.session.execute(select(Answer.respondent_id, Answer.value).join(Respondent).where(
        Respondent.assessment_id == round_.assessment_id, Answer.item_id == "respondent.group")).all())
    rows = [{"id": r.id, "number": n, "group": labels.GROUPS.get(groups.get(r.id) or "", "—"), "status": r.status,
             "source": r.source, "reference": r.reference, "created_at": r.created_at}
            for n, r in enumerate(round_.assessment.respondents, start=1)]
    return render_template("partnerships/respondents.html", partnership=partnership, round=round_, rows=rows)


@bp.route("/rounds/<int:number>/respondents/<int:respondent_id>/delete", methods=["GET", "POST"])
@once
@policy("member")
def delete_respondent(partnership_id: int, number: int, respondent_id: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    respondent = db.session.get(Respondent, respondent_id)
    if respondent is None or respondent.assessment_id != round_.assessment_id:
        abort(404)
    if request.method == "POST":
        db.session.delete(respondent)
        audit.record("delete_respondent", partnership.id, round=number)
        db.session.commit()
        forget_pdfs([round_.assessment_id])
        flash(_("The respondent and their answers are deleted."))
        return redirect(url_for(".respondents", partnership_id=partnership.id, number=number), 303)
    return render_template("partnerships/delete.html", partnership=partnership, round=round_,
                           respondent=respondent, what="respondent")
