"""PDF downloads as every page that offers one serves them: the paper size asked for, a file name that
says what the file is, and the download itself or a page that follows its rendering."""

from __future__ import annotations

import re
from datetime import date

from flask import Response, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from questionnaire.models import Assessment
from reports.jobs import Pending, pdf_or_pending
from reports.pdf import PAPER_SIZES
from reports.service import pdf_tag


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
