"""Quality gates over every page, in English and French: zero axe-core violations of the WCAG 2.1 A
and AA rules, zero Nu Html Checker errors, and respondent pages under 60 KB from the app's own host."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import STATES, build_site, sign_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_BUDGET = 60 * 1024


def require(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `npm ci` (make test does)")


@pytest.fixture
def site(live_server):
    return build_site(live_server)


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_is_accessible_valid_and_light(browser, site, lang, tmp_path):
    require(AXE)
    require(VNU)
    context = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site.url}/?lang={lang}")
    transferred: dict[str, int] = {}
    foreign: list[str] = []

    def on_response(response):
        host = urlsplit(response.url).netloc
        if host != urlsplit(site.url).netloc:
            foreign.append(response.url)
        sizes = response.request.sizes()  # bytes on the wire: compressed body and headers
        transferred[response.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.on("response", on_response)
    violations, weights, titles, signed_in = {}, {}, {}, False
    html_dir = tmp_path / lang
    html_dir.mkdir()
    for name, needs_facilitator, step, is_respondent_page in STATES:
        if needs_facilitator and not signed_in:
            sign_in(page, site)
            signed_in = True
        transferred.clear()
        step(page, site)
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == lang, name
        titles[name] = page.title()
        found = run_axe(page)
        if found:
            violations[name] = found
        (html_dir / f"{name}.html").write_text(page.content(), encoding="utf-8")
        if is_respondent_page and name not in ("report", "group-results-published"):
            weights[name] = sum(transferred.values())
    context.close()

    assert violations == {}, json.dumps(violations, indent=1)
    # A title is text ("<name> – RUPA"): a template once let a page's markup run into its <title>.
    bad_titles = {name: title for name, title in titles.items()
                  if "<" in title or ">" in title or not title.removesuffix(" – RUPA").strip()}
    assert bad_titles == {}
    assert foreign == []
    heavy = {name: size for name, size in weights.items() if size > PAGE_BUDGET}
    assert heavy == {}, f"respondent pages over {PAGE_BUDGET} bytes: {heavy}"

    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(html_dir)],
                             capture_output=True, text=True)
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert errors == []
    assert len(list(html_dir.iterdir())) == len(STATES)


def test_the_gates_can_fail(browser, tmp_path):
    """The checkers really run: a page with known faults is caught by both."""
    require(AXE)
    require(VNU)
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<html><head><title>x</title></head><body><img src="data:,"><p style="color:#ccc">'
                     'faint</p><button></button></body></html>')
    rules = {violation["rule"] for violation in run_axe(page)}
    context.close()
    assert {"html-has-lang", "image-alt", "color-contrast", "button-name"} <= rules
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html lang=en><head><title>x</title></head><body><p><div></p></body></html>")
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(broken)],
                             capture_output=True, text=True)
    assert json.loads(checked.stderr)["messages"], checked.stderr
