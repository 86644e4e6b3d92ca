"""A submitted response's results: the page the respondent sees after submitting, the recommendations
report as a web page, and its PDF download."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from authorisation.access import RespondentAccess, policy
from extensions import limiter
from questionnaire.models import Respondent
from questionnaire.respondents import load_respondent, respondent_entity
from reports.context import results_context
from reports.downloads import pdf_download, requested_paper
from reports.jobs import rendered_pdf
from reports.service import StoredAnswers, report_body, score_stored

bp = Blueprint("reports", __name__)


def _submitted(access: RespondentAccess) -> tuple[StoredAnswers, Respondent] | None:
    """The respondent's own stored answers and the respondent, or None before they submitted."""
    respondent, _questionnaire = load_respondent(access)
    if not respondent.is_submitted:
        return None
    entity = respondent_entity(respondent)
    return StoredAnswers(entity.assessment, only=entity), entity


@bp.get("/r/<token>/done")
@policy("respondent")
def done(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    if not respondent.is_submitted:
        return redirect(url_for("questionnaire.resume", token=token))
    lang = str(get_locale())
    entity = respondent_entity(respondent)
    result = score_stored(StoredAnswers(entity.assessment, only=entity), lang=lang)
    round_ = entity.assessment.round
    return render_template("reports/done.html", token=token, questionnaire=questionnaire,
                           results=results_context(result, current_app.extensions["rupa.rules"], lang),
                           group_published=round_ is not None and round_.is_published)


@bp.get("/r/<token>/report")
@policy("respondent")
def report_page(token: str, access: RespondentAccess) -> ResponseReturnValue:
    submitted = _submitted(access)
    if submitted is None:
        return redirect(url_for("questionnaire.resume", token=token))
    stored, _respondent = submitted
    lang = str(get_locale())
    title, body = report_body(stored, "organisation", lang)
    return render_template(
        "reports/report_page.html", report_title=title, report_body=body,
        pdf_url=url_for(".report_pdf_download", token=token, lang=lang),
        pdf_letter_url=url_for(".report_pdf_download", token=token, lang=lang, paper="letter"),
    )


@bp.get("/r/<token>/report.pdf")
@limiter.limit(lambda: current_app.config["PDF_RENDER_RATE_LIMIT"], deduct_when=lambda _response: rendered_pdf())
@policy("respondent")
def report_pdf_download(token: str, access: RespondentAccess) -> ResponseReturnValue:
    paper = requested_paper()
    submitted = _submitted(access)
    if submitted is None:
        return redirect(url_for("questionnaire.resume", token=token))
    stored, respondent = submitted
    document = stored.document
    return pdf_download(document, "organisation", paper, (document.get("partnership") or "self-assessment",),
                        url_for(".report_page", token=token), respondent.assessment, stored.as_of)
