"""Home and About pages, and the liveness check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import get_locale
from sqlalchemy import text

from authorisation.access import policy
from database import db
from questionnaire import respondents
from questionnaire.forms import StartForm

bp = Blueprint("pages", __name__)


@bp.get("/")
@policy("public")
def home():
    return render_template("pages/home.html", form=StartForm())


@bp.get("/about")
@policy("public")
def about():
    return render_template("pages/about.html")


@bp.get("/glossary")
@policy("public")
def glossary():
    """The terms the questionnaire uses (its version's glossary.yaml), linked from every questionnaire page.
    A version without a glossary of its own (2026.1) reads the current one's."""
    questionnaires = respondents.questionnaires()
    version = request.args.get("version", "")
    chosen = questionnaires.get(version) or respondents.current_questionnaire()
    terms = chosen.glossary or respondents.current_questionnaire().glossary
    return render_template("pages/glossary.html", terms=terms, lang=str(get_locale()))


@bp.get("/health")
@policy("public")
def health():
    """Liveness for a load balancer: the process answers (no database round trip). Also the benchmarks'
    "hello" floor: the cheapest request the same app and server can answer."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/health/ready")
@policy("public")
def ready():
    """Readiness: 200 when the database answers, 503 when it does not. Redis is reported but does not make
    a host unready: RUPA works on without it (rate limits in memory, PDFs rendered in the request), and
    every host shares the one Redis, so taking hosts out for it would take them all out."""
    checks = {"database": "ok", "redis": "not configured"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver's failure to connect or answer
        current_app.logger.warning("readiness: database unavailable (%s)", type(error).__name__)
        checks["database"] = "unavailable"
        db.session.rollback()
    if current_app.config["REDIS_URL"]:
        from redis.exceptions import RedisError

        from extensions import redis_client

        try:
            redis_client().ping()
            checks["redis"] = "ok"
        except RedisError as error:
            current_app.logger.warning("readiness: Redis unavailable (%s)", type(error).__name__)
            checks["redis"] = "unavailable"
    ready = checks["database"] == "ok"
    response = jsonify(status="ready" if ready else "unavailable", **checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
