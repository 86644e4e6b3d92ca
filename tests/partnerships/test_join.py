"""Joining a round by code: what a respondent is asked, and on which pages."""

from __future__ import annotations

import re

from markupsafe import escape


def test_a_respondent_who_joined_is_asked_their_group_once(app, make_round, questionnaire):
    """The group and organisation given on joining are not asked again, and the profile is the
    partnership's: a round's respondent has every page but the profile, the first the linkages."""
    round_ = make_round()
    client = app.test_client()
    entered = client.post("/join", data={"code": round_["code"]})
    joined = client.post(entered.location, data={"group": "business", "organisation": "Chamber"})
    token = re.search(r"/r/([^/]+)/welcome", joined.location).group(1)
    assert f'href="/r/{token}/s/linkages"' in client.get(f"/r/{token}/welcome").text
    assert client.get(f"/r/{token}/s/profile").location == f"/r/{token}/s/linkages"  # an old link moves on
    assert client.get(f"/r/{token}").location == f"/r/{token}/s/linkages"
    first = client.get(f"/r/{token}/s/linkages").text
    assert f"Section 1 of {len(questionnaire.sections) - 1}" in first and 'name="respondent.group"' not in first
    assert 'value="back"' not in first  # nothing before it
    back = client.post(f"/r/{token}/s/enablers", data={"action": "back"})
    assert back.location == f"/r/{token}/s/linkages"
    review = client.get(f"/r/{token}/review").text
    assert f"/r/{token}/s/profile" not in review


def test_the_join_page_says_how_to_choose_a_group(app, make_round, questionnaire):
    """Questionnaire 2026.2's guidance for mixed communes, partnership staff and farmers' organisations is
    given where a round's respondent chooses the group: on the join page, in both languages."""
    round_ = make_round()
    client = app.test_client()
    form = client.post("/join", data={"code": round_["code"]}).location
    help_text = questionnaire.items["respondent.group"].help
    english, french = client.get(form).text, client.get(f"{form}?lang=fr").text
    assert 'aria-describedby="group-hint"' in english and 'id="group-hint"' in english
    assert str(escape(help_text["en"])) in english and str(escape(help_text["fr"])) in french
    assert "Farmers' organisations" in help_text["en"]
