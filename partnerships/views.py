"""The facilitator's side: partnerships, rounds, invitations, live progress, group results, exports.

Every URL that names a partnership is loaded through ``load_partnership``: a facilitator who neither
owns nor co-facilitates it gets 404, as if it did not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from database import db, read_only
from extensions import limiter
from pages.once import once
from partnerships import audit, exports, service, workshop
from partnerships.forms import CoFacilitatorForm, PartnershipForm
from partnerships.models import Membership, Partnership, Round
from questionnaire.forms import from_value, section_form_class
from reports import labels
from reports.jobs import rendered_pdf
from reports.service import (
    StoredAnswers,
    cached,
    report_body,
    score_stored,
    submitted_batches,
    submitted_labels,
)
from reports.views import download_name, pdf_download, requested_paper
from scoring.engine import WEIGHTINGS

bp = Blueprint("partnerships", __name__, url_prefix="/facilitator")


@bp.before_request
@login_required
def require_facilitator():
    """Every page here needs a signed-in facilitator."""


def load_partnership(partnership_id: int, owner_only: bool = False) -> tuple[Partnership, str]:
    access = g.get("partnership_access")  # what the access check before the view read (pages.access)
    if access is None or access[0].id != partnership_id:
        access = service.access_to(partnership_id, current_user)
    if access is None:
        abort(404)
    partnership, role = access
    if owner_only and role != "owner":
        abort(403, description=_("Only the partnership's owner can do this."))
    return partnership, role


def load_round(partnership_id: int, number: int) -> tuple[Partnership, Round]:
    partnership, _role = load_partnership(partnership_id)
    round_ = db.session.execute(select(Round).options(joinedload(Round.assessment)).where(
        Round.partnership_id == partnership.id, Round.number == number)).scalar_one_or_none()
    if round_ is None:
        abort(404)
    return partnership, round_


def load_round_and_previous(partnership_id: int, number: int) -> tuple[Partnership, Round, Round | None]:
    """A round and the partnership's round before it (None for the first), in one statement."""
    partnership, _role = load_partnership(partnership_id)
    rounds = {round_.number: round_ for round_ in db.session.execute(
        select(Round).options(joinedload(Round.assessment))
        .where(Round.partnership_id == partnership.id, Round.number.in_([number, number - 1]))).scalars()}
    if number not in rounds:
        abort(404)
    return partnership, rounds[number], rounds.get(number - 1)


def questionnaire_for(version: str | None = None):
    return current_app.extensions["rupa.questionnaires"][version or current_app.config["QUESTIONNAIRE_VERSION"]]


@bp.get("/")
def index():
    return render_template("partnerships/index.html", page=service.partnership_page(current_user, _page_number()),
                           form=PartnershipForm(formdata=None))


def _page_number() -> int:
    number = request.args.get("page", "1")
    return int(number) if number.isdigit() and len(number) < 7 else 1


@bp.post("/partnerships")
@once
def create():
    form = PartnershipForm()
    if not form.validate():
        return render_template("partnerships/index.html", page=service.partnership_page(current_user, 1),
                               form=form), 400
    partnership = service.create_partnership(current_user, form.name.data, form.region.data, form.region_type.data)
    db.session.commit()
    return redirect(url_for(".profile", partnership_id=partnership.id), 303)


@bp.get("/p/<int:partnership_id>")
def detail(partnership_id: int):
    partnership, role = load_partnership(partnership_id)
    return render_template("partnerships/detail.html", partnership=partnership, role=role,
                           invite_form=CoFacilitatorForm(formdata=None))


def _profile_items():
    questionnaire = questionnaire_for()
    section = questionnaire.section("profile")
    return questionnaire, tuple(item for item in section.items if item.id.startswith("profile."))


@bp.route("/p/<int:partnership_id>/profile", methods=["GET", "POST"])
@once
def profile(partnership_id: int):
    partnership, _role = load_partnership(partnership_id)
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
def add_facilitator(partnership_id: int):
    partnership, role = load_partnership(partnership_id, owner_only=True)
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
    return render_template("partnerships/detail.html", partnership=partnership, role=role, invite_form=form), 400


@bp.post("/p/<int:partnership_id>/facilitators/<int:membership_id>/remove")
@once
def remove_facilitator(partnership_id: int, membership_id: int):
    """The owner takes a co-facilitator's access away; their open pages answer 404 from the next click."""
    partnership, _role = load_partnership(partnership_id, owner_only=True)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.partnership_id != partnership.id or membership.role != "co_facilitator":
        abort(404, description=_("This person is not a co-facilitator of the partnership (any more)."))
    email = membership.facilitator.email
    db.session.delete(membership)
    audit.record("remove_co_facilitator", partnership.id, email=email)
    db.session.commit()
    flash(_("%(email)s can no longer facilitate this partnership.", email=email))
    return redirect(url_for(".detail", partnership_id=partnership.id), 303)


