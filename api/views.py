"""/api/v1/: partnerships, rounds, progress, group results and exports as JSON, and scoring a file.

Every route is described in api/openapi.py (a test keeps the two in step, and schemathesis checks the
live app against the document). Access is checked before the view (authorisation/access.py: ``api`` and
``api_member``): a token of one facilitator sees nothing of another's partnerships (404).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select

from accounts import audit
from api.openapi import document, file_schema_faults
from database import db, reads_first
from extensions import csrf, limiter
from partnerships import service
from partnerships.models import Partnership, Round
from partnerships.rounds import EXPORT_MIMETYPES, export_body
from reports.service import StoredAnswers, score_document, score_stored
from scoring import AssessmentError
from scoring.assessment import decode_json
from scoring.engine import WEIGHTINGS

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token-authenticated: a browser cannot be tricked into sending the Authorization header, so no CSRF.
csrf.exempt(bp)
# Guessing tokens is slowed down: only refused ones (401) count.
limiter.limit(lambda: current_app.config["API_AUTH_RATE_LIMIT"],
              deduct_when=lambda response: response.status_code == 401)(bp)


def api_error(status: int, code: str, message: str, **extra: Any) -> Response:
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    return response


def _round_data(round_: Round) -> dict[str, Any]:
    return {"number": round_.number, "questionnaire": round_.assessment.questionnaire_version,
            "is_open": round_.is_open, "is_published": round_.is_published,
            "created_at": round_.created_at.isoformat(),
            "closed_at": round_.closed_at.isoformat() if round_.closed_at else None}


def _partnership_data(partnership: Partnership, role: str) -> dict[str, Any]:
    return {"id": partnership.id, "name": partnership.name, "region": partnership.region, "role": role,
            "rounds": [_round_data(r) for r in partnership.rounds]}


def _partnership() -> Partnership:
    return db.session.get(Partnership, (request.view_args or {})["partnership_id"]) or abort(404)


def _round() -> Round:
    view_args = request.view_args or {}
    round_ = db.session.execute(select(Round).where(
        Round.partnership_id == view_args["partnership_id"],
        Round.number == view_args["number"])).scalar_one_or_none()
    if round_ is None:
        abort(404, description="No such round in this partnership.")
    return round_


def _options() -> tuple[str, str]:
    """The weighting and language asked for in the query string (400 for anything unknown)."""
    weighting = request.args.get("weighting", "organisation")
    lang = request.args.get("lang", "en")
    if weighting not in WEIGHTINGS:
        abort(400, description=f"weighting must be one of {', '.join(WEIGHTINGS)}")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400, description=f"lang must be one of {', '.join(current_app.config['LANGUAGES'])}")
    return weighting, lang


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())


@bp.get("/partnerships")
def list_partnerships():
    rows = service.partnerships_of(g.api_facilitator)
    return jsonify({"partnerships": [_partnership_data(p, role) for p, role in rows]})


@bp.get("/partnerships/<int:partnership_id>")
def get_partnership(partnership_id: int):
    return jsonify(_partnership_data(_partnership(), g.partnership_role))


@bp.get("/partnerships/<int:partnership_id>/rounds")
def list_rounds(partnership_id: int):
    return jsonify({"rounds": [_round_data(r) for r in _partnership().rounds]})


@bp.get("/partnerships/<int:partnership_id>/rounds/<int:number>/progress")
def round_progress(partnership_id: int, number: int):
    return jsonify(service.progress(_round()))


@bp.get("/partnerships/<int:partnership_id>/rounds/<int:number>/result")
def round_result(partnership_id: int, number: int):
    """The group result (docs/assessment-model.md §8) of the round's submitted respondents."""
    weighting, lang = _options()
    round_ = _round()
    stored = StoredAnswers.of_round(round_)
    minimum = current_app.extensions["rupa.rules"].settings.min_group_size
    if stored.count < minimum:
        return api_error(409, "not_enough_respondents",
                         f"The group result needs at least {minimum} submitted respondents.",
                         submitted=stored.count, minimum=minimum)
    return jsonify(score_stored(stored, weighting=weighting, lang=lang))


@bp.get("/partnerships/<int:partnership_id>/rounds/<int:number>/export.<any(json, csv, xlsx):kind>")
def round_export(partnership_id: int, number: int, kind: str):
    """The round's submitted answers: the assessment file (JSON), or one row per respondent (CSV, XLSX)."""
    round_ = _round()
    with force_locale("en"):
        body = export_body(round_, kind, "en")
    if body is None:
        return api_error(409, "no_answers", "Nobody has submitted answers in this round yet.")
    audit.record_now("export", round_.partnership_id, by=g.api_facilitator, round=round_.number,
                     format=f"{kind.upper()} (API)")
    return Response(body, mimetype=EXPORT_MIMETYPES[kind])


@bp.post("/score")
@reads_first  # scoring a large file must not hold SQLite's write lock: it only reads the caller's token
def score_file():
    """Score an assessment file sent as the request body; faults are listed, nothing is stored."""
    weighting, lang = _options()
    body = request.get_data(cache=False)
    try:
        document = decode_json(body)
    except AssessmentError as error:
        return api_error(400, "invalid_json", "The request body is not a JSON document.", faults=error.faults)
    schema_faults = file_schema_faults(document)
    if schema_faults:
        return api_error(422, "invalid_assessment", "The assessment file does not match its schema: nothing was "
                         "scored.", faults=schema_faults)
    try:
        return jsonify(score_document(document, weighting=weighting, lang=lang))
    except AssessmentError as error:
        return api_error(422, "invalid_assessment", "The assessment file has faults: nothing was scored.",
                         faults=error.faults)

