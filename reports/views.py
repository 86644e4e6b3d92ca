"""The recommendations report of a submitted response: a web page and a PDF download."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from extensions import limiter
from questionnaire.models import Assessment, Respondent
from questionnaire.views import load_respondent, respondent_entity
from reports.jobs import Pending, pdf_or_pending, rendered_pdf
from reports.pdf import PAPER_SIZES
from reports.service import StoredAnswers, pdf_tag, report_body

bp = Blueprint("reports", __name__)


def _submitted(token: str) -> tuple[StoredAnswers, Respondent] | None:
    """The respondent's own stored answers and the respondent, or None before they submitted."""
    respondent, _questionnaire = load_respondent(token)
    if not respondent.is_submitted:
        return None
    entity = respondent_entity(respondent)
    return StoredAnswers(entity.assessment, only=entity), entity


@bp.get("/r/<token>/report")
def report_page(token: str):
    submitted = _submitted(token)
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
def report_pdf_download(token: str):
    paper = requested_paper()
    submitted = _submitted(token)
    if submitted is None:
        return redirect(url_for("questionnaire.resume", token=token))
    stored, respondent = submitted
    document = stored.document
    return pdf_download(document, "organisation", paper, (document.get("partnership") or "self-assessment",),
                        url_for(".report_page", token=token), respondent.assessment, stored.as_of)


def requested_paper() -> str:
    paper = request.args.get("paper", "a4")
    if paper not in PAPER_SIZES:
        abort(400, description=_("Unknown paper size: choose A4 or US Letter."))
    return paper


def download_name(*parts: str, suffix: str) -> str:
    """A file name that says what the file is, in ASCII: ``rupa-green-valley-round-2-fr-letter.pdf``."""
    words = (secure_filename(re.sub(r"[\W_]+", "-", part)).lower().strip("-") for part in ("rupa", *parts) if part)
    return "-".join(word for word in words if word) + "." + suffix


def pdf_download(document: dict, weighting: str, paper: str, names: tuple[str, ...], back_url: str,
                 assessment: Assessment, on: date, extra: dict | None = None) -> ResponseReturnValue:
    """The PDF report as a download, or (while a worker renders it) a page that follows its progress.

    The waiting page answers 202 and reloads nothing by itself: a script asks the same URL for JSON
    every two seconds and starts the download when it is ready; without JavaScript, "Check again" does."""
    lang = str(get_locale())
    outcome = pdf_or_pending(document, weighting, lang, paper, on, extra, pdf_tag(assessment.id))
    wants_json = request.accept_mimetypes.best == "application/json"
    if isinstance(outcome, Pending):
        status = 500 if outcome.state == "failed" else 202
        if wants_json:
            return jsonify(state=outcome.state, ahead=outcome.ahead), status
        return render_template("reports/pdf_wait.html", pending=outcome, back_url=back_url), status
    if wants_json:
        return jsonify(state="ready", ahead=None)
    name = download_name(*names, lang, paper, on.isoformat(), suffix="pdf")
    return Response(outcome, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })
