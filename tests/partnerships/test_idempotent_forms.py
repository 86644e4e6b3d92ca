"""Every form acts once: the same form page posted twice at the same moment (a double click, a resent
request), on SQLite and on PostgreSQL, gives both posts the first's result page and stores one thing."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from accounts.models import ApiToken, Facilitator
from database import db
from partnerships.models import Action, Consensus, Membership, Partnership, Round
from questionnaire.models import Respondent


def once_of(html: str, action: str | None = None) -> str:
    """The one-time value of the form posting to ``action`` (the page's first form with one if None)."""
    forms = re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S)
    for attributes, body in forms:
        if action is None or f'action="{action}"' in attributes:
            found = re.search(r'name="_once" value="([0-9a-f]{32})"', body)
            if found:
                return found.group(1)
    raise AssertionError(f"no form with a one-time value posts to {action}")


def twin(app, client):
    """A second client with the same cookies: the same browser sending the same form twice."""
    other = app.test_client()
    for cookie in client._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def post_twice_at_once(app, client, url: str, data: dict) -> list:
    clients, responses = [client, twin(app, client)], [None, None]
    start = threading.Barrier(2)

    def send(number: int) -> None:
        start.wait()
        responses[number] = clients[number].post(url, data=data)

    threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar()


def check_once(app, client, page_url: str, post_url: str, data: dict, model, action: str | None = None,
               expected: Callable | None = None) -> None:
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    before = count(app, model)
    first, second = post_twice_at_once(app, client, post_url, {**data, "_once": once_of(page.text, action)})
    assert first.status_code == second.status_code, (first.status_code, second.status_code, post_url)
    assert first.status_code in (200, 303), (first.status_code, first.text[:500])
    assert first.headers.get("Location") == second.headers.get("Location")
    assert count(app, model) == before + 1, post_url
    if expected:
        expected(first, second)


def test_starting_twice_is_one_assessment(app, client):
    check_once(app, client, "/", "/start", {}, Respondent, action="/start")


def test_joining_twice_is_one_respondent(app, full_round):
    dashboard = full_round["client"].get(full_round["base"]).text
    invite = re.search(r"/j/([A-Za-z0-9_-]+)", dashboard).group(0)
    check_once(app, app.test_client(), invite, invite, {"group": "business", "organisation": "Twin Ltd"}, Respondent)


def test_facilitator_forms_act_once(app, full_round, signed_in, respondent_joins):
    client, base = full_round["client"], full_round["base"]
    partnership = f"/facilitator/p/{full_round['partnership_id']}"
    check_once(app, client, "/facilitator/", "/facilitator/partnerships",
               {"name": "Twin Valley", "region": "Twin", "region_type": "network_small_medium_cities"}, Partnership,
               action="/facilitator/partnerships")
    check_once(app, client, partnership, f"{partnership}/rounds", {}, Round, action=f"{partnership}/rounds")
    signed_in("co@example.org")
    check_once(app, client, partnership, f"{partnership}/facilitators", {"email": "co@example.org"}, Membership,
               action=f"{partnership}/facilitators")
    check_once(app, client, f"{base}/actions", f"{base}/actions",
               {"text": "Meet twice a year", "owner": "Chair", "status": "planned"}, Action)
    check_once(app, client, f"{base}/consensus", f"{base}/consensus",
               {"dimension": "enabler.trust", "enabler.trust-agreed_band": "concern",
                "enabler.trust-dissent_group": ""}, Consensus)
    check_once(app, client, "/account/tokens", "/account/tokens", {"name": "regional dashboard"}, ApiToken,
               expected=lambda a, b: re.search(r"rupa_[A-Za-z0-9_-]{20,}", a.text).group(0)
               == re.search(r"rupa_[A-Za-z0-9_-]{20,}", b.text).group(0))


def test_signing_up_twice_is_one_account(app, client):
    check_once(app, client, "/account/signup", "/account/signup",
               {"email": "twin@example.org", "password": "a long enough passphrase",
                "confirm": "a long enough passphrase"},
               Facilitator)


def test_projector_next_twice_is_one_step(app, full_round):
    client, base = full_round["client"], full_round["base"]
    page = client.get(f"{base}/projector").text
    value = once_of(page, f"{base}/projector/next")
    post_twice_at_once(app, client, f"{base}/projector/next", {"_once": value})
    assert client.get(f"{base}/projector.json").get_json()["step"] == "enabler.awareness"


@pytest.mark.parametrize("what", ["round", "respondent"])
def test_deleting_twice_gives_the_same_page(app, full_round, what):
    client, base = full_round["client"], full_round["base"]
    if what == "round":
        url = f"{base}/delete"
    else:
        url = re.search(r'href="([^"]+/respondents/\d+/delete)"', client.get(f"{base}/respondents").text).group(1)
    page = client.get(url)
    first, second = post_twice_at_once(app, client, url, {"_once": once_of(page.text)})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]


