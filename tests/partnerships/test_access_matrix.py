"""The access matrix: every route has a policy, and every role gets exactly what its policy allows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from authorisation.access import POLICIES, access_table

# Every route's policy, as the views declare them (@policy beside each route).
ACCESS = access_table(create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))

DESTRUCTIVE = {"partnership_data.delete_partnership", "partnership_data.delete_round",
               "partnership_data.delete_respondent", "workshop.delete_action", "accounts.signout",
               "accounts.revoke_api_token"}
# Routes naming an object of one facilitator (the owner's API token): any other facilitator gets 404.
OWNERS_OBJECT = {"accounts.revoke_api_token"}


def test_every_route_has_a_policy(app):
    table = access_table(app)
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(table)
    assert [endpoint for endpoint, policy in table.items() if policy is None] == [], \
        "declare each route's policy with @policy beside its route"
    assert set(table.values()) <= set(POLICIES)


def test_a_route_without_a_policy_is_refused(app, client):
    @app.get("/undeclared")
    def undeclared():
        return "reached"

    assert access_table(app)["undeclared"] is None
    assert client.get("/undeclared").status_code == 404


def test_security_md_documents_the_matrix():
    text = (Path(__file__).parents[2] / "SECURITY.md").read_text()
    for endpoint, policy in ACCESS.items():
        assert re.search(rf"`{re.escape(endpoint)}`\s*\|\s*{policy}\b", text), endpoint


@pytest.fixture
def world(app, full_round, signed_in):
    """Owner, co-facilitator, outsider and anonymous clients; a valid respondent token, an action."""
    owner = full_round["client"]
    p = f"/facilitator/p/{full_round['partnership_id']}"
    co = signed_in("co@example.org")
    owner.post(f"{p}/facilitators", data={"email": "co@example.org"})
    owner.post(f"{p}/rounds/1/actions", data={"text": "Meet", "status": "planned"})
    action_id = re.search(r"/actions/(\d+)", owner.get(f"{p}/rounds/1/actions").text).group(1)
    respondent_id = re.search(r"/respondents/(\d+)/delete", owner.get(f"{p}/rounds/1/respondents").text).group(1)
    invite = re.search(r"/j/([A-Za-z0-9_-]+)", owner.get(f"{p}/rounds/1").text).group(1)
    owner.post(f"{p}/rounds/1/publish")
    owner.post("/account/tokens", data={"name": "dashboard"})
    token_id = re.search(r"/account/tokens/(\d+)/revoke", owner.get("/account/tokens").text).group(1)
    membership_id = re.search(r"/facilitators/(\d+)/remove", owner.get(p).text).group(1)
    values = {"membership_id": membership_id, "partnership_id": full_round["partnership_id"], "number": 1,
              "token": full_round["tokens"][0],
              "invite_token": invite, "action_id": action_id, "respondent_id": respondent_id, "kind": "json",
              "action": "publish", "direction": "next", "section_id": "profile", "filename": "css/rupa.css",
              "token_id": token_id, "dimension": "enabler.trust", "change": "open"}
    return {"roles": {"anonymous": app.test_client(), "outsider": signed_in("outsider@example.org"),
                      "co_facilitator": co, "owner": owner}, "values": values}


def url_for_rule(rule, values) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def expected(policy: str, role: str, endpoint: str = "") -> str:
    if policy in ("public", "respondent", "invitation"):
        return "allowed"
    if policy in ("api", "api_member"):
        return "unauthorized"  # a browser session is never an API credential (tokens: tests/partnerships/test_api.py)
    if role == "anonymous":
        return "sign-in"
    if endpoint in OWNERS_OBJECT and role != "owner":
        return "not-found"
    if policy == "facilitator":
        return "allowed"
    if role == "outsider":
        return "not-found"
    if policy == "owner" and role == "co_facilitator":
        return "forbidden"
    return "allowed"


def outcome(response) -> str:
    if response.status_code == 302 and "/account/signin" in response.location:
        return "sign-in"
    if response.status_code == 404:
        return "not-found"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 401:
        return "unauthorized"
    return "allowed"


def test_every_role_on_every_route(app, world):
    failures = []
    roles = world["roles"]
    for role in ("anonymous", "outsider", "co_facilitator", "owner"):
        for rule in app.url_map.iter_rules():
            policy = ACCESS[rule.endpoint]
            url = url_for_rule(rule, world["values"])
            want = expected(policy, role, rule.endpoint)
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "POST" and want == "allowed" and rule.endpoint in DESTRUCTIVE:
                    continue  # allowed destruction is tested on its own; here it would end the walk
                response = roles[role].open(url, method=method)
                got = outcome(response)
                response.close()
                if got != want:
                    failures.append(f"{role} {method} {url}: {got}, expected {want}")
    assert failures == []


@pytest.mark.parametrize("endpoint", sorted(e for e, p in ACCESS.items() if p in ("respondent", "invitation")))
def test_unknown_tokens_are_not_found(app, client, endpoint):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = url_for_rule(rule, {"token": "x" * 43, "invite_token": "y" * 32, "section_id": "profile"})
    for method in sorted(rule.methods & {"GET", "POST"}):
        assert client.open(url, method=method).status_code == 404, (method, url)
