"""Anonymity by arithmetic (docs/assessment-model.md §7): which group figures a round may publish.

A group shown with fewer than 3 respondents exposes them directly; a group hidden while everything
around it is published exposes them by subtraction (the overall score minus the shown groups, weighted
by their n, is the hidden pair's mean). So every figure a round publishes about a set of respondents
is a mean over a *unit*, and the units are chosen so that what is left when they are all subtracted
from the whole is empty or has 3 people (under organisation weighting, 3 organisations) as well:

1. A stakeholder group with at least 3 respondents (and 3 organisations under organisation weighting)
   is shown on its own.
2. Smaller groups are pooled into one ``other_stakeholders`` group. When the pool is still too small,
   the smallest shown group other than rural and urban public bodies joins it (secondary suppression),
   so that the rural-urban comparison survives.
3. When only rural and urban public bodies are left to join, they are shown by their difference alone
   (a difference with two unknown levels gives nobody's level away), and the small pool stays hidden.

The same holds per dimension, because not everyone scores every dimension: a cell whose contributors
are fewer than 3 is withheld, and when what is withheld would be computable, more cells are withheld
in the same order of preference (the other groups first, then rural and urban by difference only).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from questionnaire import item_bank

if TYPE_CHECKING:
    from scoring.dimensions import RespondentScores

POOL = "other_stakeholders"
RURAL_URBAN = ("rural_public", "urban_public")
ORDER = (*item_bank.GROUPS, POOL)


def enough(indexes: Sequence[int] | set[int], clusters: Sequence[int], minimum: int) -> bool:
    """At least ``minimum`` respondents in at least ``minimum`` weighting clusters (organisations under
    organisation weighting; with one cluster per respondent the two are the same)."""
    return len(indexes) >= minimum and len({clusters[i] for i in indexes}) >= minimum


@dataclass(frozen=True)
class Disclosure:
    """The units a round publishes: each a group (or the pool) and its respondents' indexes."""

    units: dict[str, tuple[int, ...]]
    pooled: tuple[str, ...]            # groups inside the published pool
    withheld: tuple[str, ...]          # groups present but not shown on their own, nor pooled
    difference_only: bool              # rural and urban public bodies shown by their difference only
    pair: dict[str, tuple[int, ...]]   # rural and urban public bodies' respondents, where present
    rural_urban: str                   # compared | difference_only | rural_too_few | urban_too_few | both_too_few

    @property
    def suppressed(self) -> int:
        """Groups present that are not shown on their own."""
        return len(self.pooled) + len(self.withheld) + (2 if self.difference_only else 0)


def _size(indexes: Sequence[int], clusters: Sequence[int], group: str) -> tuple[int, int, int]:
    return len({clusters[i] for i in indexes}), len(indexes), -ORDER.index(group)


def plan(groups: Sequence[str], clusters: Sequence[int], minimum: int) -> Disclosure:
    """The round-level units, from each respondent's group and weighting cluster."""
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    present = [g for g in ORDER if g in members]
    shown = [g for g in present if enough(members[g], clusters, minimum)]
    pooled = [g for g in present if g not in shown]
    pool = [i for g in pooled for i in members[g]]
    difference_only = False
    while pool and not enough(pool, clusters, minimum):
        others = [g for g in shown if g not in RURAL_URBAN]
        if others:
            joining = min(others, key=lambda g: _size(members[g], clusters, g))
        elif all(g in shown for g in RURAL_URBAN):
            difference_only = True
            break
        elif shown:
            joining = shown[0]
        else:
            break
        shown.remove(joining)
        pooled.append(joining)
        pool.extend(members[joining])
    units = {g: tuple(members[g]) for g in shown if not (difference_only and g in RURAL_URBAN)}
    # A pool of everyone is the overall result again: nothing to show beside it.
    published_pool = bool(pool) and enough(pool, clusters, minimum) and len(pool) < len(groups)
    if published_pool:
        units[POOL] = tuple(sorted(pool))
    too_few = [g for g in RURAL_URBAN if not enough(members.get(g, []), clusters, minimum)]
    status = ("both_too_few" if len(too_few) == 2 else f"{too_few[0].split('_')[0]}_too_few" if too_few
              else "difference_only" if difference_only else "compared")
    return Disclosure(
        units=units,
        pooled=tuple(pooled) if published_pool else (),
        withheld=() if published_pool else tuple(pooled),
        difference_only=difference_only,
        pair={g: tuple(members[g]) for g in RURAL_URBAN if g in members},
        rural_urban=status,
    )


def cells(disclosure: Disclosure, contributors: set[int], scored: set[str], clusters: Sequence[int],
          minimum: int) -> tuple[set[str], bool]:
    """For one dimension: which units' scores may be shown, and whether the rural-urban difference may be.
    ``contributors`` are the respondents with a score on the dimension; ``scored`` the units whose
    aggregate is a number (the others show "insufficient data" anyway)."""
    def part(unit_members: Collection[int]) -> set[int]:
        return contributors.intersection(unit_members)

    shown = {u for u in disclosure.units if u in scored and enough(part(disclosure.units[u]), clusters, minimum)}
    pair_scorable = (len(disclosure.pair) == 2 and all(g in scored for g in RURAL_URBAN)
                     and all(enough(part(disclosure.pair[g]), clusters, minimum) for g in RURAL_URBAN))
    difference = disclosure.difference_only and pair_scorable
    while True:
        covered = set().union(*(part(disclosure.units[u]) for u in shown))
        hidden = contributors - covered
        if not hidden or enough(hidden, clusters, minimum):
            return shown, difference
        others = [u for u in shown if u not in RURAL_URBAN]
        if others:
            shown.discard(min(others, key=lambda u: _size(tuple(part(disclosure.units[u])), clusters, u)))
        elif pair_scorable and all(g in shown for g in RURAL_URBAN):
            shown -= set(RURAL_URBAN)
            difference = True
        elif shown:
            shown.discard(min(shown, key=lambda u: _size(tuple(part(disclosure.units[u])), clusters, u)))
        else:
            return shown, difference


def withhold_thin(dimensions: dict[str, dict[str, Any]], per_respondent: Sequence[RespondentScores],
                  clusters: Sequence[int], minimum: int) -> dict[str, Any]:
    """A group result's dimension scores, withholding those that fewer than ``minimum`` respondents (or
    organisations) gave a score to: ten people of whom two scored the linkages would publish those two's
    mean, and the groups' answer counts say where they sit."""
    out = {}
    for position, (dimension_id, cell) in enumerate(dimensions.items()):
        contributors = [i for i, row in enumerate(per_respondent) if row.scores[position] is not None]
        thin = cell["score"] is not None and not enough(contributors, clusters, minimum)
        out[dimension_id] = {**cell, "score": None, "band": "insufficient_data", "withheld": True} if thin else cell
    return out
