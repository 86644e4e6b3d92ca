"""Scorer tests run without an app: questionnaires and rules are loaded straight from the files."""

from __future__ import annotations

import pytest

from questionnaire.content import load_all
from scoring import load_rules, parse_assessment, score

QUESTIONNAIRES = load_all()
RULES = load_rules(QUESTIONNAIRES["2026.1"])


def score_document_now(document, weighting="organisation", lang="en"):
    return score(parse_assessment(document, QUESTIONNAIRES, "2026.1"), RULES, weighting=weighting, lang=lang)


@pytest.fixture
def score_document():
    return score_document_now
