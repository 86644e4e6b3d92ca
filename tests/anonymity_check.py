"""An outsider's check of docs/assessment-model.md §7, independent of scoring/anonymity.py: from the figures a
surface publishes about a round, can the scores of any set of 1 or 2 respondents (or, under organisation
weighting, 1 or 2 organisations) be computed?

Every published figure on a dimension is a weighted mean of the unknown scores of the people (or
organisations) it covers: the overall score, each group's, the pool's; a published difference is one
mean minus another. The mean of a set T follows from them exactly when its weight vector lies in the span
of theirs, i.e. when it is orthogonal to every vector of their null space. Exact rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations

from scoring.dimensions import DIMENSION_IDS, respondent_scores


@dataclass
class Published:
    """What a surface shows about one dimension: sets of respondent indexes whose mean is shown, and
    pairs of such sets whose difference is shown."""

    means: list[frozenset[int]] = field(default_factory=list)
    differences: list[tuple[frozenset[int], frozenset[int]]] = field(default_factory=list)


def units_of(document: Mapping, weighting: str) -> list[str]:
    """Each respondent's unit: their organisation under organisation weighting, themselves otherwise."""
    return [f"org:{r['organisation']}" if weighting == "organisation" and r.get("organisation") else f"person:{i}"
            for i, r in enumerate(document["respondents"])]


def _weights(members: Iterable[int], contributors: set[int], units: Sequence[str]) -> dict[str, Fraction]:
    """The weight of each unit's score in the mean over ``members``: units weigh the same, and a unit is
    the mean of its contributing members (organisations lie within one group in these tests)."""
    covered = sorted({units[i] for i in members if i in contributors})
    return {unit: Fraction(1, len(covered)) for unit in covered}


def _null_space(rows: list[dict[str, Fraction]], columns: list[str]) -> list[dict[str, Fraction]]:
    matrix = [[row.get(c, Fraction(0)) for c in columns] for row in rows]
    pivots, r = [], 0
    for c in range(len(columns)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][c]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    basis = []
    for free in (c for c in range(len(columns)) if c not in pivots):
        vector = {columns[free]: Fraction(1)}
        for row_index, pivot in enumerate(pivots):
            if matrix[row_index][free] != 0:
                vector[columns[pivot]] = -matrix[row_index][free]
        basis.append(vector)
    return basis


def exposed_sets(document: Mapping, weighting: str, published: Mapping[str, Published]) -> list[tuple[str, tuple]]:
    """Every (dimension, set of 1 or 2 units) whose mean follows from what is published."""
    units = units_of(document, weighting)
    rows = [respondent_scores(r["answers"]) for r in document["respondents"]]
    found, seen = [], {}
    for dimension_id, shown in published.items():
        position = DIMENSION_IDS.index(dimension_id)
        contributors = {i for i, row in enumerate(rows) if row.scores[position] is not None}
        signature = (frozenset(contributors), tuple(shown.means), tuple(shown.differences))
        if signature in seen:  # the same people and figures as another dimension: the same answer
            found.extend((dimension_id, chosen) for chosen in seen[signature])
            continue
        before = len(found)
        functionals = [_weights(m, contributors, units) for m in shown.means]
        for first, second in shown.differences:
            a, b = _weights(first, contributors, units), _weights(second, contributors, units)
            functionals.append({u: a.get(u, 0) - b.get(u, 0) for u in set(a) | set(b)})
        functionals = [f for f in functionals if any(f.values())]
        if not functionals:
            seen[signature] = []
            continue
        columns = sorted({units[i] for i in contributors})
        null = _null_space(functionals, columns)
        for size in (1, 2):
            for chosen in combinations(columns, size):
                if all(sum(vector.get(u, 0) for u in chosen) == 0 for vector in null):
                    found.append((dimension_id, chosen))
        seen[signature] = [chosen for _, chosen in found[before:]]
    return found


def from_result(document: Mapping, result: Mapping) -> dict[str, Published]:
    """What a result (docs/assessment-model.md §8) publishes: the overall scores, each shown group's (the pool's
    members are the groups it names) and the rural-urban differences given without their levels."""
    members: dict[str, set[int]] = {}
    for index, respondent in enumerate(document["respondents"]):
        members.setdefault(respondent["group"], set()).add(index)
    pool = set().union(*(members.get(g, set()) for g in result.get("anonymity", {}).get("pooled", [])))
    everyone = frozenset(range(len(document["respondents"])))
    published = {}
    for dimension_id in DIMENSION_IDS:
        shown = Published()
        if result["dimensions"][dimension_id]["score"] is not None:
            shown.means.append(everyone)
        for group, data in result["groups"].items():
            if data["dimensions"][dimension_id]["score"] is not None:
                shown.means.append(frozenset(pool if group == "other_stakeholders" else members[group]))
        for gap in result["gaps"]:
            if gap["dimension"] == dimension_id and gap["scores"][gap["groups"][0]] is None:
                first, second = gap["groups"]
                shown.differences.append((frozenset(members[first]), frozenset(members[second])))
        published[dimension_id] = shown
    return published
