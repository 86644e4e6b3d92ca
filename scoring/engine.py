"""From a parsed assessment to the result of FRAMEWORK.md §8."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from itertools import combinations
from statistics import pstdev
from typing import Any

from questionnaire import item_bank
from scoring.assessment import Assessment, Respondent
from scoring.catalogue import PRIORITIES, RuleSet, Settings
from scoring.dimensions import DIMENSIONS, aggregate, band, equal_weight_mean, respondent_scores
from scoring.rules import Facts, evaluate

WEIGHTINGS = ("organisation", "respondent")


def score(assessment: Assessment, rules: RuleSet, weighting: str = "organisation", lang: str = "en") -> dict:
    """Score a whole assessment. Pure: the same input always gives the same result."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
    respondents = assessment.respondents
    per_respondent = [respondent_scores(r.answers) for r in respondents]
    clusters = _clusters(respondents, weighting)
    dimensions = aggregate(per_respondent, clusters)

    groups, suppressed = _groups(respondents, per_respondent, weighting, rules.settings)
    gaps = perception_gaps(groups, rules.settings)
    contested = contested_dimensions(per_respondent, rules.settings)

    facts = Facts(answers=aggregate_answers(respondents, clusters), profile=assessment.profile,
                  dimensions=dimensions, gaps=gaps,
                  governance={"current": current_model(assessment.profile)})
    ranking = governance_ranking(facts, rules, lang)
    governance = {"current": facts.governance["current"], "recommended": ranking[0]["model"], "ranking": ranking}
    facts = Facts(answers=facts.answers, profile=facts.profile, dimensions=dimensions, gaps=gaps,
                  governance={"current": governance["current"], "recommended": governance["recommended"]})

    return {
        "questionnaire": assessment.questionnaire,
        "partnership": assessment.partnership,
        "rules": rules.version,
        "respondents": len(respondents),
        "organisations": len(set(_clusters(respondents, "organisation"))),
        "weighting": weighting,
        "dimensions": dimensions,
        "governance": governance,
        "recommendations": select_recommendations(facts, rules, lang),
        "groups": groups,
        "suppressed_groups": suppressed,
        "gaps": gaps,
        "contested": contested,
    }


def _clusters(respondents: tuple[Respondent, ...], weighting: str) -> list[str]:
    if weighting == "organisation":
        return [r.cluster for r in respondents]
    return [f"respondent:{r.number}" for r in respondents]


def current_model(profile: Mapping[str, Any]) -> str | None:
    """The model partners use today, from profile.explicit and profile.delegated_functions."""
    explicit = profile.get("profile.explicit")
    functions = profile.get("profile.delegated_functions")
    if explicit not in ("yes", "no") or functions is None:
        return None
    delegated = bool(set(functions) - {"none"})
    return f"{'explicit' if explicit == 'yes' else 'implicit'}_{'delegated' if delegated else 'non_delegated'}"


def aggregate_answers(respondents: tuple[Respondent, ...], clusters: list[str]) -> dict[str, Any]:
    """One value per item for rules: the weighted mean of a numeric scale, the weighted median of the
    ordered no/partly/yes scale (the lower one on an exact tie, so a split never reads as better than
    it is), "dont_know" when that is all anyone said."""
    by_item: dict[str, list[tuple[str, Any]]] = {}
    for respondent, cluster in zip(respondents, clusters, strict=True):
        for item_id, value in respondent.answers.items():
            by_item.setdefault(item_id, []).append((cluster, value))
    facts: dict[str, Any] = {}
    for item_id, answered in by_item.items():
        known = [(c, v) for c, v in answered if v != item_bank.DONT_KNOW]
        if not known:
            facts[item_id] = item_bank.DONT_KNOW
        elif all(isinstance(v, int) for _, v in known):
            values = {v for _, v in known}
            facts[item_id] = values.pop() if len(values) == 1 else round(equal_weight_mean(known), 2)
        elif all(isinstance(v, str) for _, v in known) and item_id.startswith(("practice.", "linkage.")):
            facts[item_id] = _weighted_median(known)
        else:
            facts[item_id] = known[0][1]
    return facts


def _weighted_median(answered: list[tuple[str, str]]) -> str:
    members = Counter(cluster for cluster, _ in answered)
    weights: Counter[str] = Counter()
    for cluster, value in answered:
        weights[value] += 1 / members[cluster]
    half, running = sum(weights.values()) / 2, 0.0
    for value in item_bank.SCALES["practice3"]:
        running += weights[value]
        if running >= half - 1e-9:
            return value
    raise AssertionError("unreachable: weights sum to the total")


