"""Assessment documents for scorer tests, built from a few numbers instead of 75 literal answers."""

from __future__ import annotations

from typing import Any

from questionnaire import item_bank

PROFILE = {
    "profile.region_type": "network_small_medium_cities",
    "profile.stage": "operating",
    "profile.explicit": "yes",
    "profile.form": "written_agreement",
    "profile.delegated_functions": ["none"],
}


def answers(enabler: Any = 4, barrier: Any = 1, strength: Any = 2, managed: Any = "partly",
            practice: Any = "partly", **overrides: Any) -> dict[str, Any]:
    """One respondent's answers with the same value on every item of a kind; ``overrides`` use item ids
    with dots replaced by double underscores (``enabler__trust__1=2``) or a dict via ``items=``."""
    result: dict[str, Any] = {}
    for d in item_bank.ENABLERS:
        for n in (1, 2, 3):
            result[f"enabler.{d}.{n}"] = enabler
    for g in item_bank.GAPS:
        result[f"barrier.{g}"] = barrier
    for k in item_bank.LINKAGES:
        result[f"linkage.{k}.strength"] = strength
        result[f"linkage.{k}.managed"] = managed
    for p in item_bank.PRACTICES:
        result[f"practice.{p}"] = practice
    result.update(overrides.pop("items", {}))
    result.update({key.replace("__", "."): value for key, value in overrides.items()})
    return {k: v for k, v in result.items() if v is not None}


def enabler(dimension: str, value: Any) -> dict[str, Any]:
    return {f"enabler.{dimension}.{n}": value for n in (1, 2, 3)}


def document(*respondents: dict[str, Any], profile: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"questionnaire": "2026.1", "partnership": "Test Valley",
            "profile": PROFILE if profile is None else profile, "respondents": list(respondents)}


def person(group: str = "urban_public", organisation: str | None = None, **kwargs: Any) -> dict[str, Any]:
    entry = {"group": group, "answers": answers(**kwargs)}
    if organisation:
        entry["organisation"] = organisation
    return entry
