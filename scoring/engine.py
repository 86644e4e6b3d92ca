"""From a parsed assessment to the result of docs/assessment-model.md §8."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import combinations
from typing import Any

from questionnaire import item_bank
from scoring import anonymity
from scoring.anonymity import RURAL_URBAN
from scoring.assessment import Assessment, Respondent
from scoring.catalogue import PRIORITIES, Precondition, RuleSet, Settings
from scoring.dimensions import DIMENSIONS, RespondentScores, aggregate, cluster_mean, respondent_scores
from scoring.rules import Facts, evaluate, explain
from typography import half_up, listed

WEIGHTINGS = ("organisation", "respondent")


def score(assessment: Assessment, rules: RuleSet, weighting: str = "organisation", lang: str = "en") -> dict[str, Any]:
    """Score a whole assessment. Pure: the same input always gives the same result."""
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
    with _cyclic_gc_paused():
        return _score(assessment, rules, weighting, lang)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while scoring (reference counting still frees what the scorer
    drops, and any cycle is collected once the collector runs again). Scoring allocates many small dicts
    and lists while the assessment's are alive, and each collection walks them all again: 10 % of scoring
    10,000 respondents, and growth above linear (bench/README.md). Only re-enabled if it was enabled, so
    concurrent scorings and a process that runs without the collector keep their state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _score(assessment: Assessment, rules: RuleSet, weighting: str, lang: str) -> dict[str, Any]:
    respondents = assessment.respondents
    per_respondent = [respondent_scores(r.answers) for r in respondents]
    clusters = _clusters(respondents, weighting)
    dimensions = aggregate(per_respondent, clusters, rules.settings.bands)
    if len(respondents) >= rules.settings.min_group_size:  # a group result: docs/assessment-model.md §7 holds
        dimensions = anonymity.withhold_thin(dimensions, per_respondent, clusters, rules.settings.min_group_size)

    groups, gaps, disclosure = _groups(respondents, per_respondent, clusters, rules.settings)
    contested = contested_dimensions(per_respondent, rules.settings)

    facts = Facts(answers=AggregatedAnswers(respondents, clusters), profile=assessment.profile,
                  dimensions=dimensions, gaps=gaps, contested=tuple(contested),
                  governance={"current": current_model(assessment.profile)})
    decided = governance(facts, rules, lang, len(respondents))
    ranking = decided["ranking"]
    governance_result = {"current": facts.governance["current"], "recommended": ranking[0]["model"],
                         "ranking": ranking, "pathway": decided["pathway"]}
    facts = Facts(answers=facts.answers, profile=facts.profile, dimensions=dimensions, gaps=gaps,
                  contested=facts.contested, governance={"current": governance_result["current"],
                              "recommended": governance_result["recommended"]})

    return {
        "questionnaire": assessment.questionnaire,
        "partnership": assessment.partnership,
        "rules": rules.version,
        "respondents": len(respondents),
        "organisations": len(set(_clusters(respondents, "organisation"))),
        "weighting": weighting,
        "dimensions": dimensions,
        "governance": governance_result,
        "recommendations": select_recommendations(facts, rules, lang, len(respondents)),
        "groups": groups,
        "suppressed_groups": disclosure["suppressed"],
        "gaps": gaps,
        "contested": contested,
        "anonymity": disclosure["anonymity"],
    }


def _clusters(respondents: tuple[Respondent, ...], weighting: str) -> list[int]:
    """Each respondent's weighting cluster as a small integer: its organisation, or itself."""
    if weighting != "organisation":
        return list(range(len(respondents)))
    index: dict[str, int] = {}
    return [index.setdefault(r.cluster, len(index)) for r in respondents]


def current_model(profile: Mapping[str, Any]) -> str | None:
    """The model partners use today, from profile.explicit and profile.delegated_functions."""
    explicit = profile.get("profile.explicit")
    functions = profile.get("profile.delegated_functions")
    if explicit not in ("yes", "no") or functions is None:
        return None
    delegated = bool(set(functions) - {"none"})
    return f"{'explicit' if explicit == 'yes' else 'implicit'}_{'delegated' if delegated else 'non_delegated'}"


