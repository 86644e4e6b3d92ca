"""Evidence is data, rendered in words (docs/assessment-model.md §8): every evidence item and every governance reason
of a result carries a sentence in the result's language, with no id and no English word in French."""

from __future__ import annotations

import re

from flask_babel import force_locale
from hypothesis import given, settings

from reports import labels
from scoring.dimensions import DIMENSION_IDS
from tests.scoring.conftest import RULES, score_document_now
from tests.scoring.test_properties import document_strategy

ID = re.compile(r"\b(?:enabler|barrier|linkage|practice|profile|open|respondent)\.[a-z_.0-9]+|_public\b|_delegated\b")
ENGLISH_BANDS = re.compile(r"\((?:strength|developing|concern)\)|\bscored\b|\bunanswered\b")


def evidence_of(result) -> list[dict]:
    found = [e for rec in result["recommendations"] for because in rec["because"] for e in because["evidence"]]
    return found + [e for entry in result["governance"]["ranking"] for reason in entry["reasons"]
                    for e in reason["evidence"]]


@settings(max_examples=80, deadline=None)
@given(document_strategy)
def test_every_evidence_item_is_data_with_words_in_its_language(document):
    for lang in ("en", "fr"):
        result = score_document_now(document, lang=lang)
        for item in evidence_of(result):
            assert item["subject"] in ("question", "dimension", "profile", "gap", "contested", "governance")
            assert {"id", "value", "score", "band", "text"} <= set(item)
            assert item["text"] and not ID.search(item["text"]), item["text"]
            assert not ENGLISH_BANDS.search(item["text"]), item["text"]
        for entry in result["governance"]["ranking"]:
            for reason in entry["reasons"]:
                assert set(reason) == {"factor", "effect", "text", "evidence"}
                assert (isinstance(reason["effect"], int) or reason["effect"] in ("safeguard", "precondition"))
                assert reason["text"]


def test_the_scorers_dimension_names_are_the_apps(app):
    """rules/words.yaml names dimensions as the pages do (reports/labels.py), in both languages."""
    for lang in ("en", "fr"):
        with app.test_request_context(), force_locale(lang):
            for dimension_id in DIMENSION_IDS:
                assert RULES.words.dimension(dimension_id, lang) == str(labels.DIMENSIONS[dimension_id])


def test_an_obstacle_reads_as_an_obstacle_and_a_linkage_as_a_strength():
    words = RULES.words
    assert words.band("barrier.funding", "strength", "en") == "no real obstacle"
    assert words.band("barrier.funding", "concern", "fr") == "un obstacle sérieux"
    assert words.band("linkage.governance", "concern", "en") == "weak"
    assert words.band("enabler.trust", "concern", "en") == "a concern"
