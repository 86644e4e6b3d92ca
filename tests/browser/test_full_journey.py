"""The whole respondent journey in a real browser with JavaScript off, in French, to the results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import SECTIONS

pytestmark = pytest.mark.browser
PAGES = len(SECTIONS)


def overflowing(page) -> list[str]:
    """The elements that stick out to the right of the viewport, to say what broke the layout."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 80))""")


def answer_visible_page(page) -> None:
    """Tick the first option of every question on the page (keyboard-free, like a hurried user)."""
    for fieldset in page.locator("fieldset.item").all():
        fieldset.locator("input").first.check()


def test_journey_without_javascript_in_french(browser, live_server, screenshot):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("button", name="Commencer une auto-évaluation").click()
    page.get_by_role("link", name="Passer aux questions").click()
    for number in range(1, PAGES + 1):
        expect(page.get_by_text(f"Section {number} sur {PAGES}")).to_be_visible()
        answer_visible_page(page)
        # No horizontal scrolling at 360 px.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, overflowing(page)
        onward = "Enregistrer et continuer" if number < PAGES else "Enregistrer et vérifier"
        page.get_by_role("button", name=onward).click()
    expect(page.get_by_role("heading", name="Vérifiez vos réponses")).to_be_visible()
    stale = context.new_page()  # the same review page in a second tab, left open
    stale.goto(page.url)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", name="Vos résultats")).to_be_visible()
    expect(page.get_by_role("heading", name="Recommandations")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, overflowing(page)
    screenshot(page, "results-fr-nojs-360")
    # A second submission (Submit again in the stale tab) changes nothing and shows the results. The back
    # button no longer shows the page as it was: no page that carries answers is kept (Cache-Control:
    # no-store), so the browser asks again and is sent to the results.
    stale.get_by_role("button", name="Envoyer mes réponses").click()
    expect(stale.get_by_role("heading", name="Vos résultats")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("button", name="Envoyer mes réponses")).to_have_count(0)
    context.close()


def start_self_assessment(page, live_server: str) -> None:
    """From the home page to the first page of questions."""
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start a self-assessment").click()
    page.get_by_role("link", name="Continue to the questions").click()


def save_every_page(page) -> None:
    """Press "Save and continue" on each page and "Save and review" on the last: on to the review page."""
    for _ in range(PAGES):
        page.get_by_role("button", name="Save and continue").or_(
            page.get_by_role("button", name="Save and review")).click()


def test_error_summary_after_incomplete_submission(browser, live_server, screenshot):
    context = browser.new_context()
    page = context.new_page()
    start_self_assessment(page, live_server)
    page.get_by_role("button", name="Save and finish later").click()
    page.get_by_role("link", name="Carry on now").click()
    save_every_page(page)
    page.get_by_role("button", name="Submit my answers").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    # With JavaScript on, the error summary takes the focus so screen readers announce it.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    # One line per page, with how many of its questions are unanswered.
    expect(summary.get_by_text("answers are missing.")).to_be_visible()
    page.get_by_role("link", name="You and your partnership: ").click()
    expect(page.get_by_text("Please answer this question.").first).to_be_visible()
    screenshot(page, "error-summary")
    # Saving the page brings the respondent back to their answers, not on to the next page.
    page.get_by_role("button", name="Save and return to your answers").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert page.url.endswith("/review")
    context.close()


def test_change_on_the_review_page_comes_back_to_it(browser, live_server):
    """Review → "Change" → save: back on the review page, with the change shown."""
    context = browser.new_context()
    page = context.new_page()
    start_self_assessment(page, live_server)
    save_every_page(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.locator("a[href*='/s/linkages'][href*='from=review']").first.click()
    page.locator("label", has=page.locator("input[name='linkage.demography_labour.strength'][value='3']")).click()
    page.get_by_role("button", name="Save and return to your answers").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    assert page.url.endswith("/review")
    expect(page.get_by_text("Strong", exact=True)).to_be_visible()
    context.close()


def test_free_text_shows_what_is_left_and_is_never_cut(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    start_self_assessment(page, live_server)
    page.goto(page.url.rsplit("/s/", 1)[0] + "/s/open")
    note = page.locator("#limit-open\\.priorities")
    expect(note).to_have_text("4,000 characters left")
    field = page.locator("#f-open\\.priorities")
    field.fill("x" * 3990)
    expect(note).to_have_text("10 characters left")
    field.fill("x" * 4010)  # no maxlength: the browser keeps all of it
    expect(note).to_have_text("10 characters too many: shorten the text before you save it")
    assert len(field.input_value()) == 4010
    page.get_by_role("button", name="Save and review").click()
    expect(page.get_by_text("4000 characters").first).to_be_visible()
    assert len(page.locator("#f-open\\.priorities").input_value()) == 4010  # refused, kept
    context.close()


def test_answers_save_as_they_are_given_and_leaving_unsaved_asks_first(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    start_self_assessment(page, live_server)
    page.goto(page.url.rsplit("/s/", 1)[0] + "/s/linkages")
    first = page.locator("fieldset.item").first.locator("input[type=radio]").nth(2)
    first.check()
    expect(page.get_by_role("status").filter(has_text="Your answers on this page are saved.")).to_be_visible()
    expect(page.locator("[data-answered]")).to_have_text("1")  # the progress follows the answers
    page.reload()  # no button pressed: the answer was saved as it was given
    assert page.locator("fieldset.item").first.locator("input[type=radio]").nth(2).is_checked()

    page.goto(page.url.rsplit("/s/", 1)[0] + "/s/open")
    page.locator("#f-open\\.priorities").fill("A bus line between the villages and the town")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)  # typed a moment ago, not saved yet: the browser asks first
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    second = context.new_page()
    second.goto(live_server + "/")
    context.close()


def test_switching_language_keeps_choices_not_yet_saved_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    start_self_assessment(page, live_server)
    page.goto(page.url.rsplit("/s/", 1)[0] + "/s/linkages")
    page.locator("fieldset.item").first.locator("input[type=radio]").nth(3).check()
    page.get_by_role("navigation", name="Language").get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert page.locator("fieldset.item").first.locator("input[type=radio]").nth(3).is_checked()
    context.close()