def _groups(respondents, per_respondent, weighting: str, settings: Settings) -> tuple[dict, int]:
    members: dict[str, list[int]] = {}
    for index, respondent in enumerate(respondents):
        members.setdefault(respondent.group, []).append(index)
    groups, suppressed = {}, 0
    for group in item_bank.GROUPS:
        indexes = members.get(group, [])
        if not indexes:
            continue
        if len(indexes) < settings.min_group_size:
            suppressed += 1
            continue
        subset = tuple(respondents[i] for i in indexes)
        groups[group] = {"n": len(indexes),
                         "dimensions": aggregate([per_respondent[i] for i in indexes], _clusters(subset, weighting))}
    return groups, suppressed


def perception_gaps(groups: Mapping[str, Mapping], settings: Settings) -> list[dict]:
    """Every pair of shown groups on every dimension both can score; rural/urban public first."""
    gaps = []
    for first, second in combinations(list(groups), 2):
        for dimension in DIMENSIONS:
            a = groups[first]["dimensions"][dimension.id]
            b = groups[second]["dimensions"][dimension.id]
            if a["score"] is None or b["score"] is None:
                continue
            difference = round(abs(a["score"] - b["score"]), 1)
            gaps.append({
                "dimension": dimension.id,
                "groups": [first, second],
                "scores": {first: a["score"], second: b["score"]},
                "difference": difference,
                "flagged": difference >= settings.gap_flag_points or a["band"] != b["band"],
            })
    rural_urban = {"rural_public", "urban_public"}
    gaps.sort(key=lambda g: (set(g["groups"]) != rural_urban, not g["flagged"], -g["difference"]))
    return gaps


def contested_dimensions(per_respondent, settings: Settings) -> list[str]:
    """Dimensions where respondents disagree widely: a spread of a full scale step or more, or a split
    between strength and concern (the measure is explained in rules/scoring.yaml)."""
    contested = []
    for dimension in DIMENSIONS:
        scores = [s[dimension.id].score for s in per_respondent if s[dimension.id].score is not None]
        if len(scores) < settings.contested_min_respondents:
            continue
        bands = Counter(band(s) for s in scores)
        split = min(bands["strength"], bands["concern"]) / len(scores) >= settings.contested_split_share
        if pstdev(scores) >= settings.contested_sd_points or split:
            contested.append(dimension.id)
    return contested


def governance_ranking(facts: Facts, rules: RuleSet, lang: str) -> list[dict]:
    fits = {model_id: model.base for model_id, model in rules.models.items()}
    reasons: dict[str, list[str]] = {model_id: [] for model_id in rules.models}
    for factor in rules.factors:
        trace = evaluate(factor.when, facts)
        if not trace.held:
            continue
        for model_id, points in factor.effects.items():
            if points == 0:
                continue
            fits[model_id] += points
            reasons[model_id].append(
                f"{points:+d}: {factor.reason[lang]} ({'; '.join(trace.evidence)})" if trace.evidence
                else f"{points:+d}: {factor.reason[lang]}"
            )
    ranking = [{"model": m, "fit": max(0, min(100, fits[m])), "reasons": reasons[m]} for m in item_bank.MODELS]
    ranking.sort(key=lambda entry: -entry["fit"])  # stable: ties keep the framework's order
    return ranking


def select_recommendations(facts: Facts, rules: RuleSet, lang: str) -> list[dict]:
    selected = []
    for position, entry in enumerate(rules.recommendations):
        because, priorities = [], []
        for rule in entry.rules:
            trace = evaluate(rule.when, facts)
            if trace.held:
                because.append({"rule": rule.id, "evidence": list(trace.evidence)})
                priorities.append(PRIORITIES.index(rule.priority))
        if not because:
            continue
        scores = [facts.dimensions[d]["score"] for d in entry.addresses if facts.dimensions[d]["score"] is not None]
        selected.append(((min(priorities), min(scores, default=100.0), position), {
            "id": entry.id,
            "title": entry.title[lang],
            "priority": PRIORITIES[min(priorities)],
            "level": entry.level,
            "addresses": list(entry.addresses),
            "explanation": entry.explanation[lang],
            "actions": [action[lang] for action in entry.actions],
            "example": entry.example[lang] if entry.example else None,
            "because": because,
        }))
    selected.sort(key=lambda pair: pair[0])
    return [recommendation for _, recommendation in selected]