@bp.get("/p/<int:partnership_id>/activity")
def activity(partnership_id: int):
    """Who exported, published, deleted or changed access, and when: for the owner."""
    partnership, role = load_partnership(partnership_id, owner_only=True)
    return render_template("partnerships/activity.html", partnership=partnership,
                           entries=audit.entries(partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/rounds")
@once
def open_round(partnership_id: int):
    partnership, _role = load_partnership(partnership_id)
    round_ = service.open_round(partnership, current_app.config["QUESTIONNAIRE_VERSION"])
    db.session.commit()
    return redirect(url_for(".dashboard", partnership_id=partnership.id, number=round_.number), 303)


def _invite_url(round_: Round) -> str:
    return url_for("join.join_round", invite_token=round_.invite_token, _external=True)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>")
def dashboard(partnership_id: int, number: int):
    partnership, round_ = load_round(partnership_id, number)
    invite_url = _invite_url(round_)
    return render_template(
        "partnerships/dashboard.html", partnership=partnership, round=round_, invite_url=invite_url,
        qr_svg=service.invitation_qr_svg(invite_url, 6, _("QR code of the invitation link")),
        progress=service.progress(round_), group_names=labels.GROUPS,
        join_url=url_for("join.enter_code", _external=True),
    )


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/progress.json")
def progress_json(partnership_id: int, number: int):
    _partnership, round_ = load_round(partnership_id, number)
    response = jsonify(service.progress(round_))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/p/<int:partnership_id>/rounds/<int:number>/<any(close, reopen, publish, unpublish):action>")
@once
def round_action(partnership_id: int, number: int, action: str):
    partnership, round_ = load_round(partnership_id, number)
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


def _weighting() -> str:
    weighting = request.args.get("weighting", "organisation")
    if weighting not in WEIGHTINGS:
        abort(400, description=_("Unknown weighting: choose organisation or respondent."))
    return weighting


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
    if round_.consensus:
        extra["consensus"] = workshop.consensus_rows(round_, result)
    if round_.actions:
        extra["actions"] = workshop.action_rows(round_)
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


def group_report_page(round_: Round, previous: Round | None, weighting: str, pdf_url: str | None,
                      pdf_letter_url: str | None, **extra):
    stored, before = compared(round_, previous)
    if not enough_respondents(stored.count):
        return render_template("partnerships/no_results.html", round=round_,
                               minimum=current_app.extensions["rupa.rules"].settings.min_group_size,
                               submitted=stored.count)
    lang = str(get_locale())
    title, body = report_body(stored, weighting, lang, workshop_part(round_, before, weighting, lang))
    return render_template("reports/report_page.html", pdf_url=pdf_url, pdf_letter_url=pdf_letter_url,
                           weighting=weighting, report_title=title, report_body=body, **extra)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/results")
def results(partnership_id: int, number: int):
    partnership, round_, previous = load_round_and_previous(partnership_id, number)
    weighting = _weighting()
    args: dict[str, Any] = {"partnership_id": partnership.id, "number": number, "weighting": weighting,
                            "lang": str(get_locale())}
    return group_report_page(
        round_, previous, weighting, url_for(".round_pdf", **args), url_for(".round_pdf", paper="letter", **args),
        weighting_urls={w: url_for(".results", partnership_id=partnership.id, number=number, weighting=w)
                        for w in WEIGHTINGS})


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/report.pdf")
@limiter.limit(lambda: current_app.config["PDF_RENDER_RATE_LIMIT"], deduct_when=lambda _response: rendered_pdf())
def round_pdf(partnership_id: int, number: int):
    _partnership, round_, previous = load_round_and_previous(partnership_id, number)
    return pdf_response(round_, previous, _weighting())


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


EXPORT_MIMETYPES = {"json": "application/json", "csv": "text/csv",
                    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


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


def export_body(round_: Round, kind: str, lang: str) -> Iterator[str] | str | bytes | None:
    """A round's submitted answers as an export file (the dashboard's and the API's): the CSV as a stream
    of pieces read a batch of respondents at a time; None for a workbook of a round where nobody has
    submitted yet (it would have no scores to show)."""
    questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
    if kind == "csv":
        return streamed(exports.csv_chunks(submitted_batches(round_.assessment), questionnaire))
    stored = StoredAnswers.of_round(round_)
    if kind == "json":
        return json.dumps(stored.document, ensure_ascii=False, indent=1)
    if not stored.count:
        return None
    names = submitted_labels(round_.assessment)
    def workbook() -> bytes:
        return exports.to_xlsx(stored.document, score_stored(stored), questionnaire, lang, names)

    return cached("xlsx", (stored.revision, lang, json.dumps(names, ensure_ascii=False)), workbook, stored.tag)


@bp.get("/p/<int:partnership_id>/rounds/<int:number>/export.<any(json, csv, xlsx):kind>")
def export(partnership_id: int, number: int, kind: str):
    partnership, round_ = load_round(partnership_id, number)
    body = export_body(round_, kind, str(get_locale()))
    if body is None:
        abort(404, description=_("Nobody has submitted answers in this round yet."))
    audit.record_now("export", partnership.id, round=round_.number, format=kind.upper())
    name = download_name(partnership.name, f"round-{round_.number}", str(get_locale()) if kind == "xlsx" else "",
                         suffix=kind)
    return Response(body, mimetype=EXPORT_MIMETYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
