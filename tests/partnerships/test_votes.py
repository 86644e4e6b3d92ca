"""Live votes in the room: the facilitator opens a vote on a projector step, participants vote from their
private link (one ballot each, changeable until the vote closes), the projector counts and then, once
revealed, shows the distribution; the anonymity rule holds; the consensus and the report keep the vote."""

from __future__ import annotations

import html
import re

import pytest

DIMENSION = "enabler.trust"


def _to_step(client, base, step):
    while client.get(f"{base}/projector.json").get_json()["step"] != step:
        assert client.post(f"{base}/projector/next").status_code == 303


def _vote_section(page: str) -> str:
    return page[page.index('<section class="projector-vote"'):page.index("</section>", page.index("projector-vote"))]


def _vote(app, token, band, expect=303):
    client = app.test_client()
    page = client.get(f"/r/{token}/vote")
    assert page.status_code == 200
    vote_id = re.search(r'name="vote" value="(\d+)"', page.text).group(1)
    sent = client.post(f"/r/{token}/vote", data={"vote": vote_id, "band": band})
    assert sent.status_code == expect
    return client


@pytest.fixture
def voting_round(full_round):
    client, base = full_round["client"], full_round["base"]
    _to_step(client, base, DIMENSION)
    assert client.post(f"{base}/votes/{DIMENSION}/open").status_code == 303
    return full_round


def test_participants_vote_once_each_and_the_projector_counts(app, voting_round):
    client, base, tokens = voting_round["client"], voting_round["base"], voting_round["tokens"]
    banner = app.test_client().get(f"/r/{tokens[0]}/done")
    assert "A vote is open in the room" in banner.text and f"/r/{tokens[0]}/vote" in banner.text
    ballot = app.test_client().get(f"/r/{tokens[0]}/vote").text
    assert "Where do we stand on Trust and dialogue?" in ballot
    for token in tokens[:4]:
        _vote(app, token, "concern")
    again = _vote(app, tokens[0], "developing")  # a changed vote replaces the first one
    assert "Your vote:" in again.get(f"/r/{tokens[0]}/vote").text
    state = client.get(f"{base}/projector.json").get_json()
    assert state["votes"] == 4 and state["vote"] == "open-0"
    projector = client.get(f"{base}/projector").text
    assert "data-vote-count>4<" in projector and "the vote is open" in projector
    assert "How the room voted" not in projector  # nothing shown before it closes

    late = app.test_client()  # a phone that opened the vote before it closed
    vote_id = re.search(r'name="vote" value="(\d+)"', late.get(f"/r/{tokens[5]}/vote").text).group(1)
    assert client.post(f"{base}/votes/{DIMENSION}/close").status_code == 303
    hidden = client.get(f"{base}/projector").text
    assert "The results are hidden until you reveal them." in hidden and "How the room voted" not in hidden
    refused = late.post(f"/r/{tokens[5]}/vote", data={"vote": vote_id, "band": "strength"})
    assert refused.status_code == 303 and "That vote has closed" in late.get(refused.location).text
    assert "No vote is open right now" in late.get(f"/r/{tokens[5]}/vote").text
    assert client.get(f"{base}/projector.json").get_json()["votes"] == 4

    assert client.post(f"{base}/votes/{DIMENSION}/reveal").status_code == 303
    shown = _vote_section(client.get(f"{base}/projector").text)
    assert "How the room voted (4 votes)" in shown
    counts = dict(re.findall(r'<span class="band band-(\w+)">[^<]+</span>(?: \(computed\))?</th>'
                             r'<td class="number">(\d+)</td>', shown))
    assert counts == {"strength": "0", "developing": "1", "concern": "3"}
    # Four rural respondents voted: a group of four is shown, nobody else voted, so nothing is pooled.
    assert "Rural public bodies (n=4)" in shown


def test_a_group_under_three_is_never_broken_out(app, voting_round):
    client, base, tokens = voting_round["client"], voting_round["base"], voting_round["tokens"]
    for token in tokens[:4]:      # rural
        _vote(app, token, "concern")
    for token in tokens[4:6]:     # two urban
        _vote(app, token, "strength")
    client.post(f"{base}/votes/{DIMENSION}/close")
    client.post(f"{base}/votes/{DIMENSION}/reveal")
    shown = _vote_section(client.get(f"{base}/projector").text)
    assert "How the room voted (6 votes)" in shown
    # Two urban voters alone would be exposed, and rural (4) shown beside the total would give them away
    # by subtraction: the units are those of the scores' anonymity rule (here: nothing by group).
    assert "Urban public bodies (n=2)" not in shown and "Rural public bodies (n=4)" not in shown


def test_fewer_than_three_votes_show_only_the_count(app, voting_round):
    client, base, tokens = voting_round["client"], voting_round["base"], voting_round["tokens"]
    _vote(app, tokens[0], "concern")
    _vote(app, tokens[1], "strength")
    client.post(f"{base}/votes/{DIMENSION}/close")
    client.post(f"{base}/votes/{DIMENSION}/reveal")
    shown = client.get(f"{base}/projector").text
    assert "Fewer than 3 people voted" in shown and "How the room voted" not in shown


def test_the_consensus_starts_from_the_vote_and_the_report_keeps_it(app, voting_round):
    client, base, tokens = voting_round["client"], voting_round["base"], voting_round["tokens"]
    for token, band in zip(tokens[:5], ["concern", "concern", "concern", "developing", "strength"], strict=True):
        _vote(app, token, band)
    client.post(f"{base}/votes/{DIMENSION}/close")
    page = client.get(f"{base}/consensus").text
    assert "The room's vote: Strength 1; Developing 1; Concern 3" in html.unescape(page)
    assert re.search(rf'name="{DIMENSION}-agreed_band" value="concern"[^>]* checked', page)
    report = html.unescape(client.get(f"{base}/results").text)
    assert "The room's vote (5 votes): Strength 1; Developing 1; Concern 3" in report


def test_a_vote_needs_a_respondent_of_a_round(app, voting_round):
    client = app.test_client()
    assert client.get("/r/not-a-token/vote").status_code == 404
    started = client.post("/start", data={"partnership": ""})
    token = started.location.rstrip("/").split("/r/")[1].split("/")[0]
    assert client.get(f"/r/{token}/vote").status_code == 404  # a self-assessment has no room
    bad = _vote(app, voting_round["tokens"][0], "perfect", expect=400)
    assert bad is not None
    other_base = voting_round["base"].replace("/rounds/1", "/rounds/9")
    assert voting_round["client"].post(f"{other_base}/votes/{DIMENSION}/open").status_code == 404
    assert voting_round["client"].post(f"{voting_round['base']}/votes/enabler.joy/open").status_code == 404


def test_french_vote_page(app, voting_round):
    client = app.test_client()
    page = client.get(f"/r/{voting_round['tokens'][0]}/vote?lang=fr").text
    assert "Où en sommes-nous" in page and "Confiance et dialogue" in page
