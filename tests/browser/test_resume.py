"""A person answers two pages, closes the browser, reopens the resume link and finds their answers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import SECTIONS

pytestmark = pytest.mark.browser
PAGES = len(SECTIONS)


def test_answers_survive_closing_the_browser(browser, live_server, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("button", name="Start a self-assessment").click()
    resume_link = page.get_by_label("Your private link").input_value()
    assert resume_link.startswith(live_server + "/r/")
    page.get_by_role("link", name="Continue to the questions").click()

    # Page 1: profile
    expect(page.get_by_text(f"Section 1 of {PAGES}")).to_be_visible()
    page.get_by_role("group", name="Which kind of organisation do you speak for?").get_by_label(
        "Rural public body (village, rural municipality)").check()
    page.get_by_label("Name of your organisation (optional)").fill("Village of Upper Example")
    page.get_by_role("group", name="What form does the co-operation take?").get_by_label(
        "Informal network").check()
    page.get_by_label("Transport", exact=True).check()
    screenshot(page, "journey-profile-360")
    page.get_by_role("button", name="Save and continue").click()

    # Page 2: linkages (keyboard: Tab to the group, arrow keys choose, Space selects)
    expect(page.get_by_text(f"Section 2 of {PAGES}")).to_be_visible()
    strength = page.get_by_role("group", name="People and jobs: how strong are the links")
    strength.get_by_label("Strong", exact=True).check()
    page.get_by_role("group", name="Public services: do urban and rural partners plan").get_by_label(
        "Don't know").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text(f"Section 3 of {PAGES}")).to_be_visible()
    context.close()

    # A new browser session knows nothing but the link.
    context = browser.new_context()
    page = context.new_page()
    page.goto(resume_link)
    expect(page.get_by_text(f"Section 3 of {PAGES}")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text(f"Section 2 of {PAGES}")).to_be_visible()
    assert page.get_by_role("group", name="People and jobs: how strong are the links").get_by_label(
        "Strong", exact=True).is_checked()
    assert page.get_by_role("group", name="Public services: do urban and rural partners plan").get_by_label(
        "Don't know").is_checked()
    page.get_by_role("button", name="Back").click()
    assert page.get_by_label("Rural public body (village, rural municipality)").is_checked()
    assert page.get_by_label("Name of your organisation (optional)").input_value() == "Village of Upper Example"
    assert page.get_by_label("Transport", exact=True).is_checked()
    assert page.get_by_label("Informal network").is_checked()
    screenshot(page, "journey-resumed")
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_a_stale_tab_on_another_device_loses_nothing(browser, live_server, javascript):
    """A laptop shows the linkages page empty; a phone answers all ten linkage questions and saves; then
    the laptop presses "Save and finish later": the phone's answers stay, and the laptop shows them."""
    laptop_context = browser.new_context(java_script_enabled=javascript)
    laptop = laptop_context.new_page()
    laptop.goto(live_server + "/")
    laptop.get_by_role("button", name="Start a self-assessment").click()
    resume_link = laptop.get_by_label("Your private link").input_value()
    laptop.goto(resume_link.rstrip("/") + "/s/linkages")
    expect(laptop.get_by_text(f"Section 2 of {PAGES}")).to_be_visible()
    assert laptop.locator("input:checked").count() == 0

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    phone = phone_context.new_page()
    phone.goto(resume_link.rstrip("/") + "/s/linkages")
    for fieldset in phone.locator("fieldset.item").all():
        fieldset.locator("input").nth(1).check()
    answered = phone.locator("input:checked").count()
    assert answered == 10
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.get_by_text(f"Section 3 of {PAGES}")).to_be_visible()

    laptop.get_by_role("button", name="Save and finish later").click()
    laptop.goto(resume_link.rstrip("/") + "/s/linkages")
    assert laptop.locator("input:checked").count() == answered
    phone_context.close()
    laptop_context.close()
