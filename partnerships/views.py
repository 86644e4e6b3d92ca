"""The facilitator's side: partnerships, rounds, invitations, live progress, group results, exports.

Every URL that names a partnership is loaded by its access policy (authorisation.access), which hands the
view the partnership and the facilitator's role: a facilitator who neither owns nor co-facilitates it
gets 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from authorisation.access import MemberAccess, RoundAccess, policy
from database import db
from extensions import limiter
from partnerships import service
from partnerships.exporters import EXPORT_RULE, EXPORTERS
from partnerships.forms import CoFacilitatorForm, PartnershipForm, RenameForm
from partnerships.models import Membership, Role, Round
from partnerships.pages import dashboard_page, group_report_page, requested_weighting
from partnerships.rounds import (
    compared,
    enough_respondents,
    questionnaire_for,
    workshop_extra,
)
from questionnaire.forms import from_value, section_form_class
from reports.downloads import download_name, pdf_download, requested_paper
from reports.jobs import rendered_pdf
from reports.service import (
    score_stored,
)
from scoring.engine import WEIGHTINGS
from web.once import once

bp = Blueprint("partnerships", __name__, url_prefix="/facilitator")


@bp.get("/")
@policy("facilitator")
def index():
    return render_template("partnerships/index.html", page=service.partnership_page(current_user, _page_number()),
                           form=PartnershipForm(formdata=None))


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and len(number) < 7 else 1


@bp.post("/partnerships")
@once
@policy("facilitator")
def create():
    form = PartnershipForm()
    if not form.validate():
        return render_template("partnerships/index.html", page=service.partnership_page(current_user, 1),
                               form=form), 400
    partnership = service.create_partnership(current_user, form.name.data, form.region.data, form.region_type.data)
    db.session.commit()
    return redirect(url_for(".profile", partnership_id=partnership.id), 303)


@bp.get("/p/<int:partnership_id>")
@policy("member")
def detail(partnership_id: int, access: MemberAccess):
    return detail_page(access, CoFacilitatorForm(formdata=None))


def detail_page(access: MemberAccess, invite_form: CoFacilitatorForm) -> str:
    return render_template("partnerships/detail.html", partnership=access.partnership, role=access.role,
                           invite_form=invite_form, **service.overview(access.partnership))


@bp.route("/p/<int:partnership_id>/name", methods=["GET", "POST"])
@once
@policy("owner")
def rename(partnership_id: int, access: MemberAccess):
    """The owner changes the partnership's name or region: every round's reports and file names follow."""
    partnership = access.partnership
    form = RenameForm() if request.method == "POST" else RenameForm(formdata=None, obj=partnership)
    if request.method == "POST" and form.validate():
        before = partnership.name
        service.rename_partnership(partnership, form.name.data, form.region.data or None)
        if before != partnership.name:
            audit.record("rename", partnership.id, before=before, after=partnership.name)
        db.session.commit()
        flash(_("The partnership's name is saved."))
        return redirect(url_for(".detail", partnership_id=partnership.id), 303)
    return render_template("partnerships/rename.html", partnership=partnership, form=form), \
        400 if form.errors else 200


def _profile_items():
    questionnaire = questionnaire_for()
    section = questionnaire.section("profile")
    return questionnaire, tuple(item for item in section.items if item.id.startswith("profile."))


@bp.route("/p/<int:partnership_id>/profile", methods=["GET", "POST"])
@once
@policy("member")
def profile(partnership_id: int, access: MemberAccess):
    partnership = access.partnership
    questionnaire, items = _profile_items()
    form_class = section_form_class(questionnaire, "profile", items)
    if request.method == "POST":
        form = form_class()
        if form.validate():
            partnership.profile = {k: v for k, v in form.answers().items() if v not in (None, "", [])}
            if partnership.profile.get("profile.region_type"):
                partnership.region_type = partnership.profile["profile.region_type"]
            db.session.commit()
            flash(_("The partnership's profile is saved."))
            return redirect(url_for(".detail", partnership_id=partnership.id), 303)
        status = 400
    else:
        form = form_class(formdata=None, data={i.id: from_value(i, partnership.profile.get(i.id)) for i in items})
        status = 200
    errors = {k: v[0] for k, v in form.errors.items() if k != "csrf_token"}
    return render_template("partnerships/profile.html", partnership=partnership, items=items, form=form,
                           errors=errors, questionnaire=questionnaire, lang=str(get_locale())), status


@bp.post("/p/<int:partnership_id>/facilitators")
@once
@policy("owner")
def add_facilitator(partnership_id: int, access: MemberAccess):
    partnership = access.partnership
    form = CoFacilitatorForm()
    if form.validate():
        added = service.add_co_facilitator(partnership, form.email.data)
        if added is None:
            form.email.errors.append(_("No account uses this email address. Ask them to sign up first."))
        else:
            if added is not True:
                audit.record("add_co_facilitator", partnership.id, email=added.email)
            db.session.commit()
            flash(_("%(email)s can now facilitate this partnership.", email=form.email.data))
            return redirect(url_for(".detail", partnership_id=partnership.id), 303)
    return detail_page(access, form), 400


@bp.post("/p/<int:partnership_id>/facilitators/<int:membership_id>/remove")
@once
@policy("owner")
def remove_facilitator(partnership_id: int, membership_id: int, access: MemberAccess):
    """The owner takes a co-facilitator's access away; their open pages answer 404 from the next click."""
    partnership = access.partnership
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.partnership_id != partnership.id or membership.role != Role.CO_FACILITATOR:
        abort(404, description=_("This person is not a co-facilitator of the partnership (any more)."))
    email = membership.facilitator.email
    db.session.delete(membership)
    audit.record("remove_co_facilitator", partnership.id, email=email)
    db.session.commit()
    flash(_("%(email)s can no longer facilitate this partnership.", email=email))
    return redirect(url_for(".detail", partnership_id=partnership.id), 303)