def test_uploading_paper_answers_twice_at_once_stores_them_once(app, full_round):
    """The upload reads and checks without the write lock: its record is written with the answers."""
    import io

    from tests.partnerships.test_paper import as_csv, export_csv

    client, pid = full_round["client"], full_round["partnership_id"]
    client.post(f"/facilitator/p/{pid}/rounds")
    rows = export_csv(full_round)
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    url = f"/facilitator/p/{pid}/rounds/2/paper/upload"
    value = once_of(client.get(url).text, None)
    before = count(app, Respondent)
    clients, responses = [client, twin(app, client)], [None, None]
    start = threading.Barrier(2)

    def send(number: int) -> None:
        start.wait()
        responses[number] = clients[number].post(url, data={"_once": value, "file": (io.BytesIO(as_csv(rows)),
                                                                                       "paper.csv")},
                                                 content_type="multipart/form-data")

    threads = [threading.Thread(target=send, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [303, 303], [r.text[:300] for r in responses]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert count(app, Respondent) == before + len(rows) - 1


def same_page_twice(app, client, page_url: str, post_url: str, data: dict, action: str | None = None):
    """Both posts of one form page at once get the same answer (the first's)."""
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    first, second = post_twice_at_once(app, client, post_url, {**data, "_once": once_of(page.text, action)})
    assert first.status_code == second.status_code == 303, (post_url, first.status_code, second.status_code)
    assert first.headers["Location"] == second.headers["Location"], post_url
    return first


def test_every_other_form_gives_the_first_ones_page(app, full_round, signed_in):
    from accounts.audit import AuditEntry

    client, base = full_round["client"], full_round["base"]
    partnership = f"/facilitator/p/{full_round['partnership_id']}"
    before = count(app, Respondent)
    # a paper form typed in and saved twice is one respondent
    same_page_twice(app, client, f"{base}/paper/enter", f"{base}/paper/enter",
                    {"reference": "P-1", "group": "2", "enabler.trust.1": "4"})
    assert count(app, Respondent) == before + 1
    # the profile, publishing, an action's edit and delete
    same_page_twice(app, client, f"{partnership}/profile", f"{partnership}/profile", {
        "profile.region_type": "network_small_medium_cities", "profile.stage": "operating",
        "profile.explicit": "yes", "profile.form": "written_agreement", "profile.delegated_functions": "none"})
    audits = count(app, AuditEntry)
    same_page_twice(app, client, base, f"{base}/publish", {}, action=f"{base}/publish")
    assert count(app, AuditEntry) == audits + 1  # published once
    client.post(f"{base}/actions", data={"text": "Meet", "status": "planned"})
    action = re.search(r'href="([^"]+/actions/\d+)"', client.get(f"{base}/actions").text).group(1)
    same_page_twice(app, client, action, action, {"text": "Meet twice", "status": "in_progress"})
    same_page_twice(app, client, action, f"{action}/delete", {}, action=f"{action}/delete")
    assert count(app, Action) == 0
    # taking access away, revoking a token, changing the password
    signed_in("co@example.org")
    client.post(f"{partnership}/facilitators", data={"email": "co@example.org"})
    remove = re.search(r'action="([^"]+/facilitators/\d+/remove)"', client.get(partnership).text).group(1)
    same_page_twice(app, client, partnership, remove, {}, action=remove)
    assert count(app, Membership) == 1
    client.post("/account/tokens", data={"name": "dashboard"})
    revoke = re.search(r'action="(/account/tokens/\d+/revoke)"', client.get("/account/tokens").text).group(1)
    same_page_twice(app, client, "/account/tokens", revoke, {}, action=revoke)
    # a password change ends every other session, and the twin arrives with the session it ended: it is
    # sent to the same page, or (when the first has finished) to sign in again; the new password works
    from tests.partnerships.conftest import PASSWORD
    page = client.get("/account/password")
    replies = post_twice_at_once(app, client, "/account/password", {
        "current": PASSWORD, "password": "a brand new passphrase", "confirm": "a brand new passphrase",
        "_once": once_of(page.text)})
    assert sorted(r.status_code for r in replies) in ([302, 303], [303, 303])
    assert all(r.headers["Location"].startswith(("/facilitator/", "/account/signin")) for r in replies)
    fresh = app.test_client()
    signed = fresh.post("/account/signin", data={"email": "facilitator@example.org",
                                                 "password": "a brand new passphrase"})
    assert signed.status_code == 303
