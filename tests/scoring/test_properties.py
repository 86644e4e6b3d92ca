"""Property-based tests over random valid assessments: the scorer never breaks its own promises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaire import item_bank
from scoring.dimensions import DIMENSION_IDS, band
from tests.scoring.conftest import QUESTIONNAIRES, score_document_now

QUESTIONNAIRE = QUESTIONNAIRES["2026.1"]
SCORED_ITEMS = [item for item in QUESTIONNAIRE.items.values()
                if item.type == "scale"]


def value_for(item):
    values = list(item.option_values) + ([item_bank.DONT_KNOW] if item.allows_dont_know else [])
    return st.sampled_from(values)


answers_strategy = st.fixed_dictionaries({}, optional={item.id: value_for(item) for item in SCORED_ITEMS})
respondent_strategy = st.fixed_dictionaries(
    {"group": st.sampled_from(item_bank.GROUPS), "answers": answers_strategy},
    optional={"organisation": st.sampled_from(["Town", "Village", "Chamber", "Village "])},
)
profile_strategy = st.fixed_dictionaries({}, optional={
    "profile.explicit": st.sampled_from(["yes", "no"]),
    "profile.stage": st.sampled_from(["exploring", "starting", "operating", "mature"]),
    "profile.region_type": st.sampled_from([*item_bank.REGION_TYPES, "other"]),
    "profile.delegated_functions": st.sampled_from([["none"], [], ["transport"], ["transport", "environment"]]),
    "profile.funding": st.sampled_from([["none"], ["eu", "private"]]),
})
document_strategy = st.fixed_dictionaries({
    "profile": profile_strategy,
    "respondents": st.lists(respondent_strategy, min_size=1, max_size=9),
})


def check_dimensions(dimensions):
    assert set(dimensions) == set(DIMENSION_IDS)
    for result in dimensions.values():
        if result.get("withheld"):  # for anonymity (scoring/anonymity.py), not for want of answers
            assert result["score"] is None and result["band"] == "insufficient_data"
        elif result["score"] is None:
            assert result["band"] == "insufficient_data"
            assert 2 * result["answered"] < result["items"]
        else:
            assert 0 <= result["score"] <= 100
            assert result["band"] == band(result["score"])
            assert 2 * result["answered"] >= result["items"]


@settings(max_examples=150, deadline=None)
@given(document_strategy, st.sampled_from(["organisation", "respondent"]))
def test_any_valid_assessment_scores_consistently(document, weighting):
    result = score_document_now(document, weighting=weighting)
    check_dimensions(result["dimensions"])
    ranking = result["governance"]["ranking"]
    assert sorted(entry["model"] for entry in ranking) == sorted(item_bank.MODELS)
    assert all(0 <= entry["fit"] <= 100 for entry in ranking)
    assert [entry["fit"] for entry in ranking] == sorted((entry["fit"] for entry in ranking), reverse=True)
    assert result["governance"]["recommended"] == ranking[0]["model"]
    for group in result["groups"].values():
        assert group["n"] >= 3
        check_dimensions(group["dimensions"])
    groups_present = {r["group"] for r in document["respondents"]}
    shown_on_their_own = set(result["groups"]) - {"other_stakeholders"}
    assert len(shown_on_their_own) + result["suppressed_groups"] == len(groups_present)
    for gap in result["gaps"]:
        if gap["scores"][gap["groups"][0]] is None:  # a difference published without its levels
            assert gap["groups"] == ["rural_public", "urban_public"]
            assert gap["dimension"] in result["anonymity"]["differences_only"]
            assert all(result["groups"][g]["dimensions"][gap["dimension"]]["score"] is None
                       for g in gap["groups"] if g in result["groups"])
            continue
        assert set(gap["groups"]) <= set(result["groups"])
        assert gap["flagged"] == (gap["difference"] >= 15)
    for rec in result["recommendations"]:
        assert rec["because"] and all(b["rule"] and isinstance(b["evidence"], list) for b in rec["because"])
    order = ["high", "medium", "low"]
    assert [order.index(r["priority"]) for r in result["recommendations"]] == sorted(
        order.index(r["priority"]) for r in result["recommendations"])


@settings(max_examples=60, deadline=None)
@given(document_strategy)
def test_scoring_is_deterministic_and_order_of_organisations_does_not_matter(document):
    first = score_document_now(document)
    reversed_document = {**document, "respondents": list(reversed(document["respondents"]))}
    second = score_document_now(reversed_document)
    assert first["dimensions"] == second["dimensions"]
    assert first["governance"]["recommended"] == second["governance"]["recommended"] or (
        first["governance"]["ranking"][0]["fit"] == first["governance"]["ranking"][1]["fit"])


@settings(max_examples=100, deadline=None)
@given(document_strategy)
def test_triage_keeps_at_most_five_high_and_orders_by_the_fired_dimension(document):
    result = score_document_now(document)
    recommendations = result["recommendations"]
    assert sum(1 for r in recommendations if r["priority"] == "high") <= 5
    order = ["high", "medium", "low"]
    keys = [(order.index(r["priority"]), not r["first_step"]) for r in recommendations]
    assert keys == sorted(keys)
    ids = [r["id"] for r in recommendations]
    for position, recommendation in enumerate(recommendations):  # a repeat points back instead
        if recommendation["see_also"] is not None:
            assert recommendation["see_also"] in ids[:position] and recommendation["actions"] == []
        else:
            assert recommendation["actions"]
        # each action names the level that carries it out
        assert all(a["text"] and a["level"] in ("partnership", "local", "regional", "national")
                   for a in recommendation["actions"])


def test_a_weak_exploring_partnership_hears_awareness_first_and_five_high_at_most():
    """The review's case: a weak partnership got 17-21 "high" recommendations, and "make the links
    visible", by its own text the first step, came 14th."""
    answers = {item.id: (1 if item.scale == "agree5" else 4 if item.scale in ("severity5", "strength5") else "no")
               for item in SCORED_ITEMS}
    document = {"profile": {"profile.stage": "exploring", "profile.explicit": "no",
                            "profile.delegated_functions": ["none"]},
                "respondents": [{"group": g, "answers": answers} for g in ("rural_public", "urban_public")] * 2}
    recommendations = score_document_now(document)["recommendations"]
    assert sum(1 for r in recommendations if r["priority"] == "high") == 5
    assert "rec.awareness" in [r["id"] for r in recommendations[:3]]


def test_overlapping_recommendations_point_to_each_other_instead_of_repeating():
    from tests.scoring.builders import answers, enabler

    weak_capacity = answers(enabler=4, barrier=1, items={**enabler("capacity", 1), "barrier.capacity": 4})
    document = {"profile": {}, "respondents": [{"group": "rural_public", "answers": weak_capacity}]}
    recommendations = score_document_now(document)["recommendations"]
    by_id = {r["id"]: r for r in recommendations}
    first, second = sorted(("rec.capacity", "rec.barrier.capacity"), key=[r["id"] for r in recommendations].index)
    assert by_id[first]["see_also"] is None and by_id[first]["actions"]
    assert by_id[second]["see_also"] == first and by_id[second]["actions"] == []
