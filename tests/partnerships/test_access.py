"""A facilitator sees and changes only the partnerships they own or co-facilitate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from database import db
from partnerships.models import Membership, Round


def every_url(round_: dict) -> list[tuple[str, str]]:
    p, base = f"/facilitator/p/{round_['partnership_id']}", round_["base"]
    return [
        ("GET", p), ("GET", f"{p}/profile"), ("POST", f"{p}/profile"), ("POST", f"{p}/facilitators"),
        ("POST", f"{p}/rounds"), ("GET", base), ("GET", f"{base}/progress.json"), ("POST", f"{base}/close"),
        ("POST", f"{base}/reopen"), ("POST", f"{base}/publish"), ("POST", f"{base}/unpublish"),
        ("GET", f"{base}/results"), ("GET", f"{base}/results?weighting=respondent"), ("GET", f"{base}/report.pdf"),
        ("GET", f"{base}/export.json"), ("GET", f"{base}/export.csv"), ("GET", f"{base}/export.xlsx"),
        ("GET", f"{p}/rounds/2"),
    ]


def test_another_facilitator_gets_404_on_every_url(app, make_round, signed_in):
    round_ = make_round("owner@example.org")
    intruder = signed_in("intruder@example.org")
    for method, url in every_url(round_):
        response = intruder.open(url, method=method, data={"email": "intruder@example.org"})
        assert response.status_code == 404, (method, url, response.status_code)
    assert "Green Valley" not in intruder.get("/facilitator/").text
    with app.app_context():  # nothing changed: still one round, open, one member
        assert db.session.execute(select(func.count()).select_from(Round)).scalar() == 1
        assert db.session.execute(select(Round.is_published)).scalar() is False
        assert db.session.execute(select(func.count()).select_from(Membership)).scalar() == 1


def test_signed_out_visitors_are_sent_to_sign_in(make_round, app):
    round_ = make_round()
    anonymous = app.test_client()
    for method, url in every_url(round_):
        response = anonymous.open(url, method=method)
        assert response.status_code == 302 and "/account/signin" in response.location, (method, url)


def test_co_facilitator_gets_access_but_cannot_add_facilitators(make_round, signed_in):
    round_ = make_round("owner@example.org")
    helper = signed_in("helper@example.org")
    p = f"/facilitator/p/{round_['partnership_id']}"
    assert helper.get(p).status_code == 404
    unknown = round_["client"].post(f"{p}/facilitators", data={"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "No account uses this email address" in unknown.text
    assert round_["client"].post(f"{p}/facilitators", data={"email": "Helper@Example.org"}).status_code == 303
    assert helper.get(p).status_code == 200
    assert helper.get(f"{round_['base']}/progress.json").status_code == 200
    assert helper.post(f"{p}/facilitators", data={"email": "owner@example.org"}).status_code == 403


@pytest.mark.parametrize("url", ["/facilitator/p/999", "/facilitator/p/999/rounds/1", "/facilitator/p/abc"])
def test_unknown_ids_are_404(signed_in, url):
    assert signed_in("someone@example.org").get(url).status_code == 404
