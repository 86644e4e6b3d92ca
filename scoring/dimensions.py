"""Dimension scores 0–100 (FRAMEWORK.md §7): per respondent, then aggregated with weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean

from questionnaire import item_bank

PRACTICE_POINTS = {"no": 0.0, "partly": 50.0, "yes": 100.0}


@dataclass(frozen=True)
class Dimension:
    id: str
    items: tuple[str, ...]
    scale: str

    def rescale(self, value) -> float | None:
        """An answer on 0–100 (100 = good), or None for "don't know" and unanswered."""
        if value is None or value == item_bank.DONT_KNOW:
            return None
        if self.scale == "agree5":
            return (value - 1) * 25.0
        if self.scale == "strength5":
            return value * 25.0
        if self.scale == "severity5":
            return (4 - value) * 25.0  # reversed: 100 = no obstacle
        return PRACTICE_POINTS[value]


def _dimensions() -> tuple[Dimension, ...]:
    dims = [Dimension(f"enabler.{d}", tuple(f"enabler.{d}.{n}" for n in (1, 2, 3)), "agree5")
            for d in item_bank.ENABLERS]
    dims += [Dimension(f"barrier.{g}", (f"barrier.{g}",), "severity5") for g in item_bank.GAPS]
    dims += [Dimension(f"linkage.{k}", (f"linkage.{k}.strength",), "strength5") for k in item_bank.LINKAGES]
    dims.append(Dimension("practices", tuple(f"practice.{p}" for p in item_bank.PRACTICES), "practice3"))
    return tuple(dims)


DIMENSIONS: tuple[Dimension, ...] = _dimensions()
DIMENSION_IDS: tuple[str, ...] = tuple(d.id for d in DIMENSIONS)
BANDS = ("strength", "developing", "concern", "insufficient_data")


def band(score: float | None) -> str:
    if score is None:
        return "insufficient_data"
    if score >= 75:
        return "strength"
    if score >= 50:
        return "developing"
    return "concern"


@dataclass(frozen=True)
class RespondentScore:
    """One respondent's score on one dimension; None when fewer than half the items are answered."""

    score: float | None
    answered: int
    items: int


def respondent_scores(answers: Mapping[str, object]) -> dict[str, RespondentScore]:
    scores = {}
    for dimension in DIMENSIONS:
        values = [v for v in (dimension.rescale(answers.get(i)) for i in dimension.items) if v is not None]
        enough = 2 * len(values) >= len(dimension.items)
        scores[dimension.id] = RespondentScore(fmean(values) if enough else None, len(values), len(dimension.items))
    return scores


def equal_weight_mean(values: Iterable[tuple[str, float]]) -> float | None:
    """Mean over clusters: values of one cluster (organisation) are averaged first, then clusters
    weigh the same. With one cluster per respondent this is the plain mean."""
    sums: dict[str, list[float]] = {}
    for cluster, value in values:
        sums.setdefault(cluster, []).append(value)
    if not sums:
        return None
    return fmean(fmean(cluster_values) for cluster_values in sums.values())


def dimension_result(score: float | None, answered: int, items: int) -> dict:
    rounded = None if score is None else round(score, 1)
    return {"score": rounded, "band": band(rounded), "answered": answered, "items": items}


def aggregate(per_respondent: list[dict[str, RespondentScore]], clusters: list[str]) -> dict[str, dict]:
    """Aggregate respondents' dimension scores; ``clusters`` names each respondent's organisation
    (or the respondent itself under per-respondent weighting). A respondent without a score on a
    dimension is left out of that dimension only. ``answered`` and ``items`` count item answers over
    all respondents, so "fewer than half answered" holds for the group as for one person."""
    result = {}
    for dimension in DIMENSIONS:
        mean = equal_weight_mean(
            (cluster, scores[dimension.id].score)
            for scores, cluster in zip(per_respondent, clusters, strict=True)
            if scores[dimension.id].score is not None
        )
        answered = sum(s[dimension.id].answered for s in per_respondent)
        items = sum(s[dimension.id].items for s in per_respondent)
        result[dimension.id] = dimension_result(mean, answered, items)
    return result
