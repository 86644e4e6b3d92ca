"""How numbers and punctuation are written: one rounding rule (half up) everywhere, decimal commas and
French spacing (a non-breaking space before : ; ? ! and inside « ») on French pages, the PDF and the
scorer's own sentences; and file names that say what a download is."""

from __future__ import annotations

import html
import re

import pytest

from typography import half_up, typeset, written


@pytest.mark.parametrize(("value", "places", "expected"), [
    (62.5, 0, 63), (67.5, 0, 68), (62.25, 1, 62.3), (62.35, 1, 62.4), (0.05, 1, 0.1), (-2.5, 0, -3), (99.95, 1, 100),
])
def test_one_rounding_rule_half_up(value, places, expected):
    assert half_up(value, places) == expected


def test_numbers_are_written_the_readers_way():
    assert written(62.5, "fr") == "62,5" and written(62.5, "en") == "62.5"
    assert written(62.5, "fr", 0) == "63" and written(100.0, "fr") == "100"


@pytest.mark.parametrize(("text", "expected"), [
    ("ruraux: 75", "ruraux\u00a0: 75"), ("Parce que : x", "Parce que\u00a0: x"), ("Vraiment?", "Vraiment\u00a0?"),
    ("« Oui »", "«\u00a0Oui\u00a0»"), ("«Oui»", "«\u00a0Oui\u00a0»"), ("a ; b", "a\u00a0; b"),
    ("https://rupa.example.org/r/x?lang=fr", "https://rupa.example.org/r/x?lang=fr"), ("à 10:30", "à 10:30"),
])
def test_french_spacing(text, expected):
    assert typeset(text, "fr") == expected
    assert typeset(text, "en") == text


def visible_text(page: str) -> str:
    body = page.split("<main", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def faults(text: str) -> list[str]:
    """Places where French spacing or decimal commas are wrong in a page's visible text."""
    found = [m.group(0) for m in re.finditer(r"\S{0,12}(?<![\s\u00a0\d])[:;?!](?=\s|$)", text)]
    found += [m.group(0) for m in re.finditer(r"\S{0,12} [:;?!»]", text)]
    found += [m.group(0) for m in re.finditer(r"«[ \S]", text)]
    found += [m.group(0) for m in re.finditer(r"(?<![\w./])\d+\.\d+(?![\w./])", text)]  # a decimal point (not a DOI)
    return found


def test_a_french_group_report_is_set_the_french_way(full_round):
    client, base = full_round["client"], full_round["base"]
    page = client.get(f"{base}/results?lang=fr")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "\u00a0:" in text and faults(text) == []
    english = visible_text(client.get(f"{base}/results?lang=en").text)
    assert "\u00a0:" not in english


def test_downloads_are_named_for_what_they_are(full_round):
    client, base = full_round["client"], full_round["base"]
    french_letter = client.get(f"{base}/report.pdf?lang=fr&paper=letter").headers["Content-Disposition"]
    assert re.search(r'filename="rupa-green-valley-partnership-round-1-fr-letter-\d{4}-\d\d-\d\d\.pdf"', french_letter)
    by_respondent = client.get(f"{base}/report.pdf?weighting=respondent&lang=en").headers["Content-Disposition"]
    assert "round-1-by-respondent-en-a4-" in by_respondent
    assert 'filename="rupa-green-valley-partnership-round-1.csv"' in client.get(
        f"{base}/export.csv").headers["Content-Disposition"]
    assert 'filename="rupa-green-valley-partnership-round-1-fr.xlsx"' in client.get(
        f"{base}/export.xlsx?lang=fr").headers["Content-Disposition"]
