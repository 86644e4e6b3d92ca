"""Workshop mode: projector steps, consensus, action plan, the workshop report and change over rounds."""

from __future__ import annotations

import io
import re

import pypdf
import pytest


def test_projector_steps_persist_and_show_distributions(full_round):
    client, base = full_round["client"], full_round["base"]
    join = client.get(f"{base}/projector")
    assert join.status_code == 200
    assert full_round["code"] in join.text and "<svg" in join.text and "10 have submitted" in join.text
    assert 'class="projector"' in join.text
    assert client.post(f"{base}/projector/next").status_code == 303
    # A reload (or a new device: the projector lost its connection) returns to the same step.
    first = client.get(f"{base}/projector").text
    assert "<h1>Awareness of interdependence</h1>" in first
    assert client.get(f"{base}/projector.json").get_json()["step"] == "enabler.awareness"
    for _ in range(3):
        client.post(f"{base}/projector/next")
    trust = client.get(f"{base}/projector").text
    assert "<h1>Trust and dialogue</h1>" in trust
    # 10 people, 3 items each: rural answered 2 (three people) or 1 (one), urban 5, business 4. People are
    # counted, not answers: no bar is larger than the room.
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="number">(\d+)</td>', trust))
    assert counts == {"Strongly disagree": "1", "Disagree": "3", "Neither agree nor disagree": "0",
                      "Agree": "3", "Strongly agree": "3", "Don&#39;t know": "0"}
    assert "People who gave each answer to at least one of the 3 questions (10 people)" in trust
    assert "Contested: people disagree widely" in trust
    assert "Rural and urban public bodies see this differently" in trust
    assert "Rural public bodies (n=4)" in trust
    client.post(f"{base}/projector/previous")
    assert "<h1>Leadership</h1>" in client.get(f"{base}/projector").text


def test_consensus_keeps_both_ratings(full_round):
    client, base = full_round["client"], full_round["base"]
    page = client.get(f"{base}/consensus")
    assert page.status_code == 200 and page.text.count('-agreed_band"') == 3 * 26 + 26  # radios and labels' ids
    saved = client.post(f"{base}/consensus", data={
        "dimension": "barrier.power_asymmetry", "agreed_band": "concern",
        "note": "Rural seats are few.", "dissent_group": "urban_public",
        "dissent_reason": "The city sees the board as balanced."})
    assert saved.status_code == 303
    again = client.get(f"{base}/consensus").text
    assert "Rural seats are few." in again and "The city sees the board as balanced." in again
    assert "(differs)" in again
    missing = client.post(f"{base}/consensus", data={"dimension": "enabler.trust"})
    assert missing.status_code == 400 and "Choose the rating the group agreed on." in missing.text
    assert client.post(f"{base}/consensus", data={"dimension": "enabler.joy", "agreed_band": "concern"}
                       ).status_code == 400
    tampered = client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "perfect"})
    assert tampered.status_code == 400


def test_consensus_records_every_row_and_keeps_drafts_on_an_error(full_round):
    """What is typed in one row is never lost when another is recorded or has an error."""
    client, base = full_round["client"], full_round["base"]
    page = {"dimension": "enabler.trust",
            "enabler.trust-agreed_band": "concern", "enabler.trust-note": "Trust is thin.",
            "enabler.trust-dissent_group": "",
            "enabler.leadership-note": "No band chosen yet, but a note typed.",
            "enabler.leadership-dissent_group": "",
            "barrier.funding-agreed_band": "developing", "barrier.funding-dissent_group": "business",
            "barrier.funding-dissent_reason": "Business pays more than its share."}
    failed = client.post(f"{base}/consensus", data=page)
    assert failed.status_code == 400
    assert "Leadership: Choose the rating the group agreed on." in failed.text
    for typed in ("Trust is thin.", "No band chosen yet, but a note typed.", "Business pays more than its share."):
        assert typed in failed.text  # every draft is shown again
    assert "Consensus recorded" not in client.get(f"{base}/consensus").text
    page["enabler.leadership-agreed_band"] = "developing"
    saved = client.post(f"{base}/consensus", data=page)
    assert saved.status_code == 303
    again = client.get(saved.location).text
    assert "Consensus recorded for 3 dimensions." in again
    for typed in ("Trust is thin.", "No band chosen yet, but a note typed.", "Business pays more than its share."):
        assert typed in again
    report = client.get(f"{base}/results").text
    assert "Business pays more than its share." in report and "Trust is thin." in report


