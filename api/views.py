"""/api/v1/: partnerships, rounds, progress, group results and exports as JSON, and scoring a file.

Every route is described in api/openapi.py (a test keeps the two in step, and schemathesis checks the
live app against the document). Access is checked before the view (authorisation/access.py: ``api`` and
``api_member``): a token of one facilitator sees nothing of another's partnerships (404).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_babel import force_locale

from accounts import audit
from api.openapi import document
from authorisation.access import FacilitatorAccess, MemberAccess, RoundAccess, policy
from database import reads_first
from extensions import csrf, limiter
from partnerships import service
from partnerships.exporters import EXPORT_RULE, EXPORTERS
from partnerships.models import Partnership, Round
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
@policy("public")
def openapi():
    return jsonify(document())


@bp.get("/partnerships")
@policy("api")
def list_partnerships(access: FacilitatorAccess):
    rows = service.partnerships_of(access.facilitator)
    return jsonify({"partnerships": [_partnership_data(p, role) for p, role in rows]})


@bp.get("/partnerships/<int:partnership_id>")
@policy("api_member")
def get_partnership(partnership_id: int, access: MemberAccess):
    return jsonify(_partnership_data(access.partnership, access.role))


@bp.get("/partnerships/<int:partnership_id>/rounds")
@policy("api_member")
def list_rounds(partnership_id: int, access: MemberAccess):
    return jsonify({"rounds": [_round_data(r) for r in access.partnership.rounds]})


@bp.get("/partnerships/<int:partnership_id>/rounds/<int:number>/progress")
@policy("api_member")
def round_progress(partnership_id: int, number: int, access: RoundAccess):
    return jsonify(service.progress(access.round))


@bp.get("/partnerships/<int:partnership_id>/rounds/<int:number>/result")
@policy("api_member")
def round_result(partnership_id: int, number: int, access: RoundAccess):
    """The group result (docs/assessment-model.md §8) of the round's submitted respondents."""
    weighting, lang = _options()
    round_ = access.round
    stored = StoredAnswers.of_round(round_)
    minimum = current_app.extensions["rupa.rules"].settings.min_group_size
    if stored.count < minimum:
        return api_error(409, "not_enough_respondents",
                         f"The group result needs at least {minimum} submitted respondents.",
                         submitted=stored.count, minimum=minimum)
    return jsonify(score_stored(stored, weighting=weighting, lang=lang))


@bp.get(f"/partnerships/<int:partnership_id>/rounds/<int:number>/{EXPORT_RULE}")
@policy("api_member")
def round_export(partnership_id: int, number: int, kind: str, access: RoundAccess):
    """The round's submitted answers: the assessment file (JSON), or one row per respondent (CSV, XLSX)."""
    round_, exporter = access.round, EXPORTERS[kind]
    with force_locale("en"):
        body = exporter.body(round_, "en")
    if body is None:
        return api_error(409, "no_answers", "Nobody has submitted answers in this round yet.")
    audit.record_now("export", round_.partnership_id, by=access.facilitator, round=round_.number,
                     format=f"{kind.upper()} (API)")
    return Response(body, mimetype=exporter.mimetype)


@bp.post("/score")
@reads_first  # scoring a large file must not hold SQLite's write lock: it only reads the caller's token
@policy("api")
def score_file():
    """Score an assessment file sent as the request body; faults are listed, nothing is stored."""
    weighting, lang = _options()
    body = request.get_data(cache=False)
    try:
        document = decode_json(body)
    except AssessmentError as error:
        return api_error(400, "invalid_json", "The request body is not a JSON document.", faults=error.faults)
    try:
        return jsonify(score_document(document, weighting=weighting, lang=lang))
    except AssessmentError as error:
        return api_error(422, "invalid_assessment", "The assessment file has faults: nothing was scored.",
                         faults=error.faults)

