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


def test_a_change_to_the_previous_round_or_an_action_is_shown_at_once(app, full_round, respondent_joins):
    """The change since the previous round is kept with the report's body: erasing or changing the previous
    round's answers, or editing an action, draws it anew."""
    import re

    from sqlalchemy import select, update

    from database import db, utcnow
    from partnerships.models import Round
    from questionnaire.models import Answer, Respondent

    client, partnership_id = full_round["client"], full_round["partnership_id"]
    client.post(f"/facilitator/p/{partnership_id}/rounds")
    second = f"/facilitator/p/{partnership_id}/rounds/2"
    code = re.search(r'<p class="join-code"><span aria-hidden="true">([A-Z0-9]{6})</span>',
                     client.get(second).text).group(1)
    for group in ("rural_public", "urban_public", "business"):
        respondent_joins(code, group, None, 4, 1)
    client.post(f"{second}/actions", data={"text": "Shared bus timetable", "owner": "Chair", "status": "planned"})

    def trust_row() -> str:
        page = client.get(f"{second}/results").text
        return re.search(r"Trust and dialogue</th>(.*?)</tr>", page.split('id="change"')[1]).group(1)

    before = trust_row()
    with app.app_context():
        first_round = db.session.execute(select(Round).where(Round.partnership_id == partnership_id,
                                                             Round.number == 1)).scalar_one()
        ids = select(Respondent.id).where(Respondent.assessment_id == first_round.assessment_id)
        db.session.execute(update(Answer).where(Answer.respondent_id.in_(ids), Answer.item_id.like("enabler.trust%"))
                           .values(value=5, updated_at=utcnow()))
        db.session.commit()
    assert trust_row() != before

    plan = client.get(f"{second}/actions").text
    edit_url = re.findall(r'href="([^"]+/actions/\d+)"', plan)[-1]
    client.post(edit_url, data={"text": "Shared bus timetable, phase 2", "owner": "Chair", "status": "done"})
    assert "Shared bus timetable, phase 2" in client.get(f"{second}/results").text