@bp.get("/p/<int:partnership_id>/activity")
@policy("owner")
def activity(partnership_id: int, access: MemberAccess):
    """Who exported, published, deleted or changed access, and when: for the owner."""
    partnership = access.partnership
    return render_template("partnerships/activity.html", partnership=partnership,
                           entries=audit.entries(partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/rounds")
@once
@policy("member")
def open_round(partnership_id: int, access: MemberAccess):
    partnership = access.partnership
    round_ = service.open_round(partnership, current_app.config["QUESTIONNAIRE_VERSION"])
    db.session.commit()
    return redirect(url_for(".dashboard", partnership_id=partnership.id, number=round_.number), 303)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>")
@policy("member")
def dashboard(partnership_id: int, number: int, access: RoundAccess):
    return dashboard_page(access)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/progress.json")
@policy("member")
def progress_json(partnership_id: int, number: int, access: RoundAccess):
    round_ = access.round
    response = jsonify(service.progress(round_))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/p/<int:partnership_id>/rounds/<int:number>/<any(close, reopen, publish, unpublish):action>")
@once
@policy("member")
def round_action(partnership_id: int, number: int, action: str, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    if action in ("close", "reopen"):
        service.set_open(round_, action == "reopen")
    else:
        if round_.is_published != (action == "publish"):
            audit.record(action, partnership.id, round=round_.number)
        round_.is_published = action == "publish"
    db.session.commit()
    messages = {"close": _("The round is closed: no new answers are accepted."),
                "reopen": _("The round is open again."),
                "publish": _("Respondents can now see the partnership's results."),
                "unpublish": _("Respondents no longer see the partnership's results.")}
    flash(messages[action])
    return redirect(url_for(".dashboard", partnership_id=partnership.id, number=round_.number), 303)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/results")
@policy("member")
def results(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_, previous = access.partnership, access.round, access.previous
    weighting = requested_weighting()
    args: dict[str, Any] = {"partnership_id": partnership.id, "number": number, "weighting": weighting,
                            "lang": str(get_locale())}
    return group_report_page(
        round_, previous, weighting, url_for(".round_pdf", **args), url_for(".round_pdf", paper="letter", **args),
        weighting_urls={w: url_for(".results", partnership_id=partnership.id, number=number, weighting=w)
                        for w in WEIGHTINGS})


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/report.pdf")
@limiter.limit(lambda: current_app.config["PDF_RENDER_RATE_LIMIT"], deduct_when=lambda _response: rendered_pdf())
@policy("member")
def round_pdf(partnership_id: int, number: int, access: RoundAccess):
    round_, previous = access.round, access.previous
    return pdf_response(round_, previous, requested_weighting())


def pdf_response(round_: Round, previous: Round | None, weighting: str) -> ResponseReturnValue:
    paper = requested_paper()
    stored, before = compared(round_, previous)
    if not enough_respondents(stored.count):
        abort(404, description=_("The group report appears once at least three respondents have submitted."))
    lang = str(get_locale())
    extra = workshop_extra(round_, score_stored(stored, weighting=weighting, lang=lang), weighting, lang, before)
    back_url = url_for(".results", partnership_id=round_.partnership_id, number=round_.number, weighting=weighting)
    names = (round_.partnership.name, f"round-{round_.number}", "by-respondent" if weighting == "respondent" else "")
    return pdf_download(stored.document, weighting, paper, names, back_url, round_.assessment, stored.as_of, extra)


@bp.get(f"/p/<int:partnership_id>/rounds/<int:number>/{EXPORT_RULE}")
@policy("member")
def export(partnership_id: int, number: int, kind: str, access: RoundAccess):
    partnership, round_, exporter = access.partnership, access.round, EXPORTERS[kind]
    body = exporter.body(round_, str(get_locale()))
    if body is None:
        abort(404, description=_("Nobody has submitted answers in this round yet."))
    audit.record_now("export", partnership.id, round=round_.number, format=kind.upper())
    name = download_name(partnership.name, f"round-{round_.number}", str(get_locale()) if exporter.localised else "",
                         suffix=kind)
    return Response(body, mimetype=exporter.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
