"""The report cache: a round's results page and workbook opened again are not scored or drawn again, and
whatever changes what they show (a new submission, a consensus, an action, the language, the weighting)
is shown at once, never an older copy."""

from __future__ import annotations

import pytest

import scoring


@pytest.fixture
def scorings(monkeypatch):
    """How many times the scorer ran."""
    calls = []
    real = scoring.score

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("reports.service.score", counted)
    return calls


def test_a_page_opened_again_is_not_scored_again(full_round, scorings):
    client, base = full_round["client"], full_round["base"]
    first = client.get(f"{base}/results")
    assert first.status_code == 200 and scorings
    ran = len(scorings)
    again = client.get(f"{base}/results")
    workbook = client.get(f"{base}/export.xlsx")
    assert client.get(f"{base}/export.xlsx").data == workbook.data
    assert again.status_code == 200 and len(scorings) <= ran + 1  # the workbook's own scoring, once
    assert "Download PDF (A4)" in again.text and again.text.count('name="csrf_token"') == first.text.count(
        'name="csrf_token"')  # the page around the cached body is drawn for this request


def test_what_changes_the_report_is_shown_at_once(full_round, respondent_joins):
    client, base = full_round["client"], full_round["base"]
    before = client.get(f"{base}/results").text
    assert "10 respondents" in before or "10" in before
    client.post(f"{base}/actions", data={"text": "Shared bus timetable", "owner": "Chair", "status": "planned"})
    assert "Shared bus timetable" in client.get(f"{base}/results").text
    client.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "strength",
                                          "note": "Agreed after the site visit."})
    assert "Agreed after the site visit." in client.get(f"{base}/results").text
    respondent_joins(full_round["code"], "business", "Bank", 1, 4)
    after = client.get(f"{base}/results").text
    assert after != before and "11" in after
    french = client.get(f"{base}/results?lang=fr").text
    assert "Shared bus timetable" in french and "Recommandations" in french
    by_respondent = client.get(f"{base}/results?weighting=respondent").text
    assert by_respondent != client.get(f"{base}/results").text
