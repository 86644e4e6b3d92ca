"""Dimension scores 0–100 (docs/assessment-model.md §7): per respondent, then aggregated with weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from math import fsum
from typing import Any

from questionnaire import item_bank
from typography import half_up

PRACTICE_POINTS = {"no": 0.0, "partly": 50.0, "yes": 100.0}


# An answer on 0–100 (100 = good) by scale; "don't know" and unanswered have no points.
POINTS: dict[str, dict[Any, float]] = {
    "agree5": {v: (v - 1) * 25.0 for v in (1, 2, 3, 4, 5)},
    "strength5": {v: v * 25.0 for v in (0, 1, 2, 3, 4)},
    "severity5": {v: (4 - v) * 25.0 for v in (0, 1, 2, 3, 4)},  # reversed: 100 = no obstacle
    "practice3": PRACTICE_POINTS,
}


@dataclass(frozen=True)
class Dimension:
    id: str
    items: tuple[str, ...]
    scale: str

    def rescale(self, value: Any) -> float | None:
        """An answer on 0–100 (100 = good), or None for "don't know" and unanswered."""
        return POINTS[self.scale].get(value) if not isinstance(value, bool) else None


def _dimensions() -> tuple[Dimension, ...]:
    dims = [Dimension(f"enabler.{d}", tuple(f"enabler.{d}.{n}" for n in (1, 2, 3)), "agree5")
            for d in item_bank.ENABLERS]
    dims += [Dimension(f"barrier.{g}", (f"barrier.{g}",), "severity5") for g in item_bank.GAPS]
    dims += [Dimension(f"linkage.{k}", (f"linkage.{k}.strength",), "strength5") for k in item_bank.LINKAGES]
    dims.append(Dimension("practices", tuple(f"practice.{p}" for p in item_bank.PRACTICES), "practice3"))
    return tuple(dims)


DIMENSIONS: tuple[Dimension, ...] = _dimensions()
DIMENSION_IDS: tuple[str, ...] = tuple(d.id for d in DIMENSIONS)
class Band(StrEnum):
    """A dimension's band (docs/assessment-model.md §7): what the result, the workshop's agreed rating, the
    rules, the labels and the OpenAPI document all name."""

    STRENGTH = "strength"
    DEVELOPING = "developing"
    CONCERN = "concern"
    INSUFFICIENT_DATA = "insufficient_data"


BANDS: tuple[Band, ...] = tuple(Band)
SCORED_BANDS: tuple[Band, ...] = (Band.STRENGTH, Band.DEVELOPING, Band.CONCERN)  # a rating a group can agree on


@dataclass(frozen=True)
class BandThresholds:
    """Where the bands begin on 0–100 (scoring.yaml ``bands``): strength from ``strength``, developing from
    ``developing``, concern below."""

    strength: float = 75.0
    developing: float = 50.0

    def band(self, score: float | None) -> str:
        if score is None:
            return Band.INSUFFICIENT_DATA.value
        if score >= self.strength:
            return Band.STRENGTH.value
        if score >= self.developing:
            return Band.DEVELOPING.value
        return Band.CONCERN.value


DEFAULT_BANDS = BandThresholds()


def band(score: float | None, thresholds: BandThresholds = DEFAULT_BANDS) -> str:
    return thresholds.band(score)


ITEM_COUNTS: tuple[int, ...] = tuple(len(d.items) for d in DIMENSIONS)


@dataclass(frozen=True, slots=True)
class RespondentScores:
    """One respondent's score on every dimension (in DIMENSIONS order); None where fewer than half
    the items are answered, and the number of items answered."""

    scores: tuple[float | None, ...]
    answered: tuple[int, ...]

    def score(self, dimension_id: str) -> float | None:
        return self.scores[DIMENSION_IDS.index(dimension_id)]


def respondent_scores(answers: Mapping[str, object]) -> RespondentScores:
    scores, answered = [], []
    for dimension in DIMENSIONS:
        points = POINTS[dimension.scale]
        values = [points[v] for v in map(answers.get, dimension.items) if v in points and not isinstance(v, bool)]
        enough = 2 * len(values) >= len(dimension.items)
        scores.append(fsum(values) / len(values) if enough else None)
        answered.append(len(values))
    return RespondentScores(tuple(scores), tuple(answered))


def cluster_mean(values: Iterable[float | None], clusters: Iterable[int]) -> float | None:
    """Mean over clusters: values of one cluster (organisation) are averaged first, then clusters
    weigh the same. With one cluster per respondent this is the plain mean. None values are skipped."""
    sums: dict[int, list[float]] = {}
    for value, cluster in zip(values, clusters, strict=True):
        if value is not None:
            sums.setdefault(cluster, []).append(value)
    if not sums:
        return None
    # fsum is exactly rounded, so the result does not depend on the order of respondents.
    return fsum(fsum(values) / len(values) for values in sums.values()) / len(sums)


def dimension_result(score: float | None, answered: int, items: int,
                     thresholds: BandThresholds = DEFAULT_BANDS) -> dict[str, Any]:
    rounded = None if score is None else half_up(score, 1)
    return {"score": rounded, "band": thresholds.band(rounded), "answered": answered, "items": items}


def aggregate(rows: list[RespondentScores], clusters: list[int],
              thresholds: BandThresholds = DEFAULT_BANDS) -> dict[str, dict[str, Any]]:
    """Aggregate respondents' dimension scores; ``clusters`` gives each respondent's organisation
    (or the respondent itself under per-respondent weighting). A respondent without a score on a
    dimension is left out of that dimension only. ``answered`` and ``items`` count item answers over
    all respondents, and the half-answered rule holds for the group as for one person: when most of
    the group's answers are missing or "don't know", a few complete answers do not make a number."""
    score_columns = list(zip(*(row.scores for row in rows), strict=True)) if rows else [()] * len(DIMENSIONS)
    answered_columns = list(zip(*(row.answered for row in rows), strict=True)) if rows else [()] * len(DIMENSIONS)
    result = {}
    for dimension, items, scores, answered in zip(DIMENSIONS, ITEM_COUNTS, score_columns, answered_columns,
                                                  strict=True):
        total_answered, total_items = sum(answered), items * len(rows)
        mean = cluster_mean(scores, clusters) if 2 * total_answered >= total_items else None
        result[dimension.id] = dimension_result(mean, total_answered, total_items, thresholds)
    return result
