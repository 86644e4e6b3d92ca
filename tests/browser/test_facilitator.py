"""A facilitator runs a round in the browser while respondents join by code on their phones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.flows import emailed_link
from tests.browser.pages import SECTIONS

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


def sign_up(page, base, email: str) -> None:
    """Sign up, follow the link of the confirmation email and sign in (``base`` is a live server or a
    ``Served`` URL: where the email is read)."""
    page.goto(base + "/account/signup")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(base + emailed_link(base, email, "Confirm", wait=5))
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_first_round(page, base: str, email: str, name: str, region_label: str | None = None) -> str:
    """Sign up, create a partnership, answer its profile and open its first round: the round's join code."""
    sign_up(page, base, email)
    page.get_by_label("Name of the partnership").fill(name)
    if region_label:
        page.get_by_label(region_label).check()
    page.get_by_role("button", name="Create partnership").click()
    # The profile, once for every round.
    page.get_by_role("group", name="Is there a named partnership").get_by_label("Yes", exact=True).check()
    page.get_by_label("None", exact=True).first.check()
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_text("The partnership's profile is saved.")).to_be_visible()
    page.get_by_role("button", name="Open a new round").click()
    return page.locator(".join-code [aria-hidden=true]").inner_text().strip()


def fill_unanswered(page) -> None:
    for fieldset in page.locator("fieldset.item").all():
        if fieldset.locator("input:checked").count() == 0:
            fieldset.locator("input").first.check()


def respondent_submits(browser, base: str, code: str, group_label: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name="Join with a code").click()
    page.get_by_label("Code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    page.get_by_label(group_label).check()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="Continue to the questions").click()
    # Every page but the profile: the group was given on joining, the partnership's profile is its facilitator's.
    pages = len(SECTIONS) - 1
    for number in range(1, pages + 1):
        expect(page.get_by_text(f"Section {number} of {pages}")).to_be_visible()  # the new page has loaded
        fill_unanswered(page)
        page.get_by_role("button", name="Save and continue" if number < pages else "Save and review").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    context.close()


def test_facilitator_round_with_live_progress(browser, live_server, screenshot):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    code = open_first_round(page, live_server, "facilitator@example.org", "Browser Valley",
                            "A network of small and medium-sized towns")
    assert len(code) == 6
    assert page.locator(".qr svg").count() == 1
    qr = page.locator(".qr svg").bounding_box()
    assert qr is not None and qr["width"] >= 150 and qr["height"] >= 150  # a phone across a room reads it
    screenshot(page, "dashboard-empty")

    rural, urban, business, civil = ("Rural public body (village, rural municipality)",
                                     "Urban public body (city, town, urban municipality)",
                                     "Business or business association",
                                     "Civil society (association, NGO, residents' group)")
    # ten in four groups, one of them a single person
    for group_label in [rural] * 3 + [urban] * 3 + [business] * 3 + [civil]:
        respondent_submits(browser, live_server, code, group_label)

    # The dashboard updates by itself (polling) without a reload.
    total_submitted = page.locator('tfoot [data-group="total"] [data-key="submitted"]')
    expect(total_submitted).to_have_text("10", timeout=15000)  # polling updated it; CSP forbids eval here
    assert page.locator('[data-group="business"] [data-key="submitted"]').inner_text() == "3"
    screenshot(page, "dashboard-live")

    page.get_by_role("link", name="Group results and report").click()
    expect(page.get_by_role("heading", name="Browser Valley")).to_be_visible()
    # The one civil-society respondent could be computed from business beside the rest: the two are pooled.
    expect(page.get_by_text("2 groups are not shown on their own, to protect anonymity")).to_be_visible()
    groups_table = page.get_by_role("table", name="Scores by stakeholder group")
    assert "Rural public bodies (n=3)" in groups_table.inner_text()
    assert "Other stakeholders, pooled (n=4)" in groups_table.inner_text()
    assert "Business (n=" not in groups_table.inner_text() and "Civil society (n=" not in groups_table.inner_text()
    context.close()


def test_facilitator_main_walk_without_javascript(browser, live_server):
    from database import db
    from partnerships import service
    from partnerships.models import Round
    from questionnaire.models import Answer

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_up(page, live_server, "nojs@example.org")
    page.get_by_label("Name of the partnership").fill("Quiet Valley")
    page.get_by_role("button", name="Create partnership").click()
    page.get_by_role("group", name="Is there a named partnership").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the profile").click()
    page.get_by_role("button", name="Open a new round").click()
    expect(page.get_by_text("Reload the page to see new answers.")).to_be_visible()  # no live updates
    with live_server.app.app_context():  # three respondents submit meanwhile
        round_ = db.session.execute(db.select(Round)).scalar_one()
        for group in ("rural_public", "rural_public", "urban_public"):
            respondent, _token = service.join_round(round_, group, None, "en")
            respondent.answers.extend(Answer(item_id=f"barrier.{gap}", value=3) for gap in
                                      ("funding", "policy", "capacity"))
            respondent.status, respondent.submitted_at = "submitted", __import__("database").utcnow()
        db.session.commit()
    page.reload()
    assert page.locator('tfoot [data-key="submitted"]').inner_text() == "3"
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_text("The round is closed: no new answers are accepted.")).to_be_visible()
    expect(page.get_by_text("its code, link and QR code let nobody join")).to_be_visible()
    assert page.locator(".join-code").count() == 0 and page.locator(".qr svg").count() == 0
    page.get_by_role("link", name="Group results and report").click()
    expect(page.get_by_role("heading", name="Quiet Valley")).to_be_visible()
    assert page.get_by_role("button", name="Print").is_hidden()  # needs JavaScript, so not offered
    context.close()


