"""Random and hostile values posted to every form: never a 500, never a value outside its scale."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from database import db
from questionnaire.models import Answer
from tests.accounts.flows import sign_up

HOSTILE = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=20),
    st.sampled_from(["' OR 1=1 --", "<script>alert(1)</script>", "\x00", "9" * 400, "-1", "1.5", "dont_know ",
                     "None", "null", "[]", "{\"a\": 1}", "../../etc/passwd", "file:///etc/passwd", "é" * 5000]),
)


@pytest.fixture(scope="module")
def world(request):
    """One app for all examples (hypothesis calls the test many times)."""
    import tempfile

    from app import create_app
    from tests.conftest import POSTGRES_URL

    folder = tempfile.mkdtemp()
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "SIGNIN_RATE_LIMIT": "10000 per minute", "SIGNUP_RATE_LIMIT": "10000 per minute",
                      "JOIN_RATE_LIMIT": "10000 per minute", "RESUME_LOOKUP_RATE_LIMIT": "10000 per minute",
                      "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{folder}/fuzz.sqlite"})
    with app.app_context():
        db.drop_all()
        db.create_all()
    client = app.test_client()
    token = re.search(r"/r/([^/]+)/", client.post("/start").location).group(1)
    sign_up(app, client, "f@example.org", "p" * 12)
    created = client.post("/facilitator/partnerships", data={"name": "Fuzz"})
    partnership = re.search(r"/p/(\d+)/", created.location).group(1)
    client.post(f"/facilitator/p/{partnership}/rounds")
    invite = re.search(r"/j/([A-Za-z0-9_-]+)", client.get(f"/facilitator/p/{partnership}/rounds/1").text).group(1)
    yield {"app": app, "client": client, "token": token, "partnership": partnership, "invite": invite}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def forms(world) -> list[tuple[str, list[str]]]:
    t, p = world["token"], f"/facilitator/p/{world['partnership']}"
    sections = {
        "profile": ["respondent.group", "respondent.organisation", "profile.stage", "profile.delegated_functions"],
        "enablers": ["enabler.trust.1", "enabler.trust.2"], "barriers": ["barrier.funding"],
        "linkages": ["linkage.governance.managed"], "open": ["open.priorities"],
    }
    return [
        *[(f"/r/{t}/s/{section}", fields + ["action"]) for section, fields in sections.items()],
        ("/join", ["code"]), (f"/j/{world['invite']}", ["group", "organisation"]),
        ("/account/signin", ["email", "password"]), ("/account/signup", ["email", "password", "confirm"]),
        ("/facilitator/partnerships", ["name", "region", "region_type"]),
        (f"{p}/profile", ["profile.explicit", "profile.funding"]), (f"{p}/facilitators", ["email"]),
        (f"{p}/rounds/1/consensus", ["dimension", "agreed_band", "note", "dissent_group"]),
        (f"{p}/rounds/1/actions", ["text", "owner", "due_on", "status", "recommendation_id"]),
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_values_never_break_a_form(world, data):
    client = world["client"]
    for path, fields in forms(world):
        values = {field: data.draw(HOSTILE) for field in fields}
        response = client.post(path, data=values)
        assert response.status_code < 500, (path, values, response.status_code)
    with world["app"].app_context():
        questionnaire = world["app"].extensions["rupa.questionnaires"]["2026.1"]
        for item_id, value in db.session.execute(select(Answer.item_id, Answer.value)):
            assert questionnaire.items[item_id].value_fault(value) is None, (item_id, value)
