"""Error pages that say what happened and what to do, in the person's language."""

from __future__ import annotations

import math
import time
import traceback

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from database import db
from extensions import limiter

API_PREFIX = "/api/"
API_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
             413: "too_large", 415: "unsupported_media_type", 429: "too_many_requests", 500: "internal_error",
             503: "unavailable"}


def _page(status: int, title: str, message: str):
    if request.path.startswith(API_PREFIX):  # programs get JSON, never a page
        return _api_error(status, message)
    return render_template("errors/error.html", status=status, title=title, message=message,
                           answers_url=_own_answers(status)), status


def _own_answers(status: int) -> str | None:
    """On a respondent's page (its URL holds their private token), the way back to their answers: unless
    the token is what was not found."""
    token = (request.view_args or {}).get("token")
    if status == 404 or not isinstance(token, str) or not (request.endpoint or "").startswith(
            ("questionnaire.", "reports.", "join.")):
        return None
    return url_for("questionnaire.resume", token=token)


def _api_error(status: int, message: str):
    response = jsonify({"error": API_CODES.get(status, "error"), "message": str(message)})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rupa"'
    return response


def handle_csrf_error(error: CSRFError):
    return _page(
        400,
        _("This form has expired"),
        _("For your security the form could not be accepted, and nothing was changed. "
          "Go back, reload the page and send it again."),
    )


def handle_http_error(error: HTTPException):
    """Our own aborts carry a translated description; Werkzeug's defaults are replaced by ours."""
    defaults = {
        400: (_("Bad request"), _("The request could not be understood. Nothing was changed.")),
        404: (_("Page not found"), _("There is nothing at this address. Check the link you followed.")),
        405: (_("Not allowed"), _("This address cannot be used that way.")),
        409: (_("Already submitted"), _("These answers have been submitted and can no longer be changed.")),
        413: (_("Too much data"), _("What you sent is too large. Shorten long answers and try again.")),
        429: (_("Too many attempts"), _("Too many attempts came from your network in a short time. Wait a "
                                        "minute, then try again. Nothing was changed.")),
    }
    code = error.code or 500
    title, message = defaults.get(code, (_("Something went wrong"), _("Please try again in a moment.")))
    # Flask-Limiter describes a refusal by its limit ("5 per 1 minute"): the page says it in words.
    if code != 429 and error.description and error.description != type(error).description:
        message = error.description
    page = current_app.make_response(_page(code, title, message))
    if isinstance(error, MethodNotAllowed) and error.valid_methods:  # RFC 9110: a 405 names what works
        page.headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429:  # RFC 6585: when the limit lets requests through again
        if (retry_after := getattr(error, "retry_after", None)) is not None:
            page.headers["Retry-After"] = str(retry_after)
        elif limiter.current_limit is not None:
            page.headers["Retry-After"] = str(max(1, math.ceil(limiter.current_limit.reset_at - time.time())))
    return page


def handle_unexpected_error(error: Exception):
    """Anything unforeseen: logged with its request id, never shown (no stack trace, no SQL)."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if isinstance(error, DBAPIError):
        # The database's own message goes on with lines such as PostgreSQL's "DETAIL: Key (email)=(…)":
        # values of the data. The log gets the first line and where it happened, not the rest.
        current_app.logger.error("unexpected database error (request %s): %s\n%s", g.get("request_id", "-"),
                                 str(error).splitlines()[0][:300],
                                 "".join(traceback.format_tb(error.__traceback__)).rstrip())
    else:
        current_app.logger.exception("unexpected error (request %s)", g.get("request_id", "-"))
    db.session.rollback()
    return _page(500, _("Something went wrong"), _(
        "Sorry, RUPA could not do that. Nothing you saved before is lost. Please try again; if it keeps "
        "happening, tell the person who runs this installation the reference %(reference)s.",
        reference=g.get("request_id", "-")))


def handle_database_error(error: Exception):
    """A missing or unreachable database (or one not yet migrated) is not the visitor's fault: 503 with
    our own page (or JSON), which must not touch the database itself (accounts.views.load_facilitator
    reads ``g.database_unavailable``: the page shows no account menu)."""
    current_app.logger.error("database error (request %s): %s", g.get("request_id", "-"),
                             str(error).splitlines()[0][:300])
    g.database_unavailable = True
    try:
        db.session.rollback()
    except Exception:  # the connection is already gone; the session is discarded at the request's end
        current_app.logger.debug("rollback after a database error failed", exc_info=True)
    page = current_app.make_response(_page(
        503,
        _("The service is not ready"),
        _("RUPA cannot reach its database, so nothing could be saved or shown. Please try again in a few "
          "minutes. If you run this installation, check the database settings and run the migrations "
          "(flask --app app db upgrade)."),
    ))
    page.headers["Retry-After"] = "30"
    return page

