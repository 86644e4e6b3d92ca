"""Facilitators, partnerships and respondents joining by code, through the test client."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from database import db
from partnerships import service
from partnerships.models import Round
from questionnaire import item_bank, journey
from questionnaire.forms import to_value
from tests.accounts.flows import sign_up

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_in(app) -> Callable[[str], object]:
    """A new client signed up (its address confirmed) and signed in as a facilitator with this address."""

    def make(email: str):
        return sign_up(app, app.test_client(), email, PASSWORD)

    return make


@pytest.fixture
def make_round(signed_in) -> Callable[..., dict]:
    """A partnership with its profile answered and one open round; returns its ids, code and client."""

    def make(email: str = "facilitator@example.org", name: str = "Green Valley Partnership") -> dict:
        client = signed_in(email)
        created = client.post("/facilitator/partnerships", data={
            "name": name, "region": "Valley", "region_type": "network_small_medium_cities"})
        partnership_id = int(re.search(r"/p/(\d+)/profile", created.location).group(1))
        profile = client.post(f"/facilitator/p/{partnership_id}/profile", data=MultiDict([
            ("profile.region_type", "network_small_medium_cities"), ("profile.stage", "operating"),
            ("profile.explicit", "yes"), ("profile.form", "written_agreement"),
            ("profile.delegated_functions", "none")]))
        assert profile.status_code == 303, profile.text
        opened = client.post(f"/facilitator/p/{partnership_id}/rounds")
        dashboard = client.get(opened.location)
        code = re.search(r'<p class="join-code"><span aria-hidden="true">([A-Z0-9]{6})</span>', dashboard.text).group(1)
        return {"client": client, "partnership_id": partnership_id, "number": 1, "code": code,
                "base": f"/facilitator/p/{partnership_id}/rounds/1"}

    return make


def answers_for(questionnaire, section, enabler: int, barrier: int, group: str, organisation: str | None) -> MultiDict:
    """A page of answers as the browser sends it (the profile page carries the group chosen on joining)."""
    data = []
    if section.id == "profile":
        data = [("respondent.group", group), ("respondent.organisation", organisation or "")]
    for item in section.items:
        if item.id.startswith(("profile.", "respondent.")) or item.type == "text":
            continue
        if item.scale == "agree5":
            data.append((item.id, str(enabler)))
        elif item.scale == "severity5":
            data.append((item.id, str(barrier)))
        elif item.scale == "strength5":
            data.append((item.id, "3"))
        elif item.scale is None:  # a choice of the item's own options (barrier.power_side): its first
            data.append((item.id, str(item.option_values[0])))
        else:
            data.append((item.id, "partly"))
    return MultiDict([*data, ("action", "next")])


@pytest.fixture
def respondent_joins(app, questionnaire) -> Callable[..., tuple[object, str]]:
    """A respondent joins by code in a fresh browser, answers every page and (by default) submits."""

    def join(code: str, group: str, organisation: str | None = None, enabler: int = 4, barrier: int = 1,
             submit: bool = True) -> tuple[object, str]:
        client = app.test_client()
        entered = client.post("/join", data={"code": code.lower()[:3] + " " + code.lower()[3:]})
        assert entered.status_code == 303, entered.text
        joined = client.post(entered.location, data={"group": group, "organisation": organisation or ""})
        assert joined.status_code == 303, joined.text
        token = re.search(r"/r/([^/]+)/welcome", joined.location).group(1)
        for section in questionnaire.sections:
            response = client.post(f"/r/{token}/s/{section.id}",
                                   data=answers_for(questionnaire, section, enabler, barrier, group, organisation))
            assert response.status_code == 303, response.text
        if submit:
            assert client.post(f"/r/{token}/submit").status_code == 303
        return client, token

    return join


@pytest.fixture
def respondent_stored(app, questionnaire) -> Callable[..., str]:
    """A respondent of a round made in the database (journey.save_page and submit, the code the pages
    use), with the answers ``respondent_joins`` would post: for tests that need a round full of answers,
    not the journey's requests (ten respondents by HTTP took about 90 requests). Returns the token."""

    def store(round_: dict, group: str, organisation: str | None = None, enabler: int = 4, barrier: int = 1,
              submit: bool = True) -> str:
        values: dict = {}
        for section in questionnaire.sections:
            posted = answers_for(questionnaire, section, enabler, barrier, group, organisation)
            for item in section.items:
                if item.id in posted and not item.id.startswith("respondent."):
                    values[item.id] = to_value(item, posted.getlist(item.id) if item.type == "multi"
                                               else posted[item.id])
        with app.app_context():
            stored = db.session.execute(select(Round).where(
                Round.partnership_id == round_["partnership_id"], Round.number == round_["number"])).scalar_one()
            respondent, token = service.join_round(stored, group, organisation, "en")
            db.session.commit()
            assert journey.save_page(respondent.id, values, "en", questionnaire.sections[-1].id)
            if submit:
                assert journey.submit(respondent.id)
            db.session.commit()
        return token

    return store


GROUPS = item_bank.GROUPS


@pytest.fixture
def full_round(make_round, respondent_stored):
    """Four rural (two from one village), three urban and three business respondents, all submitted: every
    group has 3 organisations, so every group is shown (tests/scoring/test_anonymity.py covers the rest)."""
    round_ = make_round()
    tokens = []
    for organisation, enabler, barrier in [("Village A", 2, 3), ("Village A", 2, 3), ("Village B", 1, 4),
                                           (None, 2, 3)]:
        tokens.append(respondent_stored(round_, "rural_public", organisation, enabler, barrier))
    for organisation in ("Town", "City", "Harbour Board"):
        tokens.append(respondent_stored(round_, "urban_public", organisation, 5, 0))
    for organisation in ("Chamber", "Farmers' Co-op", "Logistics Ltd"):
        tokens.append(respondent_stored(round_, "business", organisation, 4, 1))
    round_["tokens"] = tokens
    return round_