class AggregatedAnswers(Mapping[str, Any]):
    """One value per item for rules, computed when a rule first asks: the weighted mean of a numeric
    scale, the weighted median of the ordered no/partly/yes scale (the lower one on an exact tie, so a
    split never reads as better than it is), "dont_know" when that is all anyone said."""

    def __init__(self, respondents: tuple[Respondent, ...], clusters: list[int]) -> None:
        self._respondents, self._clusters = respondents, clusters
        self._cache: dict[str, Any] = {}

    def __getitem__(self, item_id: str) -> Any:
        if item_id not in self._cache:
            self._cache[item_id] = self._aggregate(item_id)
        if self._cache[item_id] is None:
            raise KeyError(item_id)
        return self._cache[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter({item_id for r in self._respondents for item_id in r.answers})

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _aggregate(self, item_id: str) -> Any:
        answered = [(c, r.answers[item_id]) for r, c in zip(self._respondents, self._clusters, strict=True)
                    if item_id in r.answers]
        if not answered:
            return None
        known = [(c, v) for c, v in answered if v != item_bank.DONT_KNOW]
        if not known:
            return item_bank.DONT_KNOW
        if all(isinstance(v, int) for _, v in known):
            values = {v for _, v in known}
            mean = cluster_mean((v for _, v in known), (c for c, _ in known))
            return values.pop() if len(values) == 1 or mean is None else half_up(mean, 2)
        if all(v in item_bank.SCALES["practice3"] for _, v in known):
            return _weighted_median(known)
        return known[0][1]


def _weighted_median(answered: list[tuple[int, str]]) -> str:
    members = Counter(cluster for cluster, _ in answered)
    weights: dict[Any, float] = dict.fromkeys(item_bank.SCALES["practice3"], 0.0)
    for cluster, value in answered:
        weights[value] += 1 / members[cluster]
    half, running = sum(weights.values()) / 2, 0.0
    for scale_value in item_bank.SCALES["practice3"]:
        running += weights[scale_value]
        if running >= half - 1e-9:
            return str(scale_value)
    raise AssertionError("unreachable: weights sum to the total")


def _groups(respondents: Sequence[Respondent], per_respondent: Sequence[RespondentScores], clusters: list[int],
            settings: Settings) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """The stakeholder groups, the perception gaps between them and what was withheld, within the
    anonymity rule of docs/assessment-model.md §7 (scoring/anonymity.py)."""
    minimum = settings.min_group_size
    disclosure = anonymity.plan([r.group for r in respondents], clusters, minimum)
    units = {**disclosure.units, **({g: disclosure.pair[g] for g in RURAL_URBAN} if disclosure.difference_only else {})}
    results = {unit: aggregate([per_respondent[i] for i in indexes], [clusters[i] for i in indexes], settings.bands)
               for unit, indexes in units.items()}
    groups: dict[str, dict[str, Any]] = {unit: {"n": len(disclosure.units[unit]), "dimensions": {}}
                                         for unit in disclosure.units}
    differences: list[tuple[str, dict[str, float]]] = []
    withheld = 0
    for position, dimension in enumerate(DIMENSIONS):
        contributors = {i for i, row in enumerate(per_respondent) if row.scores[position] is not None}
        scored = {unit for unit, result in results.items() if result[dimension.id]["score"] is not None}
        shown, difference = anonymity.cells(disclosure, contributors, scored, clusters, minimum)
        for unit in disclosure.units:
            cell = results[unit][dimension.id]
            if unit in shown or cell["score"] is None:
                groups[unit]["dimensions"][dimension.id] = cell
            else:
                groups[unit]["dimensions"][dimension.id] = {**cell, "score": None, "band": "insufficient_data",
                                                            "withheld": True}
                withheld += 1
        if difference:
            differences.append((dimension.id, {g: results[g][dimension.id]["score"] for g in RURAL_URBAN}))
    gaps = perception_gaps(groups, settings, differences)
    return groups, gaps, {"suppressed": disclosure.suppressed, "anonymity": {
        "minimum": minimum,
        "pooled": list(disclosure.pooled),
        "withheld_groups": list(disclosure.withheld),
        "difference_only": disclosure.difference_only,
        "rural_urban": disclosure.rural_urban,
        "withheld_cells": withheld,
        "differences_only": [dimension_id for dimension_id, _ in differences],
    }}


def perception_gaps(groups: Mapping[str, Mapping[str, Any]], settings: Settings,
                    differences: Sequence[tuple[str, dict[str, float]]] = ()) -> list[dict[str, Any]]:
    """Every pair of shown groups on every dimension both can score, and the rural-urban differences
    published without their levels (``differences``: the dimension and the two hidden scores); rural and
    urban public first. ``higher`` names the group with the higher score (None on a tie)."""
    gaps = []
    for first, second in combinations(list(groups), 2):
        for dimension in DIMENSIONS:
            a = groups[first]["dimensions"][dimension.id]
            b = groups[second]["dimensions"][dimension.id]
            if a["score"] is None or b["score"] is None:
                continue
            gaps.append(_gap(dimension.id, first, second, a["score"], b["score"], settings,
                             {first: a["score"], second: b["score"]}))
    for dimension_id, scores in differences:
        first, second = RURAL_URBAN
        gaps.append(_gap(dimension_id, first, second, scores[first], scores[second], settings,
                         {first: None, second: None}))
    rural_urban = set(RURAL_URBAN)
    gaps.sort(key=lambda g: (set(g["groups"]) != rural_urban, not g["flagged"], -g["difference"]))
    return gaps


def _gap(dimension_id: str, first: str, second: str, a: float, b: float, settings: Settings,
         shown: dict[str, float | None]) -> dict[str, Any]:
    difference = half_up(abs(a - b), 1)
    return {
        "dimension": dimension_id,
        "groups": [first, second],
        "scores": shown,
        "difference": difference,
        "higher": None if difference == 0 else first if a > b else second,
        # docs/assessment-model.md §7: a few points across a band boundary are noise, not a finding
        "flagged": difference >= settings.gap_flag_points,
    }


def contested_dimensions(per_respondent: Sequence[RespondentScores], settings: Settings) -> list[str]:
    """Dimensions where respondents disagree widely: a spread of a full scale step or more, or a split
    between strength and concern (the measure is explained in rules/scoring.yaml)."""
    contested = []
    columns = list(zip(*(row.scores for row in per_respondent), strict=True))
    for dimension, column in zip(DIMENSIONS, columns, strict=True):
        scores = [s for s in column if s is not None]
        n = len(scores)
        if n < settings.contested_min_respondents:
            continue
        mean = sum(scores) / n
        spread = (sum((s - mean) ** 2 for s in scores) / n) ** 0.5  # population standard deviation
        strengths = sum(1 for s in scores if s >= settings.bands.strength)
        concerns = sum(1 for s in scores if s < settings.bands.developing)
        split = min(strengths, concerns) / n >= settings.contested_split_share
        if spread >= settings.contested_sd_points - 1e-9 or split:
            contested.append(dimension.id)
    return contested


DELEGATED = ("explicit_delegated", "implicit_delegated")
GATED = ("explicit_delegated",)  # what delegation's preconditions hold back: a partnership body with powers
PATHWAYS = ("keep_and_reform", "move_lighter", "make_explicit", "delegate_one_function")


def governance(facts: Facts, rules: RuleSet, lang: str, respondents: int = 1) -> dict[str, Any]:
    """The four models ranked with their fit and reasons, best first (on a tie the current model first,
    then the framework's order), and the pathway the ranking implies (see governance.yaml's header). A
    reason is ``{"factor", "effect", "text", "evidence"}`` (docs/assessment-model.md §8), its evidence rendered in
    ``lang``; ``effect`` is points, or a pathway word: ``safeguard`` (a risk of the model in use, answered
    by reform rather than by leaving it) and ``precondition`` (a delegated model held back because
    delegation's preconditions do not hold)."""
    current = facts.governance.get("current")
    fits: dict[str, int] = {model_id: model.base for model_id, model in rules.models.items()}
    reasons: dict[str, list[dict[str, Any]]] = {model_id: [] for model_id in rules.models}
    safeguards: list[dict[str, Any]] = []
    for factor in rules.factors:
        trace = evaluate(factor.when, facts)
        if not trace.held:
            continue
        words = _words(trace.evidence, rules, lang, respondents)
        for model_id, points in factor.effects.items():
            if points == 0:
                continue
            reason: dict[str, Any] = {"factor": factor.id, "effect": points, "text": factor.reason[lang],
                                      "evidence": words}
            if factor.risk and points < 0 and model_id == current:
                reason = {**reason, "effect": "safeguard"}
                if all(s["factor"] != factor.id for s in safeguards):
                    safeguards.append(reason)
            else:
                fits[model_id] += points
            reasons[model_id].append(reason)
    preconditions = [_precondition(pre, facts, rules, lang, respondents) for pre in rules.preconditions]
    unmet = [pre for pre in preconditions if not pre["held"]]
    if unmet:  # a new body with delegated powers waits; giving existing bodies a task does not
        best_light = max(fits[m] for m in rules.models if m not in DELEGATED)
        for model_id in GATED:
            if model_id != current and fits[model_id] >= best_light:
                fits[model_id] = best_light - 1
            if model_id != current:
                reasons[model_id].append({"factor": "delegation_preconditions", "effect": "precondition",
                                          "text": listed((pre["text"] for pre in unmet), lang),
                                          "evidence": [e for pre in unmet for e in pre["evidence"]][:6]})
    ranking: list[dict[str, Any]] = [{"model": m, "fit": max(0, min(100, fits[m])), "reasons": reasons[m]}
                                     for m in item_bank.MODELS]
    ranking.sort(key=lambda entry: (-entry["fit"], entry["model"] != current))  # stable otherwise
    recommended = ranking[0]["model"]
    return {"ranking": ranking, "pathway": {
        "id": pathway(current, recommended), "safeguards": safeguards if recommended == current else [],
        "preconditions": preconditions,
        "function": next((e["id"].removesuffix(".managed").removeprefix("linkage.") for pre in preconditions
                          if pre["id"] == "pre.a_function" and pre["held"] for e in pre["evidence"]
                          if e["subject"] == "question"), None) if recommended in DELEGATED else None,
    }}


def _precondition(pre: Precondition, facts: Facts, rules: RuleSet, lang: str, respondents: int) -> dict[str, Any]:
    trace = evaluate(pre.when, facts)
    found = trace.evidence if trace.held else explain(pre.when, facts)  # what failed, when it failed
    return {"id": pre.id, "held": trace.held, "text": pre.reason[lang],
            "evidence": _words(found, rules, lang, respondents)}


def pathway(current: str | None, recommended: str) -> str:
    """What the partnership should do, from the model it uses to the one recommended."""
    if recommended == current == "implicit_delegated":
        return "make_explicit"  # existing bodies carry the task: give them an explicit rural-urban mandate
    if recommended == current:
        return "keep_and_reform"
    if recommended in DELEGATED and current not in DELEGATED and (current or "").startswith("explicit"):
        return "delegate_one_function"
    if current is None or (current.startswith("implicit") and not recommended.startswith("implicit")) or (
            current == "implicit_non_delegated" and recommended == "implicit_delegated"):
        return "make_explicit"  # name the partnership, or give existing bodies an explicit rural-urban mandate
    return "move_lighter"


def _words(found: Iterable[dict[str, Any]], rules: RuleSet, lang: str, respondents: int) -> list[dict[str, Any]]:
    return [rules.words.render(item, lang, respondents) for item in found]


def select_recommendations(facts: Facts, rules: RuleSet, lang: str, respondents: int = 1) -> list[dict[str, Any]]:
    """The recommendations whose rules hold, triaged: by priority; among equals, the partnership's first
    steps for its stage (scoring.yaml ``first_steps``), then the lowest score of the enablers and obstacles
    whose rules fired (never a linkage's strength or the practices composite, which measure something
    else), then the catalogue's order. At most ``max_high`` keep high priority; the next go one lower."""
    first_steps = set(rules.settings.first_steps.get(facts.profile.get("profile.stage") or "", ()))
    selected: list[list[Any]] = []
    for position, entry in enumerate(rules.recommendations):
        because: list[dict[str, Any]] = []
        priorities: list[int] = []
        for rule in entry.rules:
            trace = evaluate(rule.when, facts)
            if trace.held:
                because.append({"rule": rule.id, "evidence": _words(trace.evidence, rules, lang, respondents)})
                priorities.append(PRIORITIES.index(rule.priority))
        if not because:
            continue
        urgency = _fired_score(because, entry.addresses, facts)
        first = bool(first_steps & set(entry.addresses))
        selected.append([min(priorities), not first, urgency, position, {
            "id": entry.id,
            "title": entry.title[lang],
            "priority": PRIORITIES[min(priorities)],
            "level": entry.level,
            "addresses": list(entry.addresses),
            "explanation": entry.explanation[lang],
            "actions": [{"text": action[lang], "level": action["level"]} for action in entry.actions],
            "example": entry.example[lang] if entry.example else None,
            "first_step": first,
            "because": because,
        }])
    selected.sort(key=lambda row: row[:4])
    high = 0
    for row in selected:
        if row[0] == 0:
            high += 1
            if high > rules.settings.max_high:
                row[0] = 1
                row[4]["priority"] = PRIORITIES[1]
    selected.sort(key=lambda row: row[:4])
    return _see_also([row[4] for row in selected], rules)


def _see_also(recommendations: list[dict[str, Any]], rules: RuleSet) -> list[dict[str, Any]]:
    """A recommendation that says much the same as one listed before it points to it ("see also")
    instead of repeating its actions; its reasons stay."""
    overlaps = {entry.id: entry.overlaps for entry in rules.recommendations}
    listed: list[str] = []
    for recommendation in recommendations:
        earlier = next((other for other in listed if other in overlaps[recommendation["id"]]), None)
        recommendation["see_also"] = earlier
        if earlier is not None:
            recommendation["actions"] = []
        listed.append(recommendation["id"])
    return recommendations


JUDGED = ("enabler.", "barrier.")


def _fired_score(because: list[dict[str, Any]], addresses: tuple[str, ...], facts: Facts) -> float:
    """The lowest score of an enabler or obstacle that the fired rules looked at (the dimension of a
    question they read counts); else of those the recommendation addresses; 100 when there is none."""
    looked_at = set()
    for reason in because:
        for item in reason["evidence"]:
            if item["subject"] in ("dimension", "gap", "contested"):
                looked_at.add(item["id"])
            elif item["subject"] == "question" and item["id"]:
                looked_at.add(_DIMENSION_OF.get(item["id"]))
    scores = [facts.dimensions[d]["score"] for d in looked_at if d and d.startswith(JUDGED)
              and facts.dimensions[d]["score"] is not None]
    if not scores:
        scores = [facts.dimensions[d]["score"] for d in addresses if d.startswith(JUDGED)
                  and facts.dimensions[d]["score"] is not None]
    return min(scores, default=100.0)


_DIMENSION_OF = {item_id: dimension.id for dimension in DIMENSIONS for item_id in dimension.items}
