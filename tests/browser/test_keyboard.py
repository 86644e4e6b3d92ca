"""The respondent journey with the keyboard only: Tab reaches every control, Space sets it, Enter
submits, and the focused element is always visibly outlined."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, type: el.type || null, name: el.name || null, value: el.value || null,
          text: (el.textContent || '').trim().slice(0, 40),
          outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def tab_until(page, predicate, limit: int = 200) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outlined"], f"focus is not visible on {focused}"
        if predicate(focused):
            return focused
    raise AssertionError("the control was never reached with Tab")


def test_keyboard_only_journey(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/")
    tab_until(page, lambda f: f["tag"] == "BUTTON" and "Start a self-assessment" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/welcome")
    tab_until(page, lambda f: f["tag"] == "A" and "Continue to the questions" in f["text"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/s/profile")

    # Every radio group and checkbox on the page is reachable; Space sets the focused option.
    names_reached = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outlined"], f"focus is not visible on {focused}"
        if focused["tag"] == "INPUT" and focused["type"] in ("radio", "checkbox"):
            if focused["name"] not in names_reached:
                page.keyboard.press("Space")
            names_reached.add(focused["name"])
        if focused["tag"] == "BUTTON" and "Save and continue" in focused["text"]:
            break
    expected = {"respondent.group", "profile.region_type", "profile.stage", "profile.explicit", "profile.form",
                "profile.delegated_functions", "profile.partner_types", "profile.purposes", "profile.funding"}
    assert expected <= names_reached
    assert page.locator('input[name="respondent.group"]:checked').count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url("**/s/linkages")
    page.goto(page.url.replace("/s/linkages", "/s/profile"))  # a fresh load from the server
    assert page.locator('input[name="profile.stage"]:checked').count() == 1  # saved by the keyboard walk
    context.close()
