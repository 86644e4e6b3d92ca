"""Joining a round by code: what a respondent is asked, and on which pages."""

from __future__ import annotations

import re


def test_a_respondent_who_joined_is_asked_their_group_once(app, make_round):
    """The group and organisation given on joining are not asked again, and the profile is the
    partnership's: a round's respondent has five pages, the first the linkages."""
    round_ = make_round()
    client = app.test_client()
    entered = client.post("/join", data={"code": round_["code"]})
    joined = client.post(entered.location, data={"group": "business", "organisation": "Chamber"})
    token = re.search(r"/r/([^/]+)/welcome", joined.location).group(1)
    assert f'href="/r/{token}/s/linkages"' in client.get(f"/r/{token}/welcome").text
    assert client.get(f"/r/{token}/s/profile").location == f"/r/{token}/s/linkages"  # an old link moves on
    assert client.get(f"/r/{token}").location == f"/r/{token}/s/linkages"
    first = client.get(f"/r/{token}/s/linkages").text
    assert "Section 1 of 5" in first and 'name="respondent.group"' not in first
    assert 'value="back"' not in first  # nothing before it
    back = client.post(f"/r/{token}/s/enablers", data={"action": "back"})
    assert back.location == f"/r/{token}/s/linkages"
    review = client.get(f"/r/{token}/review").text
    assert f"/r/{token}/s/profile" not in review