def test_workshop_walk_from_join_screen_to_action_plan_and_pdf(browser, live_server, screenshot, tmp_path):
    from tests.browser.pages import build_site, sign_in

    site = build_site(live_server)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, site)
    page.goto(site.url + site.partnership + "/rounds/1")
    page.get_by_role("link", name="Projector view").click()
    expect(page.get_by_role("heading", name="Join the assessment")).to_be_visible()
    screenshot(page, "projector-join-1920")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Awareness of interdependence")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^People who gave each answer to at least one of the \d+ "
                                                     r"questions \(\d+ people\)$"))).to_be_visible()
    page.reload()  # the projector lost its connection: it comes back to the same step
    expect(page.get_by_role("heading", name="Awareness of interdependence")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 720})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "projector-dimension-1280")

    page.goto(site.url + site.partnership + "/rounds/1/consensus")
    row = page.locator("#c-enabler\\.awareness")
    row.get_by_label("Concern").check()
    row.get_by_label("Note (optional)").fill("Rural councils rarely hear about the city's plans.")
    row.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_text("Consensus recorded for Awareness of interdependence.")).to_be_visible()

    page.goto(site.url + site.partnership + "/rounds/1/actions")
    page.locator("form.pick-action button").first.click()
    expect(page.get_by_text("The action is added to the plan.")).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Quarterly rural-urban council meeting")
    page.get_by_label("Owner (an organisation or a role, not a person)").fill("Partnership secretariat")
    page.get_by_label("Due date (optional)").fill("2027-06-30")
    page.get_by_role("button", name="Add to the plan").first.click()
    expect(page.get_by_role("cell", name="Partnership secretariat")).to_be_visible()

    page.goto(site.url + site.partnership + "/rounds/1/results")
    expect(page.get_by_role("heading", name="Workshop: consensus and action plan")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (A4)").click()
    path = tmp_path / "workshop.pdf"
    download.value.save_as(path)
    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(path).pages)
    assert "Quarterly rural-urban council meeting" in " ".join(text.split())
    context.close()


def test_three_phones_vote_while_the_projector_counts(browser, live_server, screenshot):
    """A vote in the room: the projector counts the votes as they arrive (its script polls a small JSON
    endpoint), shows nothing of them until closed and revealed, then the distribution beside the band."""
    from database import db
    from partnerships import service
    from partnerships.models import Round
    from tests.browser.pages import build_site, sign_in

    site = build_site(live_server)
    with live_server.app.app_context():
        round_ = db.session.execute(db.select(Round).where(Round.number == 1)).scalar_one()
        tokens = [service.join_round(round_, group, None, "en")[1]
                  for group in ("rural_public", "urban_public", "business")]
        db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    projector = context.new_page()
    sign_in(projector, site)
    projector.goto(site.url + site.partnership + "/rounds/1/projector")
    projector.get_by_role("button", name="Next").click()
    expect(projector.get_by_role("heading", name="Awareness of interdependence")).to_be_visible()
    projector.get_by_role("button", name="Open a vote: where do we stand?").click()
    count = projector.locator("[data-vote-count]")
    expect(count).to_have_text("0")

    phones = []
    for token, answer in zip(tokens, ("Concern", "Concern", "Developing"), strict=True):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(site.url + f"/r/{token}/welcome")
        phone.get_by_role("link", name="A vote is open in the room: give your view now").click()
        expect(phone.get_by_role("group", name="Where do we stand on Awareness of interdependence?")).to_be_visible()
        phone.get_by_label(answer, exact=True).check()
        phone.get_by_role("button", name="Vote").click()
        expect(phone.get_by_text("Your vote is counted.")).to_be_visible()
        phones.append(phone)
    expect(count).to_have_text("3", timeout=10000)  # updated in place by the page's polling, no reload
    assert projector.get_by_role("table", name=re.compile("How the room voted")).count() == 0
    # A phone changes its mind while the vote is open: still three votes.
    phones[2].get_by_label("Concern", exact=True).check()
    phones[2].get_by_role("button", name="Change my vote").click()
    expect(phones[2].get_by_text("Your vote is counted.")).to_be_visible()

    projector.get_by_role("button", name="Close the vote").click()
    expect(projector.get_by_text("The results are hidden until you reveal them.")).to_be_visible()
    projector.get_by_role("button", name="Reveal the results").click()
    table = projector.get_by_role("table", name="How the room voted (3 votes), beside the computed band")
    expect(table).to_be_visible()
    assert re.search(r"Concern\s*(\(computed\))?\s*3", table.inner_text())
    # Three voters from three groups: no group is shown on its own.
    assert "n=1" not in projector.locator(".projector-vote").inner_text()
    screenshot(projector, "projector-vote-1280")
    for phone in phones:
        phone.context.close()
    context.close()
