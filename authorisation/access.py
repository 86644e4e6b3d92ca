"""Who may open which route: a policy declared beside each view, checked once, default deny.

Policies:
- ``public``: anyone.
- ``respondent``: whoever holds the private token the URL names (an unknown or expired token: 404;
  too many of those from one address: 429).
- ``invitation``: whoever holds the round's invitation link (an unknown one: 404).
- ``facilitator``: any signed-in facilitator (otherwise: to the sign-in page).
- ``member``: the partnership's owner or a co-facilitator (other facilitators: 404, as if it did not exist).
- ``owner``: the partnership's owner only (co-facilitators: 403, others: 404).
- ``api``: a request carrying a facilitator's personal API token (``Authorization: Bearer …``; else 401).
- ``api_member``: such a token of the partnership's owner or a co-facilitator (other tokens: 404).

``@policy("member")`` under a view's route declares its policy. The check loads what it checks (the
respondent, the facilitator, the partnership with the facilitator's role, the round the URL names with
the one before it) and hands it to the view as its ``access`` argument when the view has one: nothing is
looked up twice. A route without a policy is refused (404) before anything else runs, and
:func:`access_table` (every route's policy, which SECURITY.md documents) fails the access test.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from extensions import count_failed_lookup, refuse_after_failed_lookups

if TYPE_CHECKING:
    from accounts.models import Facilitator
    from partnerships.models import Partnership, Round
    from questionnaire.journey import RespondentView

MAX_ID = 2**31 - 1
POLICIES = ("public", "respondent", "invitation", "facilitator", "member", "owner", "api", "api_member")


@dataclass(frozen=True)
class RespondentAccess:
    """A respondent's page: the private token and the respondent it names."""

    token: str
    respondent: RespondentView


@dataclass(frozen=True)
class FacilitatorAccess:
    """A facilitator's page (or an API call): the signed-in facilitator, or the API token's."""

    facilitator: Facilitator


@dataclass(frozen=True)
class MemberAccess(FacilitatorAccess):
    """A page of one partnership: the partnership and the facilitator's role in it."""

    partnership: Partnership
    role: str


@dataclass(frozen=True)
class RoundAccess(MemberAccess):
    """A page of one of the partnership's rounds: that round and the one before it (None for the first),
    read in one statement with their assessments."""

    round: Round
    previous: Round | None


Granted = RespondentAccess | FacilitatorAccess | None


@dataclass(frozen=True)
class Lookups:
    """What the checks read, given by the packages that own it (create_app wires them): authorisation
    imports none of the packages whose views it guards."""

    respondent: Callable[[str, int], RespondentView | None]  # token, maximum age in days
    api_facilitator: Callable[[str | None], Facilitator | None]  # the Authorization header
    membership: Callable[[int, Facilitator], tuple[Partnership, str] | None]  # partnership id, facilitator
    rounds: Callable[[Partnership, int], tuple[Round | None, Round | None]]  # a round and the one before


def init_app(app: Flask, lookups: Lookups) -> None:
    app.extensions["rupa.access"] = lookups
    app.before_request(refuse_undeclared)


def _lookups() -> Lookups:
    found: Lookups = current_app.extensions["rupa.access"]
    return found


View = TypeVar("View", bound=Callable[..., Any])


def policy(name: str) -> Callable[[View], View]:
    """Declare a view's access policy; the view is called only when the policy grants access, with what
    the check loaded as ``access`` when the view takes that argument."""
    if name not in POLICIES:
        raise ValueError(f"unknown access policy {name!r} (known: {', '.join(POLICIES)})")

    def declare(view: View) -> View:
        wants = "access" in inspect.signature(view).parameters

        @functools.wraps(view)
        def checked(**args: Any) -> Any:
            granted = grant(name, args)
            if isinstance(granted, Response):
                return granted
            return view(**args, access=granted) if wants else view(**args)

        checked.access_policy = name  # type: ignore[attr-defined]
        return cast(View, checked)

    return declare


def access_table(app: Flask) -> dict[str, str | None]:
    """Every route's policy (None: none declared, so refused)."""
    return {rule.endpoint: "public" if rule.endpoint == "static"
            else getattr(app.view_functions[rule.endpoint], "access_policy", None)
            for rule in app.url_map.iter_rules()}


def refuse_undeclared() -> None:
    """Before every request: a route without a policy, or an id no row can have, is not found."""
    if request.endpoint is None or request.endpoint == "static":  # no route matched: the 404/405 handler
        return
    if getattr(current_app.view_functions[request.endpoint], "access_policy", None) is None:
        current_app.logger.error("route %s has no access policy: refused", request.endpoint)
        abort(404)
    if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
        abort(404)  # no row has such an id, and PostgreSQL would refuse to compare it with an integer column


def grant(name: str, args: dict[str, Any]) -> Granted | Response:
    """Check one policy for a request to a view with these URL arguments: what it loaded, a redirect to
    the sign-in page, or an abort (401, 403, 404, 429)."""
    if name == "public":
        return None
    if name == "respondent":
        token = args.get("token", "")
        refuse_after_failed_lookups()
        respondent = _lookups().respondent(token, current_app.config["RESUME_TOKEN_MAX_AGE_DAYS"])
        if respondent is None:
            count_failed_lookup()
            abort(404, description=_(
                "This resume link is unknown or has expired. Check that you copied the whole link, "
                "or start a new self-assessment."))
        return RespondentAccess(token, respondent)
    if name == "invitation":
        refuse_after_failed_lookups()
        return None  # the view answers 404 for an unknown invitation (and counts it) and 409 for a closed round
    if name in ("api", "api_member"):
        facilitator = _lookups().api_facilitator(request.headers.get("Authorization"))
        if facilitator is None:
            abort(401, description="Send a personal API token as 'Authorization: Bearer <token>' "
                                   "(create one on your account's API tokens page).")
        if name == "api":
            return FacilitatorAccess(facilitator)
        return _member(name, facilitator, args, api=True)
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.signin", next=request.full_path.rstrip("?")))
    facilitator = current_user._get_current_object()
    if name == "facilitator":
        return FacilitatorAccess(facilitator)
    return _member(name, facilitator, args, api=False)


def _member(name: str, facilitator: Facilitator, args: dict[str, Any], api: bool) -> MemberAccess:
    access = _lookups().membership(args.get("partnership_id", -1), facilitator)
    if access is None:  # never theirs, deleted, or their access was taken away: the same answer for each
        abort(404, description="No such partnership, or your token has no access to it." if api else _(
            "This partnership does not exist, or you do not (or no longer) have access to it. Ask its owner "
            "if you should."))
    partnership, role = access
    if name == "owner" and role != "owner":
        abort(403, description=_("Only the partnership's owner can do this."))
    if "number" not in args:
        return MemberAccess(facilitator, partnership, role)
    round_, previous = _lookups().rounds(partnership, args["number"])
    if round_ is None:
        abort(404, description="No such round in this partnership." if api else None)
    return RoundAccess(facilitator, partnership, role, round_, previous)
