"""Anonymity by arithmetic (docs/assessment-model.md §7): for generated group compositions, organisations and gaps
in who answered what, nothing the result publishes lets anyone compute the scores of 1 or 2 respondents
(or organisations), checked by exact linear algebra (tests/anonymity_check.py), not by the scorer's own
reasoning."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaire import item_bank
from scoring.dimensions import DIMENSIONS
from tests.anonymity_check import exposed_sets, from_result
from tests.scoring.conftest import score_document_now

POINTS = {"agree5": [1, 2, 3, 4, 5], "severity5": [0, 1, 2, 3, 4], "strength5": [0, 1, 2, 3, 4],
          "practice3": ["no", "partly", "yes"]}


@st.composite
def rounds(draw):
    """A round: a few people per group (0 to 6, small groups likely), organisations within a group, and
    some people leaving whole dimensions out."""
    sizes = draw(st.fixed_dictionaries({g: st.sampled_from([0, 0, 1, 2, 2, 3, 3, 4, 5, 6]) for g in item_bank.GROUPS}))
    if sum(sizes.values()) < 3:
        sizes["rural_public"] += 3
    respondents = []
    for group, size in sizes.items():
        organisations = draw(st.integers(min_value=1, max_value=max(1, size)))
        for _ in range(size):
            answers = {}
            skipped = draw(st.sets(st.sampled_from([d.id for d in DIMENSIONS]), max_size=4))
            values = random.Random(draw(st.integers(min_value=0, max_value=2**32)))  # quicker than a draw per item
            for dimension in DIMENSIONS:
                if dimension.id in skipped:
                    continue
                for item_id in dimension.items:
                    answers[item_id] = values.choice(POINTS[dimension.scale])
            person = {"group": group, "answers": answers}
            number = draw(st.integers(min_value=0, max_value=organisations))
            if number:  # 0: no organisation given, an organisation of its own
                person["organisation"] = f"{group} organisation {number}"
            respondents.append(person)
    order = draw(st.permutations(range(len(respondents))))
    return {"profile": {}, "respondents": [respondents[i] for i in order]}


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rounds(), st.sampled_from(["organisation", "respondent"]))
def test_no_small_set_can_be_computed_from_a_result(document, weighting):
    result = score_document_now(document, weighting=weighting)
    assert exposed_sets(document, weighting, from_result(document, result)) == []
    for group, data in result["groups"].items():
        assert data["n"] >= 3, group


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rounds())
def test_the_rural_urban_comparison_survives_where_both_sides_have_three(document):
    """Whenever rural and urban public bodies both have 3 respondents, their difference is published on
    every dimension both score enough, with their levels or without."""
    result = score_document_now(document, weighting="respondent")
    counts = {g: sum(1 for r in document["respondents"] if r["group"] == g) for g in ("rural_public", "urban_public")}
    if min(counts.values()) >= 3:
        assert result["anonymity"]["rural_urban"] in ("compared", "difference_only")
        assert any(set(gap["groups"]) == {"rural_public", "urban_public"} for gap in result["gaps"])
    else:
        assert result["anonymity"]["rural_urban"].endswith("_too_few")


def issue_example(pair_score: int) -> dict:
    """The case of the issue: 4 urban, 5 rural public bodies, 3 businesses and a civil-society pair."""
    def person(group, value):
        return {"group": group, "answers": {f"enabler.trust.{n}": value for n in (1, 2, 3)}}
    return {"profile": {}, "respondents": [
        *(person("urban_public", 4) for _ in range(4)), *(person("rural_public", 2) for _ in range(5)),
        *(person("business", 3) for _ in range(3)), *(person("civil_society", pair_score) for _ in range(2))]}


def test_the_issues_hidden_pair_cannot_be_computed():
    for value in (1, 5):
        document = issue_example(value)
        result = score_document_now(document, weighting="respondent")
        assert exposed_sets(document, "respondent", from_result(document, result)) == []
        # business joins civil society in the pool: rural and urban keep their levels
        assert set(result["groups"]) == {"urban_public", "rural_public", "other_stakeholders"}
        assert result["groups"]["other_stakeholders"]["n"] == 5
        assert result["anonymity"]["pooled"] == ["civil_society", "business"]
        assert result["anonymity"]["rural_urban"] == "compared"


def test_the_checker_finds_the_subtraction_of_the_old_result():
    """The checker is not vacuous: the figures the scorer used to publish for the issue's case (every group
    of 3 or more, the pair left out) expose the pair."""
    document = issue_example(5)
    result = score_document_now(document, weighting="respondent")
    published = from_result(document, result)
    members = {g: frozenset(i for i, r in enumerate(document["respondents"]) if r["group"] == g)
               for g in ("urban_public", "rural_public", "business")}
    published["enabler.trust"].means = [frozenset(range(14)), *members.values()]
    exposed = exposed_sets(document, "respondent", published)
    assert ("enabler.trust", ("person:12", "person:13")) in exposed
