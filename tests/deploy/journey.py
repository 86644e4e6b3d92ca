"""Every kind of form of the app, posted from a real Chromium over HTTPS with CSRF protection on: start,
save a page, submit, sign up, sign out and in, join by code, record a consensus, upload paper answers, and
a PDF download. Each step checks the page that follows, so a refused form ("This form has expired") fails."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.pages import SECTIONS
from tests.browser.test_facilitator import PASSWORD, fill_unanswered, open_first_round

EXPIRED = "This form has expired"


def new_page(browser, **options):
    context = browser.new_context(ignore_https_errors=True, **options)  # the test's own certificate
    return context, context.new_page()


def answer_every_page(page, pages: int = len(SECTIONS)) -> None:
    """Every page in turn, then submit: every page of the current questionnaire for a self-assessment, all
    but the profile for a round's respondent (who gave their group on joining and is not asked the
    partnership's profile)."""
    for number in range(1, pages + 1):
        expect(page.get_by_text(f"Section {number} of {pages}")).to_be_visible()
        fill_unanswered(page)
        page.get_by_role("button", name="Save and continue" if number < pages else "Save and review").click()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()


def individual_self_assessment(browser, base: str) -> None:
    """Start, save a page and finish later, come back, answer the rest and submit."""
    context, page = new_page(browser)
    page.goto(base + "/")
    page.get_by_role("button", name="Start a self-assessment").click()
    page.get_by_role("link", name="Continue to the questions").click()
    fill_unanswered(page)
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_text(EXPIRED)).to_have_count(0)
    page.get_by_role("link", name="Carry on now").click()
    answer_every_page(page)
    context.close()


def respondent_joins_by_code(browser, base: str, code: str, group_label: str, pdf: bool = False) -> None:
    context, page = new_page(browser, viewport={"width": 390, "height": 844}, accept_downloads=True)
    page.goto(base + "/join")
    page.get_by_label("Code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    page.get_by_label(group_label).check()
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="Continue to the questions").click()
    answer_every_page(page, pages=len(SECTIONS) - 1)
    if pdf:  # with a PDF worker: the waiting page follows the job and the download starts by itself
        with page.expect_download(timeout=90_000) as download:
            page.get_by_role("link", name="Download PDF").first.click()
        assert download.value.path().read_bytes()[:5] == b"%PDF-"
    context.close()


def facilitator_runs_a_round(browser, base: str, email: str, pdf: bool = False) -> None:
    """Sign up, create a partnership, answer its profile, open a round, sign out and in again; three
    respondents join by code; record a consensus; upload paper answers."""
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    code = open_first_round(page, base, email, "Secure Valley")
    dashboard = page.url

    page.get_by_role("button", name="Sign out").click()
    page.goto(base + "/account/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Secure Valley")).to_be_visible()

    rural = "Rural public body (village, rural municipality)"
    urban = "Urban public body (city, town, urban municipality)"
    for number, group_label in enumerate((rural, rural, urban)):
        respondent_joins_by_code(browser, base, code, group_label, pdf=pdf and number == 0)

    page.goto(dashboard + "/consensus")
    first = page.locator(".consensus-row").first
    first.locator('input[name$="-agreed_band"]').first.check()
    first.locator('textarea[name$="-note"]').fill("Agreed after the morning session.")
    first.get_by_role("button", name="Record the consensus").click()
    expect(page.get_by_text(EXPIRED)).to_have_count(0)
    expect(page.locator(".consensus-row").first).to_contain_text("Agreed:")

    page.goto(dashboard)
    page.get_by_role("link", name="Upload paper answers (CSV or XLSX)").click()
    rows = [f"P-{n},{group},{n}" for n, group in enumerate(["rural_public", "urban_public", "business"], start=1)]
    page.get_by_label("CSV or Excel file of paper answers").set_input_files(files=[{
        "name": "forms.csv", "mimeType": "text/csv",
        "buffer": ("respondent,group,enabler.trust.1\n" + "\n".join(rows) + "\n").encode()}])
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("3 respondents from paper are added to round 1.")).to_be_visible()
    expect(page.locator("tfoot [data-key=submitted]")).to_have_text("6")
    context.close()
