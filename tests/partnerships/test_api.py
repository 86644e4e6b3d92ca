"""The JSON API: personal tokens (created, hashed, revoked), every endpoint for its owner, a
co-facilitator, another facilitator and no token at all."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from accounts.models import ApiToken
from accounts.tokens import hash_token
from database import db
from questionnaire.content import load_all
from scoring.assessment import AssessmentError, parse_assessment


def create_token(client, name: str = "dashboard") -> str:
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 200
    token = re.search(r'id="new-token"[^>]*value="(rupa_[A-Za-z0-9_-]+)"', response.text).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_round(full_round, signed_in, app):
    """A round with nine submitted respondents; tokens of its owner, a co-facilitator and a stranger."""
    owner = full_round["client"]
    co = signed_in("co@example.org")
    assert owner.post(f"/facilitator/p/{full_round['partnership_id']}/facilitators",
                      data={"email": "co@example.org"}).status_code == 303
    stranger = signed_in("stranger@example.org")
    return {**full_round, "owner": create_token(owner), "co": create_token(co), "stranger": create_token(stranger)}


def test_a_token_is_shown_once_and_stored_only_as_its_hash(app, signed_in):
    client = signed_in("a@example.org")
    token = create_token(client, "regional dashboard")
    page = client.get("/account/tokens")
    assert token not in page.text and "regional dashboard" in page.text and token[:11] in page.text
    with app.app_context():
        row = db.session.execute(select(ApiToken)).scalar_one()
        assert row.token_hash == hash_token(token) and token not in (row.hint, row.token_hash)


def test_a_token_needs_a_name(signed_in):
    response = signed_in("a@example.org").post("/account/tokens", data={"name": "  "})
    assert response.status_code == 400 and "Give the token a name" in response.text


def test_revoking_a_token_stops_it_at_once(client, app, signed_in):
    owner = signed_in("a@example.org")
    token = create_token(owner)
    assert ">never<" in owner.get("/account/tokens").text
    assert client.get("/api/v1/partnerships", headers=bearer(token)).status_code == 200
    with app.app_context():
        token_id, last_used = db.session.execute(select(ApiToken.id, ApiToken.last_used_at)).one()
    assert last_used is not None and ">never<" not in owner.get("/account/tokens").text
    other = signed_in("b@example.org")
    assert other.post(f"/account/tokens/{token_id}/revoke").status_code == 404  # not theirs
    assert owner.post(f"/account/tokens/{token_id}/revoke").status_code == 303
    refused = client.get("/api/v1/partnerships", headers=bearer(token))
    assert refused.status_code == 401 and refused.json["error"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer rupa_nope", "Basic dXNlcjpwYXNz", "bearer x" * 40])
def test_requests_without_a_valid_token_get_401_json(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/partnerships", headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.json["error"] == "unauthorized"


def test_a_signed_in_browser_session_is_not_an_api_credential(api_round):
    """Only the header authenticates: a page on another site cannot use a facilitator's cookie."""
    assert api_round["client"].get("/api/v1/partnerships").status_code == 401


ENDPOINTS = ["", "/rounds", "/rounds/1/progress", "/rounds/1/result", "/rounds/1/export.json",
             "/rounds/1/export.csv", "/rounds/1/export.xlsx"]


ROLES = [("owner", 200), ("co", 200), ("stranger", 404), (None, 401)]


def test_every_partnership_endpoint_for_every_role(client, api_round):
    failures = []
    for path in ENDPOINTS:
        for who, status in ROLES:
            headers = bearer(api_round[who]) if who else {}
            response = client.get(f"/api/v1/partnerships/{api_round['partnership_id']}{path}", headers=headers)
            if response.status_code != status or (status != 200 and (
                    not response.is_json or "Green Valley" in response.text)):
                failures.append(f"{who} GET {path}: {response.status_code}, expected {status}")
    assert failures == []


def test_the_list_shows_only_the_tokens_owners_partnerships(client, api_round):
    listed = client.get("/api/v1/partnerships", headers=bearer(api_round["owner"])).json["partnerships"]
    assert [(p["name"], p["role"], [r["number"] for r in p["rounds"]]) for p in listed] == [
        ("Green Valley Partnership", "owner", [1])]
    assert client.get("/api/v1/partnerships", headers=bearer(api_round["co"])).json["partnerships"][0]["role"] \
        == "co_facilitator"
    assert client.get("/api/v1/partnerships", headers=bearer(api_round["stranger"])).json == {"partnerships": []}


def test_progress_result_and_exports_hold_the_rounds_data(client, api_round, app):
    base = f"/api/v1/partnerships/{api_round['partnership_id']}/rounds/1"
    headers = bearer(api_round["owner"])
    progress = client.get(f"{base}/progress", headers=headers).json
    assert progress["totals"] == {"joined": 10, "in_progress": 0, "submitted": 10}

    result = client.get(f"{base}/result", headers=headers).json
    web = api_round["client"].get(f"/facilitator/p/{api_round['partnership_id']}/rounds/1/export.json").json
    with app.test_request_context():
        from reports.service import score_document

        assert result == json.loads(json.dumps(score_document(web)))
    assert result["respondents"] == 10 and result["weighting"] == "organisation"
    by_respondent = client.get(f"{base}/result?weighting=respondent&lang=fr", headers=headers).json
    assert by_respondent["weighting"] == "respondent" and by_respondent != result
    assert client.get(f"{base}/result?weighting=loudest", headers=headers).status_code == 400

    assert client.get(f"{base}/export.json", headers=headers).json == web
    rows = list(csv.reader(io.StringIO(client.get(f"{base}/export.csv", headers=headers).text)))
    assert rows[0][:5] == ["respondent", "questionnaire", "source", "group", "organisation"]
    assert len(rows) == 11 and {row[2] for row in rows[1:]} == {"online"}
    workbook = load_workbook(io.BytesIO(client.get(f"{base}/export.xlsx", headers=headers).data))
    assert workbook.sheetnames == ["answers", "dimensions", "gaps", "items"]
    # Every gap the scorer found, flagged or not (the report lists only the largest).
    gaps = list(workbook["gaps"].iter_rows(values_only=True))
    assert gaps[0][:3] == ("dimension", "name", "group") and len(gaps) > 1
    assert [(row[0], row[2], row[4], row[6], row[7], row[8]) for row in gaps[1:]] == [
        (gap["dimension"], *gap["groups"], gap["difference"], gap["higher"], gap["flagged"]) for gap in result["gaps"]]


