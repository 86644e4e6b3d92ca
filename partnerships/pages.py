"""What the facilitator's pages share: loading what a URL names (a partnership the access check has let
the facilitator see, one of its rounds), the weighting a page asks for, and the group report page."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from database import db
from partnerships import service
from partnerships.models import Partnership, Round
from partnerships.rounds import compared, enough_respondents, workshop_part
from reports.service import report_body
from scoring.engine import WEIGHTINGS


def load_partnership(partnership_id: int, owner_only: bool = False) -> tuple[Partnership, str]:
    access = g.get("partnership_access")  # what the access check before the view read (authorisation.access)
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


def requested_weighting() -> str:
    """The weighting a page asks for (organisation unless it says otherwise)."""
    weighting = request.args.get("weighting", "organisation")
    if weighting not in WEIGHTINGS:
        abort(400, description=_("Unknown weighting: choose organisation or respondent."))
    return weighting


def group_report_page(round_: Round, previous: Round | None, weighting: str, pdf_url: str | None,
                      pdf_letter_url: str | None, **extra: Any) -> str:
    stored, before = compared(round_, previous)
    if not enough_respondents(stored.count):
        return render_template("partnerships/no_results.html", round=round_,
                               minimum=current_app.extensions["rupa.rules"].settings.min_group_size,
                               submitted=stored.count)
    lang = str(get_locale())
    title, body = report_body(stored, weighting, lang, workshop_part(round_, before, weighting, lang))
    return render_template("reports/report_page.html", pdf_url=pdf_url, pdf_letter_url=pdf_letter_url,
                           weighting=weighting, report_title=title, report_body=body, **extra)
