"""Every page of the product in a realistic state, including error states, for the quality gates.

``build_site`` fills the live server's database (the demo data plus a closed round, a round without
results and a respondent in progress); ``STATES`` are named steps that bring a browser page to one
state. Steps use selectors, not wording, so they work in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accounts import links as account_links
from accounts.models import Facilitator
from database import db, utcnow
from partnerships import service, votes
from partnerships.models import Partnership, Round
from questionnaire import journey
from questionnaire.content import load_all


@dataclass
class Site:
    url: str
    individual_done: str  # a submitted individual respondent's resume path
    group_member: str  # a respondent of the published demo round
    in_progress: str  # a fresh respondent's token (of a round: the profile is not theirs to answer)
    alone: str  # a fresh self-assessment's token (it answers the profile too)
    facilitator: tuple[str, str]
    partnership: str  # the demo partnership's facilitator path
    closed_invite: str
    open_invite: str
    empty_round: str
    password_reset: str  # the path of a password reset link for the facilitator


def build_site(live_server) -> Site:
    app = live_server.app
    output = app.test_cli_runner().invoke(args=["demo", "load"]).output
    links = re.findall(r"http://127\.0\.0\.1:\d+(/r/\S+)", output)
    email, password = re.search(r"as (\S+) with password (\S+)", output).groups()
    with app.app_context():
        partnership = db.session.execute(db.select(Partnership)).scalar_one()
        closed = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
        service.set_open(closed, False)
        empty = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
        demo_round = db.session.execute(db.select(Round).where(Round.number == 1)).scalar_one()
        member, member_token = service.join_round(demo_round, "business", None, "en")
        member.status, member.submitted_at = "submitted", utcnow()
        _fresh, fresh_token = service.join_round(empty, "rural_public", None, "en")
        votes.open_on(empty, "enabler.trust")  # the fresh respondent's pages show the room's open vote
        _alone, alone_token = journey.start_assessment(
            app.extensions["rupa.questionnaires"][app.config["QUESTIONNAIRE_VERSION"]], "en")
        db.session.commit()
        facilitator = db.session.execute(db.select(Facilitator)).scalar_one()
        reset = f"/account/password/reset/{account_links.link_token(facilitator, 'reset')}"
        site = Site(url=str(live_server), individual_done=links[0], group_member=f"/r/{member_token}",
                    in_progress=fresh_token, alone=alone_token, facilitator=(email, password),
                    partnership=f"/facilitator/p/{partnership.id}", closed_invite=f"/j/{closed.invite_token}",
                    open_invite=f"/j/{empty.invite_token}",
                    empty_round=f"/facilitator/p/{partnership.id}/rounds/{empty.number}", password_reset=reset)
    return site


def submit_first_form(page) -> None:
    page.locator("main form button[type=submit]").first.click()


def sign_in(page, site: Site) -> None:
    page.goto(site.url + "/account/signin")
    page.locator("#email").fill(site.facilitator[0])
    page.locator("#password").fill(site.facilitator[1])
    submit_first_form(page)


def _goto(path: str):
    return lambda page, site: page.goto(site.url + path(site) if callable(path) else site.url + path)


def _post_empty(path):
    def step(page, site):
        _goto(path)(page, site)
        submit_first_form(page)
    return step


def _password_link_asked(page, site):
    page.goto(site.url + "/account/password/forgot")
    page.locator("#email").fill(site.facilitator[0])
    submit_first_form(page)


def _join_code_error(page, site):
    page.goto(site.url + "/join")
    page.locator("#code").fill("ZZZZZZ")
    submit_first_form(page)


def _submit_incomplete(page, site):
    page.goto(f"{site.url}/r/{site.in_progress}/review")
    page.locator("main form.submit-form button").click()


def _section_checked(page, site):
    page.goto(f"{site.url}/r/{site.in_progress}/s/linkages?check=1")


def _profile_error(page, site):
    page.goto(site.url + site.partnership + "/profile")
    page.locator('input[name="profile.delegated_functions"]').nth(0).check()
    page.locator('input[name="profile.delegated_functions"]').nth(2).check()
    submit_first_form(page)


def _create_error(page, site):
    page.goto(site.url + "/facilitator/")
    page.locator("main form button[type=submit]").last.click()


def _projector_dimension(page, site):
    page.goto(site.url + site.partnership + "/rounds/1/projector")
    if page.locator(".projector-join").count():
        page.locator(".projector-nav form").last.locator("button").click()


def _projector_vote(page, site):
    _projector_dimension(page, site)
    page.locator(".projector-vote form button").first.click()  # open the vote


def _projector_comments(page, site):
    page.goto(site.url + site.partnership + "/rounds/1/projector")
    for _step in range(60):  # the comments step comes after every dimension
        if page.locator("body").get_attribute("data-step") == "comments":
            break
        page.locator(".projector-nav form").last.locator("button").click()


def _comments_reviewed(page, site):
    page.goto(site.url + site.partnership + "/rounds/1/comments")
    if page.locator(".comment button[value=approve]").count():
        page.locator(".comment button[value=approve]").first.click()


def _invitations_error(page, site):
    page.goto(site.url + site.empty_round)
    page.locator("#addresses").fill("not an address")
    page.locator("#addresses").locator("xpath=ancestor::form").locator("button[type=submit]").click()


def _consensus_error(page, site):
    page.goto(site.url + site.partnership + "/rounds/1/consensus")
    page.locator(".consensus-row").first.locator("button[type=submit]").click()


def _actions_error(page, site):
    page.goto(site.url + site.partnership + "/rounds/1/actions")
    page.locator("main form button[type=submit]").first.click()


def _token_created(page, site):
    page.goto(site.url + "/account/tokens")
    page.locator("#name").fill("Regional dashboard")
    page.locator("main form button[type=submit]").last.click()


def _token_error(page, site):
    page.goto(site.url + "/account/tokens")
    page.locator("main form button[type=submit]").last.click()


def _paper_entry_error(page, site):
    page.goto(site.url + site.empty_round + "/paper/enter")
    page.locator("#group").fill("8")
    page.locator('[name="enabler.trust.1"]').fill("7")
    submit_first_form(page)


def _paper_upload_faults(page, site):
    page.goto(site.url + site.empty_round + "/paper/upload")
    page.locator("#file").set_input_files(files=[{
        "name": "paper.csv", "mimeType": "text/csv",
        "buffer": b"respondent,group,enabler.trust.1,enabler.telepathy.1\nP-1,aliens,7,3\nP-1,rural_public,4,\n"}])
    submit_first_form(page)


# Every page of the current questionnaire (2026.2: the enablers on three pages).
SECTIONS = tuple(section.id for section in load_all()[max(load_all())].sections)

# (name, needs a signed-in facilitator, step, is a respondent page)
STATES = [
    ("home", False, _goto("/"), True),
    ("about", False, _goto("/about"), True),
    ("glossary", False, _goto("/glossary"), True),
    ("join-code", False, _goto("/join"), True),
    ("join-code-error", False, _join_code_error, True),
    ("join", False, _goto(lambda s: s.open_invite), True),
    ("join-error", False, _post_empty(lambda s: s.open_invite), True),
    ("round-closed", False, _goto(lambda s: s.closed_invite), True),
    ("not-found", False, _goto("/no/such/page"), True),
    ("section-profile", False, _goto(lambda s: f"/r/{s.alone}/s/profile"), True),
    *[(f"section-{section}", False, _goto(lambda s, section=section: f"/r/{s.in_progress}/s/{section}"), True)
      for section in SECTIONS if section != "profile"],
    ("section-with-errors", False, _section_checked, True),
    ("welcome", False, _goto(lambda s: f"/r/{s.in_progress}/welcome"), True),
    ("saved", False, _goto(lambda s: f"/r/{s.in_progress}/saved"), True),
    ("review-with-errors", False, _submit_incomplete, True),
    ("results", False, _goto(lambda s: s.individual_done), True),
    ("report", False, _goto(lambda s: s.individual_done + "/report"), True),
    ("group-results-published", False, _goto(lambda s: s.group_member + "/group"), True),
    ("vote-open", False, _goto(lambda s: f"/r/{s.in_progress}/vote"), True),
    ("vote-error", False, _post_empty(lambda s: f"/r/{s.in_progress}/vote"), True),
    ("vote-none", False, _goto(lambda s: s.group_member + "/vote"), True),
    ("signin", False, _goto("/account/signin"), False),
    ("signin-error", False, _post_empty("/account/signin"), False),
    ("signup", False, _goto("/account/signup"), False),
    ("signup-error", False, _post_empty("/account/signup"), False),
    ("forgot-password", False, _goto("/account/password/forgot"), False),
    ("forgot-password-error", False, _post_empty("/account/password/forgot"), False),
    ("check-email", False, _password_link_asked, False),
    ("reset-password", False, _goto(lambda s: s.password_reset), False),
    ("reset-password-error", False, _post_empty(lambda s: s.password_reset), False),
    ("link-expired", False, _goto("/account/password/reset/WzEsMV0.aw-QUg.no-longer-valid"), False),
    ("partnerships", True, _goto("/facilitator/"), False),
    ("partnerships-create-error", True, _create_error, False),
    ("partnership", True, _goto(lambda s: s.partnership), False),
    ("profile", True, _goto(lambda s: s.partnership + "/profile"), False),
    ("profile-error", True, _profile_error, False),
    ("dashboard", True, _goto(lambda s: s.partnership + "/rounds/1"), False),
    ("group-report", True, _goto(lambda s: s.partnership + "/rounds/1/results"), False),
    ("no-results", True, _goto(lambda s: s.empty_round + "/results"), False),
    ("password", True, _goto("/account/password"), False),
    ("projector-join", True, _goto(lambda s: s.partnership + "/rounds/1/projector"), False),
    ("projector-dimension", True, _projector_dimension, False),
    ("projector-vote", True, _projector_vote, False),
    ("projector-comments", True, _projector_comments, False),
    ("comments", True, _comments_reviewed, False),
    ("rename", True, _goto(lambda s: s.partnership + "/name"), False),
    ("rename-error", True, _post_empty(lambda s: s.partnership + "/name"), False),
    ("dashboard-open-round", True, _goto(lambda s: s.empty_round), False),
    ("dashboard-invitations-error", True, _invitations_error, False),
    ("projector-waiting", True, _goto(lambda s: s.empty_round + "/projector"), False),
    ("consensus", True, _goto(lambda s: s.partnership + "/rounds/1/consensus"), False),
    ("consensus-error", True, _consensus_error, False),
    ("actions", True, _goto(lambda s: s.partnership + "/rounds/1/actions"), False),
    ("actions-error", True, _actions_error, False),
    ("password-error", True, _post_empty("/account/password"), False),
    ("activity", True, _goto(lambda s: s.partnership + "/activity"), False),
    ("delete-account", True, _goto("/account/delete"), False),
    ("delete-account-error", True, _post_empty("/account/delete"), False),
    ("api-tokens-error", True, _token_error, False),
    ("api-token-created", True, _token_created, False),
    ("api-tokens", True, _goto("/account/tokens"), False),
    ("paper-entry", True, _goto(lambda s: s.empty_round + "/paper/enter"), False),
    ("paper-entry-error", True, _paper_entry_error, False),
    ("paper-upload", True, _goto(lambda s: s.empty_round + "/paper/upload"), False),
    ("paper-upload-faults", True, _paper_upload_faults, False),
]