def test_a_round_below_the_anonymity_threshold_has_no_result(client, make_round, respondent_joins, signed_in):
    round_ = make_round()
    respondent_joins(round_["code"], "rural_public")
    token = create_token(round_["client"])
    response = client.get(f"/api/v1/partnerships/{round_['partnership_id']}/rounds/1/result", headers=bearer(token))
    assert response.status_code == 409
    assert response.json == {"error": "not_enough_respondents", "submitted": 1, "minimum": 3,
                             "message": "The group result needs at least 3 submitted respondents."}


def test_unknown_rounds_and_huge_ids_are_404_not_500(client, api_round):
    headers = bearer(api_round["owner"])
    pid = api_round["partnership_id"]
    assert client.get(f"/api/v1/partnerships/{pid}/rounds/7/progress", headers=headers).status_code == 404
    assert client.get(f"/api/v1/partnerships/{2**63}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/partnerships/{pid}/rounds/{2**40}/result", headers=headers).status_code == 404


def test_scoring_a_file_needs_no_partnership_and_stores_nothing(client, signed_in):
    token = create_token(signed_in("a@example.org"))
    document = {"profile": {"profile.explicit": "yes", "profile.delegated_functions": ["transport"]},
                "respondents": [{"group": group, "answers": {"enabler.trust.1": 4, "barrier.funding": 3}}
                                for group in ("rural_public", "urban_public", "business")]}
    scored = client.post("/api/v1/score?lang=fr", json=document, headers=bearer(token))
    assert scored.status_code == 200, scored.text
    assert scored.json["respondents"] == 3 and scored.json["governance"]["current"] == "explicit_delegated"
    faulty = client.post("/api/v1/score", headers=bearer(token), json={
        "respondents": [{"group": "rural_public", "answers": {"enabler.trust.1": 9, "no.such.item": 1}}]})
    assert faulty.status_code == 422
    assert any("enabler.trust.1" in fault for fault in faulty.json["faults"])
    assert any("no.such.item" in fault for fault in faulty.json["faults"])
    broken = client.post("/api/v1/score", headers=bearer(token), data=b"{not json", content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"] == "invalid_json"
    assert client.post("/api/v1/score", json={"respondents": []}).status_code == 401


def test_the_api_is_exempt_from_csrf_but_pages_are_not(csrf_app):
    client = csrf_app.test_client()
    api = client.post("/api/v1/score", json={})
    assert api.status_code == 401 and api.is_json  # refused for want of a token, not of a CSRF token
    page = client.post("/account/signin", data={"email": "a@example.org", "password": "x" * 12})
    assert page.status_code == 400 and "This form has expired" in page.text


def test_guessing_tokens_is_rate_limited_but_valid_calls_are_not(app, client, signed_in):
    app.config["API_AUTH_RATE_LIMIT"] = "3 per minute"
    token = create_token(signed_in("a@example.org"))
    for _ in range(5):
        assert client.get("/api/v1/partnerships", headers=bearer(token)).status_code == 200
    statuses = [client.get("/api/v1/partnerships", headers=bearer("rupa_guess")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = client.get("/api/v1/partnerships", headers=bearer("rupa_guess"))
    assert limited.status_code == 429 and limited.json["error"] == "too_many_requests"


@pytest.mark.parametrize(("mutate", "fault"), [
    (lambda d: d["respondents"][0].update({"organisation": ["a", "list"]}),
     "respondent 1 (business): organisation: must be text"),
    (lambda d: d["respondents"][0].update({"source": "fax"}),
     "respondent 1 (business): source: 'fax' is not one of online, paper"),
    (lambda d: d.update({"profile": ["profile.stage"]}), "profile: must be an object of profile.* answers"),
    (lambda d: d["respondents"][0].update({"answers": {"enabler.trust.1": 9}}),
     "respondent 1 (business): enabler.trust.1: value 9 is outside its scale"),
])
def test_the_api_and_the_parser_give_the_same_faults_from_one_check(client, signed_in, mutate, fault):
    """The API checks a file once, as the score commands do (formats/assessment.schema.yaml, issue #22)."""
    document = {"respondents": [{"group": "business", "answers": {}}]}
    mutate(document)
    with pytest.raises(AssessmentError) as caught:
        parse_assessment(json.dumps(document), load_all(), "2026.1")
    assert any(line.startswith(fault) for line in caught.value.faults), caught.value.faults
    token = create_token(signed_in("scorer@example.org"))
    answered = client.post("/api/v1/score", json=document, headers=bearer(token))
    assert answered.status_code == 422 and answered.json["faults"] == caught.value.faults
