"""A facilitator runs a round: nine respondents in three groups join by code, answer and submit."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from database import db
from partnerships.exports import csv_to_document, xlsx_to_document
from partnerships.models import Round
from reports.service import score_document
from tests.reports.test_jobs import work_off


def test_dashboard_counts_and_live_progress(full_round, respondent_joins):
    client, base = full_round["client"], full_round["base"]
    respondent_joins(full_round["code"], "civil_society", submit=False)
    progress = client.get(f"{base}/progress.json").get_json()
    assert progress["totals"] == {"joined": 11, "in_progress": 1, "submitted": 10}
    by_group = {row["group"]: row for row in progress["groups"]}
    assert by_group["rural_public"] == {"group": "rural_public", "joined": 4, "in_progress": 0, "submitted": 4}
    assert by_group["business"]["submitted"] == 3
    assert by_group["civil_society"] == {"group": "civil_society", "joined": 1, "in_progress": 1, "submitted": 0}
    page = client.get(base).text
    assert 'data-group="rural_public"' in page and re.search(r'data-key="submitted">10<', page)
    assert "<svg" in page and full_round["code"] in page  # QR code and join code


def test_group_result_matches_the_scorer_on_the_exported_file(app, full_round):
    client, base = full_round["client"], full_round["base"]
    exported = client.get(f"{base}/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    document = exported.get_json()
    assert len(document["respondents"]) == 10
    assert document["profile"]["profile.explicit"] == "yes"
    scored = app.test_cli_runner().invoke(args=["score", "-"], input=json.dumps(document))
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.stdout)
    assert result["respondents"] == 10 and result["organisations"] == 9
    assert set(result["groups"]) == {"rural_public", "urban_public", "business"} and result["suppressed_groups"] == 0
    # Village A's two respondents count once: rural trust = (25 + 0 + 25) / 3 organisations = 16.7
    assert result["groups"]["rural_public"]["dimensions"]["enabler.trust"]["score"] == 16.7
    page = client.get(f"{base}/results")
    assert page.status_code == 200
    assert "Stakeholder groups" in page.text
    assert "not shown on its own" not in page.text  # every group has 3 organisations
    trust = result["dimensions"]["enabler.trust"]["score"]
    assert re.search(rf"Trust and dialogue</th><td class=\"number\">{trust:g}</td>", page.text)
    per_respondent = client.get(f"{base}/results?weighting=respondent").text
    assert "each respondent counts the same</strong>" in per_respondent
    pdf = client.get(f"{base}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_csv_and_xlsx_exports_rescore_to_the_same_result(app, full_round, questionnaire):
    client, base = full_round["client"], full_round["base"]
    document = client.get(f"{base}/export.json").get_json()
    csv_text = client.get(f"{base}/export.csv").text
    assert csv_text.splitlines()[0].startswith(
        "respondent,questionnaire,source,group,organisation,profile.region_type")
    assert len(csv_text.strip().splitlines()) == 11
    xlsx = client.get(f"{base}/export.xlsx").data
    workbook = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert workbook.sheetnames == ["answers", "dimensions", "gaps", "items"]
    workbook.close()
    with app.app_context():
        expected = score_document(document)
        for rebuilt in (csv_to_document(csv_text, questionnaire), xlsx_to_document(xlsx, questionnaire)):
            again = score_document(rebuilt)
            assert again["dimensions"] == expected["dimensions"]
            assert again["groups"] == expected["groups"]
            assert again["governance"] == expected["governance"]
            assert again["recommendations"] == expected["recommendations"]


def test_respondents_answer_no_profile_and_see_only_their_own_results(full_round):
    client, base = full_round["client"], full_round["base"]
    # A respondent's own page: their results, and no link to the group's until it is published.
    from flask import current_app  # noqa: F401 - the app is imported through the client

    respondent = client.application.test_client()
    token = full_round["tokens"][0]
    profile_page = respondent.get(f"/r/{token}/s/profile").text
    assert "profile.explicit" not in profile_page  # the partnership's profile is not asked again
    done = respondent.get(f"/r/{token}/done").text
    assert "Your results" in done and "See the results of the whole partnership" not in done
    assert respondent.get(f"/r/{token}/group").status_code == 404
    client.post(f"{base}/publish")
    assert "See the results of the whole partnership" in respondent.get(f"/r/{token}/done").text
    group = respondent.get(f"/r/{token}/group")
    assert group.status_code == 200 and "Green Valley Partnership" in group.text


def test_closing_and_reopening_a_round(make_round, respondent_joins):
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    waiting, token = respondent_joins(round_["code"], "business", submit=False)
    assert client.post(f"{base}/close").status_code == 303
    closed_join = client.application.test_client().post("/join", data={"code": round_["code"]})
    assert "This round is closed" in client.application.test_client().get(closed_join.location).text
    refused = waiting.post(f"/r/{token}/s/barriers", data={"barrier.funding": "0"})
    assert refused.status_code == 409 and "closed by its facilitator" in refused.text
    assert waiting.post(f"/r/{token}/submit").status_code == 409
    page = waiting.get(f"/r/{token}/s/barriers")
    assert page.status_code == 200 and 'name="barrier.funding" value="1" checked' in page.text  # kept
    assert client.post(f"{base}/reopen").status_code == 303
    assert waiting.post(f"/r/{token}/submit").status_code == 303


def test_group_results_wait_for_three_respondents(make_round, respondent_joins):
    round_ = make_round()
    respondent_joins(round_["code"], "business")
    respondent_joins(round_["code"], "business")
    page = round_["client"].get(f"{round_['base']}/results")
    assert "No results yet" in page.text and "Submitted so far: 2" in page.text
    assert round_["client"].get(f"{round_['base']}/report.pdf").status_code == 404


@pytest.mark.parametrize("code", ["ZZZZZZ", "", "A" * 20, "' OR 1=1 --"])
def test_wrong_codes_get_a_clear_page(client, code):
    response = client.post("/join", data={"code": code})
    assert response.status_code in (400, 404)
    assert "There is a problem" in response.text


def test_unknown_invitation(client):
    response = client.get("/j/not-an-invitation")
    assert response.status_code == 404 and "This invitation is unknown" in response.text


def test_join_requires_a_group_and_no_personal_data(make_round, app):
    round_ = make_round()
    client = app.test_client()
    invitation = client.post("/join", data={"code": round_["code"]}).location
    form = client.get(invitation).text
    assert "email" not in form.lower() and 'name="group"' in form
    missing = client.post(invitation, data={"organisation": "Town"})
    assert missing.status_code == 400 and "Please choose the kind of organisation" in missing.text
    tampered = client.post(invitation, data={"group": "mayors"})
    assert tampered.status_code == 400 and "not one of the answers offered" in tampered.text


def test_group_report_pdf_goes_through_the_queue_too(queued_app, full_round):
    client, url = full_round["client"], f"{full_round['base']}/report.pdf"
    waiting = client.get(url)
    assert waiting.status_code == 202 and 'Back to the report' in waiting.text
    work_off(queued_app)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_room_behind_one_address_joins_but_code_guessing_is_slowed(app, make_round):
    """Right codes never count towards the join limit; wrong ones do."""
    app.config["JOIN_RATE_LIMIT"] = "3 per minute"
    round_ = make_round()
    client = app.test_client()
    for _ in range(10):  # ten participants on the village hall's Wi-Fi
        assert client.post("/join", data={"code": round_["code"]}).status_code == 303
    statuses = [client.post("/join", data={"code": f"ZZZZZ{n}"}).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_a_closed_round_shows_no_way_in(app, make_round):
    """Closed, a round's dashboard and projector hide its code, link and QR code and say why; reopened,
    they are back."""
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    with app.app_context():
        invite = db.session.execute(select(Round.invite_token)).scalar_one()
    assert round_["code"] in client.get(base).text and invite in client.get(base).text
    assert client.post(f"{base}/close").status_code == 303
    for path in (base, f"{base}/projector"):
        page = client.get(path).text
        assert round_["code"] not in page and invite not in page and "<svg" not in page.split("<main", 1)[1]
    assert "its code, link and QR code let nobody join" in client.get(base).text
    assert "nobody can join it now" in client.get(f"{base}/projector").text
    assert "personne ne peut plus la rejoindre" in client.get(f"{base}/projector?lang=fr").text
    assert client.post(f"{base}/reopen").status_code == 303
    assert round_["code"] in client.get(base).text


def test_the_group_report_cover_says_whose_views_and_which_round(full_round):
    client, base = full_round["client"], full_round["base"]
    page = client.get(f"{base}/results?lang=en").text
    assert "The views of 10 respondents from 9 organisations in 3 stakeholder groups." in page
    assert "Recommendations report · Round 1" in page
    french = client.get(f"{base}/results?lang=fr").text
    assert "Les points de vue de 10 répondants issus de 9 organisations, dans 3 groupes d" in french


def test_the_first_page_of_a_group_report_has_one_line_on_the_rural_urban_split(full_round):
    client, base = full_round["client"], full_round["base"]
    page = html.unescape(client.get(f"{base}/results?lang=en").text)
    glance = page.split('id="summary-title"')[1].split("</section>")[0]
    # rural respondents scored enablers 1-2 and urban ones 5: every enabler is a flagged gap
    assert "Rural and urban views:" in glance and "differ by 15 points or more on" in glance
    french = html.unescape(client.get(f"{base}/results?lang=fr").text).split('id="summary-title"')[1]
    assert "Points de vue ruraux et urbains\u00a0:" in french and "divergent de 15 points ou plus" in french
