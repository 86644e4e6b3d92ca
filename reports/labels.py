"""Human names for the scorer's ids, translatable through the gettext catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

DIMENSIONS = {
    "enabler.awareness": _l("Awareness of interdependence"),
    "enabler.shared_vision": _l("Shared vision and strategy"),
    "enabler.leadership": _l("Leadership"),
    "enabler.trust": _l("Trust and dialogue"),
    "enabler.inclusiveness": _l("Inclusiveness"),
    "enabler.benefit_sharing": _l("Sharing costs and benefits"),
    "enabler.evidence": _l("Evidence and measurement"),
    "enabler.capacity": _l("Capacity and skills"),
    "enabler.resources": _l("Stable resources"),
    "enabler.upper_level_support": _l("Support from higher levels of government"),
    "enabler.organisation_fit": _l("Organisation fit"),
    "barrier.administrative": _l("Boundaries that do not fit the functional area"),
    "barrier.information": _l("Information gap"),
    "barrier.policy": _l("Sector silos"),
    "barrier.capacity": _l("Too few staff or skills"),
    "barrier.funding": _l("Unstable funding"),
    "barrier.objective": _l("Diverging goals and short-termism"),
    "barrier.accountability": _l("Unclear responsibilities"),
    "barrier.regulatory": _l("Legal and regulatory obstacles"),
    "barrier.power_asymmetry": _l("Unequal say between partners"),
    "linkage.demography_labour": _l("People and jobs"),
    "linkage.economy_innovation": _l("Business and innovation"),
    "linkage.public_services": _l("Public services"),
    "linkage.environment_amenities": _l("Environment and amenities"),
    "linkage.governance": _l("Links between levels of government"),
    "practices": _l("Governance practices"),
}

BANDS = {
    "strength": _l("Strength"),
    "developing": _l("Developing"),
    "concern": _l("Concern"),
    "insufficient_data": _l("Insufficient data"),
}

# An obstacle's score is 100 when it is no obstacle, a linkage's is its strength: their bands read that
# way round, never as a "strength" of an obstacle (docs/assessment-model.md §7 bands, worded per kind).
OBSTACLE_BANDS = {
    "strength": _l("No real obstacle"),
    "developing": _l("A moderate obstacle"),
    "concern": _l("A serious obstacle"),
    "insufficient_data": _l("Insufficient data"),
}
LINKAGE_BANDS = {
    "strength": _l("Strong"),
    "developing": _l("Moderate"),
    "concern": _l("Weak"),
    "insufficient_data": _l("Insufficient data"),
}


def bands_for(dimension_id: str) -> dict:
    """The band names that read the right way round for this dimension."""
    if dimension_id.startswith("barrier."):
        return OBSTACLE_BANDS
    if dimension_id.startswith("linkage."):
        return LINKAGE_BANDS
    return BANDS


def band_name(dimension_id: str, band: str):
    return bands_for(dimension_id)[band]


PRIORITIES = {"high": _l("High priority"), "medium": _l("Medium priority"), "low": _l("Low priority")}

LEVELS = {
    "partnership": _l("For the partnership"),
    "local": _l("For local government"),
    "regional": _l("For regional government"),
    "national": _l("For national government"),
}

GROUPS = {
    "urban_public": _l("Urban public bodies"),
    "rural_public": _l("Rural public bodies"),
    "regional_national": _l("Regional and national government"),
    "business": _l("Business"),
    "civil_society": _l("Civil society"),
    "research": _l("Research and education"),
    "other": _l("Other"),
}
# The groups of a result: the respondents' groups and the pool of small ones (scoring/anonymity.py).
RESULT_GROUPS = {**GROUPS, "other_stakeholders": _l("Other stakeholders, pooled")}

# The partnership profile's questions in a word or two, for the report's profile table (the question
# itself is in the questionnaire and the paper form).
PROFILE = {
    "profile.region_type": _l("Kind of area"),
    "profile.stage": _l("Stage of co-operation"),
    "profile.explicit": _l("Named partnership"),
    "profile.form": _l("Form of co-operation"),
    "profile.delegated_functions": _l("Functions handed over"),
    "profile.partner_types": _l("Who takes part"),
    "profile.purposes": _l("What it is for"),
    "profile.funding": _l("Funding"),
}

SECTIONS = (
    ("enabler.", _l("What helps co-operation")),
    ("barrier.", _l("Obstacles (100 = no obstacle)")),
    ("linkage.", _l("Strength of rural-urban links")),
    ("practices", _l("Governance practices")),
)

STATUSES = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}

GAP_TRENDS = {"narrowed": _l("narrowed"), "widened": _l("widened"), "unchanged": _l("unchanged")}

# A governance reason's effect when it is not points (scoring/engine.py).
EFFECTS = {"safeguard": _l("Safeguard to add"), "precondition": _l("Held back")}

PATHWAYS = {
    "keep_and_reform": _l("Keep the current model and reform it"),
    "move_lighter": _l("Move to a lighter model"),
    "make_explicit": _l("Make co-operation explicit: name the partnership, or give existing bodies an explicit "
                        "rural-urban mandate"),
    "delegate_one_function": _l("Delegate one function to the partnership"),
}
