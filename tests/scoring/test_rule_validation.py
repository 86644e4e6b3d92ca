"""The rules loader rejects each kind of broken rule like a compiler: file, rule and fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from scoring.catalogue import RULES_DIR, load_rules
from scoring.rules import RuleChecker, RuleError
from tests.scoring.conftest import QUESTIONNAIRES

QUESTIONNAIRE = QUESTIONNAIRES["2026.1"]


@pytest.mark.parametrize(("rule", "fault"), [
    ({"question": "enabler.trust.7", "op": "eq", "value": 1}, "unknown question id 'enabler.trust.7'"),
    ({"question": "profile.explicit", "op": "eq", "value": "yes"}, "unknown question id 'profile.explicit'"),
    ({"question": "enabler.trust.1", "op": "about", "value": 1}, "unknown operator 'about'"),
    ({"question": "enabler.trust.1", "op": "lte", "value": "two"}, "needs a number, not 'two'"),
    ({"question": "enabler.trust.1", "op": "eq", "value": 9}, "value 9 is not one of"),
    ({"question": "practice.monitoring", "op": "lt", "value": 2}, "unknown operator 'lt' for question"),
    ({"question": "practice.monitoring", "op": "in", "value": "no"}, "needs a non-empty list"),
    ({"question": "open.priorities", "op": "eq", "value": "x"}, "unknown operator 'eq' for a text question"),
    ({"question": "enabler.trust.1", "op": "answered", "value": 1}, "operator 'answered' takes no value"),
    ({"dimension": "enabler.happiness", "op": "lt", "value": 50}, "unknown dimension id 'enabler.happiness'"),
    ({"dimension": "enabler.trust", "op": "band_in", "value": ["great"]}, "value 'great' is not one of"),
    ({"dimension": "enabler.trust", "op": "eq", "value": 50}, "unknown operator 'eq' for a dimension"),
    ({"dimension": "enabler.trust", "op": "lt", "value": True}, "needs a number, not True"),
    ({"profile": "profile.explicit", "op": "eq", "value": "perhaps"}, "value 'perhaps' is not one of"),
    ({"profile": "profile.delegated_functions", "op": "eq", "value": "transport"}, "unknown operator 'eq'"),
    ({"profile": "respondent.group", "op": "eq", "value": "business"}, "unknown profile id 'respondent.group'"),
    ({"gap": "enabler.trust", "groups": ["rural_public"], "op": "flagged"}, "must be two different stakeholder groups"),
    ({"gap": "enabler.trust", "op": "lt", "value": 3}, "unknown operator 'lt' for a gap"),
    ({"governance": "current", "op": "eq", "value": "federal"}, "value 'federal' is not one of"),
    ({"governance": "ideal", "op": "eq", "value": "explicit_delegated"}, "must name 'current' or 'recommended'"),
    ({"all": []}, "'all' needs a non-empty list"),
    ({"any": [{"dimension": "enabler.trust", "op": "lt", "value": 50}], "not": {}}, "cannot be combined"),
    ({"dimension": "enabler.trust", "profile": "profile.stage", "op": "lt", "value": 1}, "exactly one of"),
    ({"dimension": "enabler.trust", "op": "lt", "value": 1, "weight": 2}, "unknown key(s) ['weight']"),
    ({"dimension": "enabler.trust", "value": 1}, "needs an 'op'"),
    ("enabler.trust < 50", "a condition must be a mapping, not str"),
])
def test_checker_rejects(rule, fault):
    with pytest.raises(RuleError) as caught:
        RuleChecker(QUESTIONNAIRE, "rules.yaml").check({"all": [rule]}, "rec.example.rule")
    assert str(caught.value).startswith("rules.yaml: rule rec.example.rule: ")
    assert fault in str(caught.value)


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def rewrite(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(("file", "change", "fault"), [
    ("recommendations.yaml", lambda d: d["recommendations"][0]["rules"][0].update(
        {"when": {"question": "enabler.nothing.1", "op": "eq", "value": 1}}),
     "rule rec.awareness.concern: unknown question id 'enabler.nothing.1'"),
    ("recommendations.yaml", lambda d: d["recommendations"][0]["rules"][0].update({"priority": "urgent"}),
     "rule rec.awareness.concern: priority 'urgent' is not one of high, medium, low"),
    ("recommendations.yaml", lambda d: d["recommendations"][0].update({"level": "global"}),
     "rule rec.awareness: level 'global' is not one of"),
    ("recommendations.yaml",
     lambda d: d["recommendations"][0].update({"actions": d["recommendations"][0]["actions"][:1]}),
     "rule recommendations[0] (rec.awareness).actions: needs two to four actions"),
    ("recommendations.yaml", lambda d: d["recommendations"][0]["title"].pop("fr"),
     "rule recommendations[0] (rec.awareness).title: missing 'fr' translation"),
    ("recommendations.yaml", lambda d: d["recommendations"][1].update({"id": "rec.awareness"}),
     "rule rec.awareness: duplicate recommendation id"),
    ("recommendations.yaml", lambda d: d["recommendations"][0].update({"addresses": ["enabler.joy"]}),
     "addresses unknown dimension 'enabler.joy'"),
    ("governance.yaml", lambda d: d["factors"][0].update({"effects": {"federal": 10}}),
     "unknown model 'federal' in effects"),
    ("governance.yaml", lambda d: d["factors"][0].update(
        {"when": {"governance": "recommended", "op": "eq", "value": "explicit_delegated"}}),
     "may use 'governance: current' only"),
    ("governance.yaml", lambda d: d["models"].pop("implicit_delegated"), "must define exactly the four models"),
    ("governance.yaml", lambda d: d["delegation_preconditions"][0].update({"when": {"at_least": 9, "of": [
        {"dimension": "enabler.trust", "op": "band_in", "value": ["concern"]}]}}),
     "rule pre.trust_and_sharing: 'at_least' must be a whole number from 1 to 1"),
    ("governance.yaml", lambda d: d["delegation_preconditions"][0].update({"when": {"contested": "enabler.joy",
                                                                                    "op": "flagged"}}),
     "rule pre.trust_and_sharing: unknown dimension id 'enabler.joy' in contested condition"),
    ("scoring.yaml", lambda d: d["first_steps"].pop("mature"), "must name every stage of profile.stage"),
    ("words.yaml", lambda d: d["dimensions"]["enabler.trust"].pop("fr"),
     "dimensions.enabler.trust: missing 'fr' translation"),
    ("governance.yaml", lambda d: d["factors"][0].pop("why"), "missing 'why'"),
    ("scoring.yaml", lambda d: d["settings"].update({"min_group_size": "three"}),
     "rule settings.min_group_size: must be a whole number, not text"),
    ("scoring.yaml", lambda d: d["settings"].update({"bands": {"strength": 50, "developing": 75}}),
     "rule settings.bands: must give the thresholds 'strength' and 'developing'"),
    ("scoring.yaml", lambda d: d["settings"]["bands"].pop("developing"), "missing 'developing'"),
    ("scoring.yaml", lambda d: d["settings"].pop("bands"), "missing 'bands'"),
])
def test_loader_names_file_rule_and_fault(rules_copy, file, change, fault):
    rewrite(rules_copy / file, change)
    with pytest.raises(RuleError) as caught:
        load_rules(QUESTIONNAIRE, rules_copy)
    assert file in str(caught.value)
    assert fault in str(caught.value)


def test_app_refuses_to_start_with_broken_rules(rules_copy):
    from app import create_app

    rewrite(rules_copy / "recommendations.yaml", lambda d: d["recommendations"][0]["rules"][0].update(
        {"when": {"dimension": "enabler.trust", "op": "lt", "value": "low"}}))
    with pytest.raises(SystemExit) as caught:
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "RULES_DIR": str(rules_copy)})
    assert "recommendations.yaml: rule rec.awareness.concern: operator 'lt' needs a number" in str(caught.value)


def test_band_thresholds_come_from_scoring_yaml(rules_copy):
    """A dimension scored 75 is a strength with the thresholds as shipped, developing when scoring.yaml
    puts strength at 80; the split test for contested dimensions moves with them."""
    from scoring import parse_assessment, score
    from tests.scoring.conftest import QUESTIONNAIRES as ALL

    answers = {"enabler.trust.1": 4, "enabler.trust.2": 4, "enabler.trust.3": 4}
    document = {"respondents": [{"group": "rural_public", "answers": answers}]}
    shipped = score(parse_assessment(document, ALL, "2026.1"), load_rules(QUESTIONNAIRE))
    rewrite(rules_copy / "scoring.yaml", lambda d: d["settings"].update({"bands": {"strength": 80, "developing": 60}}))
    moved = score(parse_assessment(document, ALL, "2026.1"), load_rules(QUESTIONNAIRE, rules_copy))
    trust = shipped["dimensions"]["enabler.trust"]["score"]
    assert 75 <= trust < 80
    assert shipped["dimensions"]["enabler.trust"]["band"] == "strength"
    assert moved["dimensions"]["enabler.trust"]["band"] == "developing"