def test_action_plan_from_recommendations_and_own(full_round):
    client, base = full_round["client"], full_round["base"]
    page = client.get(f"{base}/actions").text
    recommendation = re.search(r'name="recommendation_id" value="([^"]+)">\s*<input type="hidden" name="text" '
                               r'value="([^"]+)"', page)
    rec_id, text = recommendation.groups()
    picked = client.post(f"{base}/actions", data={"recommendation_id": rec_id, "text": text, "status": "planned"})
    assert picked.status_code == 303
    own = client.post(f"{base}/actions", data={"text": "Shared bus line study", "owner": "Transport office",
                                              "due_on": "2027-03-31", "status": "in_progress"})
    assert own.status_code == 303
    bad_date = client.post(f"{base}/actions", data={"text": "x", "due_on": "31/31/2027", "status": "planned"})
    assert bad_date.status_code == 400
    forged = client.post(f"{base}/actions", data={"text": "x", "recommendation_id": "rec.nothing",
                                                 "status": "planned"})
    assert forged.status_code == 400 and "Unknown recommendation" in forged.text
    plan = client.get(f"{base}/actions").text
    assert "Shared bus line study" in plan and "Transport office" in plan and "Mar 31, 2027" in plan
    edit_url = re.findall(r'href="([^"]+/actions/\d+)"', plan)[-1]
    client.post(edit_url, data={"text": "Shared bus line study, phase 1", "owner": "Transport office",
                                "due_on": "2027-04-30", "status": "done"})
    assert "Shared bus line study, phase 1" in client.get(f"{base}/actions").text
    first_edit = re.findall(r'href="([^"]+/actions/\d+)"', plan)[0]
    assert client.post(f"{first_edit}/delete").status_code == 303
    assert text not in client.get(f"{base}/actions").text.split("From the recommendations")[0]


def test_workshop_report_has_consensus_and_plan_in_html_and_pdf(full_round):
    client, base = full_round["client"], full_round["base"]
    client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "developing"})
    client.post(f"{base}/actions", data={"text": "Joint council session on trust", "owner": "Chair",
                                        "status": "planned"})
    page = client.get(f"{base}/results").text
    assert "Workshop: consensus and action plan" in page and "Joint council session on trust" in page
    pdf = client.get(f"{base}/report.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages))
    assert "Workshop: consensus and action plan" in text and "Joint council session on trust" in text
    assert "Computed band and the rating the group agreed" in text


def test_second_round_shows_change_and_gap_trend(full_round, respondent_joins):
    client, partnership_id = full_round["client"], full_round["partnership_id"]
    client.post(f"/facilitator/p/{partnership_id}/rounds")
    dashboard = client.get(f"/facilitator/p/{partnership_id}/rounds/2").text
    code = re.search(r'<p class="join-code"><span aria-hidden="true">([A-Z0-9]{6})</span>', dashboard).group(1)
    for group, enabler in [("rural_public", 4)] * 3 + [("urban_public", 5)] * 3:
        respondent_joins(code, group, None, enabler, 1)
    page = client.get(f"/facilitator/p/{partnership_id}/rounds/2/results").text
    assert "Change since the previous round" in page
    # Rural trust rose from 16.7 to 75 while urban stayed at 100: the rural-urban gap narrowed.
    row = re.search(r"Trust and dialogue</th>(.*?)</tr>", page.split('id="change"')[1]).group(1)
    assert "narrowed" in row and "+" in row


@pytest.mark.parametrize("path", ["/projector", "/projector.json", "/consensus", "/actions"])
def test_other_facilitators_get_404(full_round, signed_in, path):
    intruder = signed_in("intruder@example.org")
    assert intruder.get(full_round["base"] + path).status_code == 404
    assert intruder.post(full_round["base"] + "/projector/next").status_code == 404
    assert intruder.post(full_round["base"] + "/actions", data={"text": "x"}).status_code == 404


def test_a_dissent_reason_without_a_group_is_in_the_report(full_round):
    client, base = full_round["client"], full_round["base"]
    assert client.post(f"{base}/consensus", data={
        "dimension": "enabler.trust", "agreed_band": "developing", "dissent_group": "",
        "dissent_reason": "Two villages did not agree."}).status_code == 303
    report = client.get(f"{base}/results").text
    assert "Two villages did not agree." in report
