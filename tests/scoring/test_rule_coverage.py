"""Every shipped rule fires in at least one scenario and stays silent in another."""

from __future__ import annotations

import pytest

from tests.scoring.conftest import RULES
from tests.scoring.scenarios import pool


@pytest.fixture(scope="module")
def fired(request) -> list[set[str]]:
    from scoring import parse_assessment, score
    from tests.scoring.conftest import QUESTIONNAIRES

    runs = []
    for document in pool():
        result = score(parse_assessment(document, QUESTIONNAIRES, "2026.1"), RULES)
        rules = {reason["factor"] for entry in result["governance"]["ranking"] for reason in entry["reasons"]}
        rules |= {because["rule"] for rec in result["recommendations"] for because in rec["because"]}
        runs.append(rules)
    return runs


ALL_RULES = [factor.id for factor in RULES.factors] + [
    rule.id for rec in RULES.recommendations for rule in rec.rules]


def test_catalogue_is_large_enough():
    assert len(RULES.recommendations) >= 30
    assert len(ALL_RULES) == len(set(ALL_RULES))


@pytest.mark.parametrize("rule_id", ALL_RULES)
def test_rule_fires_somewhere_and_is_silent_elsewhere(fired, rule_id):
    assert any(rule_id in run for run in fired), f"{rule_id} never fires"
    assert any(rule_id not in run for run in fired), f"{rule_id} always fires"
