"""A facilitator back from a village meeting: prints the blank form, types forms in with the keyboard
only (with and without JavaScript), uploads a spreadsheet, and finds the paper answers marked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_facilitator import open_first_round

pytestmark = pytest.mark.browser


def open_round(page, base: str) -> None:
    open_first_round(page, base, "paper@example.org", "Paper Valley")


@pytest.mark.parametrize("javascript", [True, False])
def test_typing_in_paper_forms_with_the_keyboard(browser, live_server, javascript, screenshot):
    context = browser.new_context(java_script_enabled=javascript, accept_downloads=True)
    page = context.new_page()
    open_round(page, live_server)
    with page.expect_download() as download:
        page.get_by_role("link", name="Blank questionnaire to print (PDF, A4)").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Paper Valley" in text and "enabler.trust.1" in text

    page.get_by_role("link", name="Type in paper forms").click()
    expect(page.get_by_label("Form number")).to_have_value("P-1")
    page.get_by_label("Kind of organisation (code)").focus()
    page.keyboard.type("2")
    if not javascript:
        page.keyboard.press("Tab")  # without JavaScript, Tab moves on
    expect(page.get_by_label("Name of the organisation (optional)")).to_be_focused()
    page.keyboard.type("Village A")
    page.keyboard.press("Tab")
    for digit in "3412":  # the first linkage questions: strength 3, managed 4 (wrong), strength 1, managed 2
        page.keyboard.type(digit)
        if not javascript:
            page.keyboard.press("Tab")
    screenshot(page, f"paper-entry-{'js' if javascript else 'nojs'}")
    page.keyboard.press("Enter")  # submits the form from a text field

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Type one of 1, 2, 3, 9, or leave it empty.")
    managed = page.locator('[name="linkage.demography_labour.managed"]')
    expect(managed).to_have_value("4")  # what was typed is kept
    expect(page.locator('[name="linkage.economy_innovation.strength"]')).to_have_value("1")
    managed.fill("2")
    page.get_by_role("button", name="Save this form and type in the next").click()
    expect(page.get_by_text("Form P-1 is saved with 4 answers.")).to_be_visible()
    expect(page.get_by_label("Form number")).to_have_value("P-2")
    context.close()


def test_uploading_a_spreadsheet_of_paper_answers(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    open_round(page, live_server)
    page.get_by_role("link", name="Upload paper answers (CSV or XLSX)").click()
    bad = b"respondent,group,enabler.trust.1\nP-1,rural_public,4\nP-2,rural_public,8\n"
    page.get_by_label("CSV or Excel file of paper answers").set_input_files(
        files=[{"name": "forms.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name="The file has 1 fault: nothing was stored.")).to_be_visible()
    expect(page.locator(".faults-table tbody tr")).to_have_text("3C (enabler.trust.1)8 is not an answer to "
                                                                "enabler.trust.1 (allowed: 1, 2, 3, 4, 5, dont_know).")
    rows = [f"P-{n},{group},{n}" for n, group in enumerate(["rural_public", "urban_public", "business"], start=1)]
    good = ("respondent,group,enabler.trust.1\n" + "\n".join(rows) + "\n").encode()
    page.get_by_label("CSV or Excel file of paper answers").set_input_files(
        files=[{"name": "forms.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_text("3 respondents from paper are added to round 1.")).to_be_visible()
    expect(page.locator("tfoot [data-key=submitted]")).to_have_text("3")
    page.get_by_role("link", name="Group results and report").click()
    expect(page.get_by_text("3 (3 answered on paper)")).to_be_visible()
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="Spreadsheet (CSV)").click()
    lines = download.value.path().read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:3] for line in lines[1:]] == [[f"P-{n}", lines[1].split(",")[1], "paper"]
                                                          for n in (1, 2, 3)]
    context.close()
