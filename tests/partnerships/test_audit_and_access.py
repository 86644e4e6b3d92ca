"""Who did what (the audit log shown to the owner), taking a co-facilitator's access away, deleting one's
own account, and the action plan carried into the next round."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from accounts.audit import AuditEntry
from accounts.models import Facilitator
from database import db, utcnow
from partnerships.models import Membership, Partnership
from tests.partnerships.conftest import PASSWORD
from tests.partnerships.test_api import bearer, create_token


def activity(client, partnership_id: int) -> str:
    page = client.get(f"/facilitator/p/{partnership_id}/activity")
    assert page.status_code == 200
    return re.sub(r"\s+", " ", page.text)


def test_disclosing_and_destroying_actions_are_logged_for_the_owner(app, full_round, signed_in):
    client, base, pid = full_round["client"], full_round["base"], full_round["partnership_id"]
    co = signed_in("co@example.org")
    client.post(f"/facilitator/p/{pid}/facilitators", data={"email": "co@example.org"})
    co.get(f"{base}/export.csv")
    client.get(f"{base}/export.xlsx")
    client.get(f"/facilitator/p/{pid}/export.json")
    client.post(f"{base}/publish")
    token = create_token(client)
    client.get(f"/api/v1/partnerships/{pid}/rounds/1/export.json", headers=bearer(token))
    respondents = client.get(f"{base}/respondents").text
    client.post(re.search(r'href="([^"]+/respondents/\d+/delete)"', respondents).group(1))
    membership = re.search(r'/facilitators/(\d+)/remove', client.get(f"/facilitator/p/{pid}").text).group(1)
    client.post(f"/facilitator/p/{pid}/facilitators/{membership}/remove")

    log = activity(client, pid)
    for line in ["facilitator@example.org</td><td>Gave co@example.org access as co-facilitator",
                 "co@example.org</td><td>Exported round 1 as CSV",
                 "Exported round 1 as XLSX", "Exported all the partnership&#39;s data",
                 "Published the results of round 1 to its respondents", "Exported round 1 as JSON (API)",
                 "Deleted a respondent of round 1 and their answers", "Removed co@example.org as co-facilitator"]:
        assert line in log, line
    assert log.index("Removed co@example.org") < log.index("Gave co@example.org")  # newest first
    # the token's creation is the facilitator's own, on their tokens page
    assert "Created the API token" in client.get("/account/tokens").text
    # only the owner sees the log
    client.post(f"/facilitator/p/{pid}/facilitators", data={"email": "co@example.org"})
    assert co.get(f"/facilitator/p/{pid}/activity").status_code == 403
    # in French too
    french = client.get(f"/facilitator/p/{pid}/activity?lang=fr").text
    assert "Exported" not in french and "co-facilitator" not in french.split("<main")[1]


def test_the_purge_removes_old_log_entries(app, full_round):
    client, base = full_round["client"], full_round["base"]
    client.get(f"{base}/export.csv")
    with app.app_context():
        db.session.execute(db.update(AuditEntry).values(at=utcnow() - timedelta(days=400)))
        db.session.commit()
    app.test_cli_runner().invoke(args=["purge"])
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(AuditEntry)).scalar() == 0


def test_a_removed_co_facilitator_loses_access_at_once(app, full_round, signed_in):
    client, base, pid = full_round["client"], full_round["base"], full_round["partnership_id"]
    co = signed_in("co@example.org")
    client.post(f"/facilitator/p/{pid}/facilitators", data={"email": "co@example.org"})
    assert co.get(f"{base}/consensus").status_code == 200  # the old tab
    membership = re.search(r'/facilitators/(\d+)/remove', client.get(f"/facilitator/p/{pid}").text).group(1)
    # a co-facilitator cannot remove anyone; the owner can
    assert co.post(f"/facilitator/p/{pid}/facilitators/{membership}/remove").status_code == 403
    removed = client.post(f"/facilitator/p/{pid}/facilitators/{membership}/remove")
    assert removed.status_code == 303
    assert "co@example.org can no longer facilitate this partnership." in client.get(removed.location).text
    stale = co.post(f"{base}/consensus", data={"dimension": "enabler.trust", "agreed_band": "concern"})
    assert stale.status_code == 404
    assert co.get(f"{base}/export.csv").status_code == 404
    # the owner has no remove button, and posting for the owner's membership is refused
    page = client.get(f"/facilitator/p/{pid}").text
    assert "/remove" not in page
    with app.app_context():
        own = db.session.execute(select(Membership.id).where(Membership.partnership_id == pid,
                                                             Membership.role == "owner")).scalar()
    assert client.post(f"/facilitator/p/{pid}/facilitators/{own}/remove").status_code == 404


def test_deleting_ones_account_hands_over_or_deletes_partnerships(app, make_round, signed_in):
    owner = make_round()
    client = owner["client"]
    lonely = client.post("/facilitator/partnerships", data={"name": "Lonely Valley", "region": "",
                                                            "region_type": "network_small_medium_cities"})
    lonely_id = int(re.search(r"/p/(\d+)/", lonely.location).group(1))
    signed_in("heir@example.org")
    client.post(f"/facilitator/p/{owner['partnership_id']}/facilitators", data={"email": "heir@example.org"})
    page = client.get("/account/delete").text
    assert "Green Valley Partnership → heir@example.org" in page and "Lonely Valley" in page
    wrong = client.post("/account/delete", data={"password": "not my password at all"})
    assert wrong.status_code == 400 and "Nothing was deleted." in wrong.text
    done = client.post("/account/delete", data={"password": PASSWORD})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.execute(select(Facilitator).where(Facilitator.email == "facilitator@example.org")
                                  ).scalar_one_or_none() is None
        assert db.session.get(Partnership, lonely_id) is None
        heir = db.session.execute(select(Membership).join(Facilitator).where(
            Facilitator.email == "heir@example.org")).scalar_one()
        assert heir.role == "owner" and heir.partnership_id == owner["partnership_id"]
    assert client.get("/facilitator/").status_code in (302, 303)  # signed out
    heir_client = app.test_client()
    heir_client.post("/account/signin", data={"email": "heir@example.org", "password": PASSWORD})
    assert "facilitator@example.org deleted their account and handed the partnership over to heir@example.org" \
        in activity(heir_client, owner["partnership_id"])


def test_the_action_plan_is_carried_into_the_next_round(full_round):
    client, base, pid = full_round["client"], full_round["base"], full_round["partnership_id"]
    for text, status in [("Shared bus study", "in_progress"), ("Joint tourism office", "done"),
                         ("Abandoned idea", "dropped")]:
        client.post(f"{base}/actions", data={"text": text, "owner": "Chair", "status": status})
    client.post(f"/facilitator/p/{pid}/rounds")
    plan = client.get(f"/facilitator/p/{pid}/rounds/2/actions").text
    assert "Shared bus study" in plan and "Joint tourism office" in plan and "Abandoned idea" not in plan
    assert plan.count("From the plan of round 1: review its status") == 2
    assert "In progress" in plan and "Done" in plan
