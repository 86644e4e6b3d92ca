"""The stable item bank of docs/assessment-model.md §6: ids, scales and option ids every version must keep.

A questionnaire version may word, order, translate and add items, but it must carry each of these
ids with this type, scale and these option ids, because saved answers, the scorer, exports and outside
tools depend on them.
"""

from __future__ import annotations

from enum import StrEnum

SCALES: dict[str, tuple[int | str, ...]] = {
    "agree5": (1, 2, 3, 4, 5),
    "strength5": (0, 1, 2, 3, 4),
    "severity5": (0, 1, 2, 3, 4),
    "practice3": ("no", "partly", "yes"),
}
DONT_KNOW = "dont_know"

REGION_TYPES = ("metro_with_rural_hinterland", "network_small_medium_cities", "sparse_with_market_towns")
LINKAGES = ("demography_labour", "economy_innovation", "public_services", "environment_amenities", "governance")
ENABLERS = (
    "awareness", "shared_vision", "leadership", "trust", "inclusiveness", "benefit_sharing",
    "evidence", "capacity", "resources", "upper_level_support", "organisation_fit",
)
GAPS = (
    "administrative", "information", "policy", "capacity", "funding", "objective",
    "accountability", "regulatory", "power_asymmetry",
)
PRACTICES = (
    "written_agreement", "decision_rules", "joint_budget", "secretariat", "monitoring",
    "public_reporting", "conflict_resolution", "rural_representation", "private_civil_seats",
    "policy_integration",
)


class Group(StrEnum):
    """A respondent's stakeholder group (§2): the options of respondent.group, the groups of a result."""

    URBAN_PUBLIC = "urban_public"
    RURAL_PUBLIC = "rural_public"
    REGIONAL_NATIONAL = "regional_national"
    BUSINESS = "business"
    CIVIL_SOCIETY = "civil_society"
    RESEARCH = "research"
    OTHER = "other"


class Model(StrEnum):
    """The four governance models of the OECD framework (§4): explicit or implicit, with or without
    delegated functions."""

    EXPLICIT_DELEGATED = "explicit_delegated"
    EXPLICIT_NON_DELEGATED = "explicit_non_delegated"
    IMPLICIT_DELEGATED = "implicit_delegated"
    IMPLICIT_NON_DELEGATED = "implicit_non_delegated"


# The same, as the tuples of their values that most code iterates over.
GROUPS: tuple[str, ...] = tuple(group.value for group in Group)
MODELS: tuple[str, ...] = tuple(model.value for model in Model)

CHOICES: dict[str, tuple[str, ...]] = {
    "respondent.group": GROUPS,
    "profile.region_type": (*REGION_TYPES, "other"),
    "profile.stage": ("exploring", "starting", "operating", "mature"),
    "profile.explicit": ("yes", "no"),
    "profile.form": (
        "none", "informal_network", "written_agreement", "association_or_company",
        "intermunicipal_body", "statutory_authority",
    ),
}
MULTI: dict[str, tuple[str, ...]] = {
    "profile.delegated_functions": (
        "none", "spatial_planning", "transport", "economic_development", "public_services",
        "environment", "tourism_culture", "other",
    ),
    "profile.partner_types": (
        "urban_municipality", "rural_municipality", "regional_government", "national_agency",
        "business", "research", "civil_society", "farming_food", "other",
    ),
    "profile.purposes": (
        "economic_development", "public_services", "infrastructure_transport", "land_use",
        "environment_amenities", "food_systems", "energy", "capacity_building", "eu_funding",
    ),
    "profile.funding": ("member_contributions", "regional_national", "eu", "private", "none"),
}
TEXT = ("respondent.organisation", "open.achievements", "open.obstacles", "open.priorities")
OPEN_TEXT_MAX = 4000


def scaled_items() -> dict[str, str]:
    """Every scaled item id of the bank with its scale."""
    items: dict[str, str] = {}
    for linkage in LINKAGES:
        items[f"linkage.{linkage}.strength"] = "strength5"
        items[f"linkage.{linkage}.managed"] = "practice3"
    for enabler in ENABLERS:
        for n in (1, 2, 3):
            items[f"enabler.{enabler}.{n}"] = "agree5"
    for gap in GAPS:
        items[f"barrier.{gap}"] = "severity5"
    for practice in PRACTICES:
        items[f"practice.{practice}"] = "practice3"
    return items


def required_shape() -> dict[str, tuple[str, str | tuple[str, ...] | None]]:
    """Item id -> (type, scale id or option ids) that every questionnaire version must match."""
    shape: dict[str, tuple[str, str | tuple[str, ...] | None]] = {}
    shape.update({item_id: ("choice", options) for item_id, options in CHOICES.items()})
    shape.update({item_id: ("multi", options) for item_id, options in MULTI.items()})
    shape.update({item_id: ("text", None) for item_id in TEXT})
    shape.update({item_id: ("scale", scale) for item_id, scale in scaled_items().items()})
    return shape
