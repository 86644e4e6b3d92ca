"""The recommendations report of a submitted response: a web page and a PDF download."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from extensions import limit_failed_token_lookups
from questionnaire.views import load_respondent
from reports.pdf import PAPER_SIZES
from reports.service import report_context_for, report_pdf, score_document, submitted_document

bp = Blueprint("reports", __name__)
limit_failed_token_lookups(bp)


def _submitted_document(token: str):
    respondent, _questionnaire = load_respondent(token)
    if not respondent.is_submitted:
        return None
    return submitted_document(respondent.assessment, only=respondent)


@bp.get("/r/<token>/report")
def report_page(token: str):
    document = _submitted_document(token)
    if document is None:
        return redirect(url_for("questionnaire.resume", token=token))
    lang = str(get_locale())
    result = score_document(document, lang=lang)
    return render_template(
        "reports/report_page.html",
        r=report_context_for(document, result, lang, datetime.now(UTC).date()),
        pdf_url=url_for(".report_pdf_download", token=token, lang=lang),
        pdf_letter_url=url_for(".report_pdf_download", token=token, lang=lang, paper="letter"),
    )


@bp.get("/r/<token>/report.pdf")
def report_pdf_download(token: str):
    paper = request.args.get("paper", "a4")
    if paper not in PAPER_SIZES:
        abort(400, description=_("Unknown paper size: choose A4 or US Letter."))
    document = _submitted_document(token)
    if document is None:
        return redirect(url_for("questionnaire.resume", token=token))
    today = datetime.now(UTC).date()
    pdf = report_pdf(document, "organisation", str(get_locale()), paper, today)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="rupa-report-{today.isoformat()}.pdf"',
        "Cache-Control": "private, max-age=0",
    })
