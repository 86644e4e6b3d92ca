"""Who may open which route: one table, enforced before every request.

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

A route missing from the table is refused (404) and fails the access test: a new route cannot go
unnoticed. Views still load their objects with the same checks, as a second line.
"""

from __future__ import annotations

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from extensions import count_failed_lookup, refuse_after_failed_lookups

ACCESS: dict[str, str] = {
    "static": "public",
    "pages.home": "public",
    "pages.about": "public",
    "pages.health": "public",
    "pages.ready": "public",
    "accounts.signin": "public",
    "accounts.signup": "public",
    "accounts.signout": "public",
    "accounts.change_password": "facilitator",
    "departure.delete_account": "facilitator",
    "join.enter_code": "public",
    "join.join_round": "invitation",
    "join.published_results": "respondent",
    "questionnaire.start": "public",
    "questionnaire.resume": "respondent",
    "questionnaire.welcome": "respondent",
    "questionnaire.saved": "respondent",
    "questionnaire.section": "respondent",
    "questionnaire.review": "respondent",
    "questionnaire.submit": "respondent",
    "reports.done": "respondent",
    "reports.report_page": "respondent",
    "reports.report_pdf_download": "respondent",
    "partnerships.index": "facilitator",
    "partnerships.create": "facilitator",
    "partnerships.detail": "member",
    "partnerships.profile": "member",
    "partnerships.add_facilitator": "owner",
    "partnerships.remove_facilitator": "owner",
    "partnerships.activity": "owner",
    "partnerships.open_round": "member",
    "partnerships.dashboard": "member",
    "partnerships.progress_json": "member",
    "partnerships.round_action": "member",
    "partnerships.results": "member",
    "partnerships.round_pdf": "member",
    "partnerships.export": "member",
    "partnership_data.export_all": "member",
    "partnership_data.delete_partnership": "owner",
    "partnership_data.delete_round": "member",
    "partnership_data.respondents": "member",
    "partnership_data.delete_respondent": "member",
    "workshop.projector": "member",
    "workshop.projector_state": "member",
    "workshop.move": "member",
    "workshop.consensus": "member",
    "workshop.actions": "member",
    "workshop.edit_action": "member",
    "workshop.delete_action": "member",
    "accounts.api_tokens": "facilitator",
    "accounts.revoke_api_token": "facilitator",
    "paper.blank_questionnaire": "member",
    "paper.enter": "member",
    "paper.upload": "member",
    "api.openapi": "public",
    "api.list_partnerships": "api",
    "api.get_partnership": "api_member",
    "api.list_rounds": "api_member",
    "api.round_progress": "api_member",
    "api.round_result": "api_member",
    "api.round_export": "api_member",
    "api.score_file": "api",
}
MAX_ID = 2**31 - 1
POLICIES = ("public", "respondent", "invitation", "facilitator", "member", "owner", "api", "api_member")


def enforce_access() -> Response | None:
    """The before-request check of ACCESS for the matched route."""
    if request.endpoint is None:  # no route matched: the 404/405 handler answers
        return None
    policy = ACCESS.get(request.endpoint)
    if policy is None:
        current_app.logger.error("route %s has no access policy: refused", request.endpoint)
        abort(404)
    if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
        abort(404)  # no row has such an id, and PostgreSQL would refuse to compare it with an integer column
    if policy == "public":
        return None
    args = request.view_args or {}
    if policy == "respondent":
        from questionnaire.journey import find_respondent

        token = args.get("token", "")
        refuse_after_failed_lookups()
        respondent = find_respondent(token, current_app.config["RESUME_TOKEN_MAX_AGE_DAYS"])
        g.respondent_found = (token, respondent)  # the view's own check reuses it: one query, not two
        if respondent is None:
            count_failed_lookup()
            abort(404, description=_(
                "This resume link is unknown or has expired. Check that you copied the whole link, "
                "or start a new self-assessment."))
        return None
    if policy == "invitation":
        refuse_after_failed_lookups()
        return None  # the view answers 404 for an unknown invitation (and counts it) and 409 for a closed round
    if policy in ("api", "api_member"):
        _check_api_token(policy, args)
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.signin", next=request.full_path.rstrip("?")))
    if policy == "facilitator":
        return None
    from partnerships.service import access_to

    access = access_to(args.get("partnership_id", -1), current_user)
    if access is None:  # never theirs, deleted, or their access was taken away: the same answer for each
        abort(404, description=_("This partnership does not exist, or you do not (or no longer) have access to "
                                 "it. Ask its owner if you should."))
    g.partnership_access = access  # the view's load_partnership takes it: one statement, not three
    role = g.partnership_role = access[1]
    if policy == "owner" and role != "owner":
        abort(403)
    return None


def _check_api_token(policy: str, args: dict) -> None:
    from accounts.tokens import facilitator_for
    from partnerships.service import role_of

    facilitator = facilitator_for(request.headers.get("Authorization"))
    if facilitator is None:
        abort(401, description="Send a personal API token as 'Authorization: Bearer <token>' "
                               "(create one on your account's API tokens page).")
    g.api_facilitator = facilitator
    if policy == "api_member":
        role = role_of(args.get("partnership_id", -1), facilitator)
        if role is None:
            abort(404)
        g.partnership_role = role
