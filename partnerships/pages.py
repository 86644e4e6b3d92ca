"""What the facilitator's pages share: the weighting a page asks for and the group report page (what a URL
names is loaded by its access policy, authorisation.access)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from partnerships.models import Round
from partnerships.rounds import compared, enough_respondents, workshop_part
from reports.service import report_body
from scoring.engine import WEIGHTINGS


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
