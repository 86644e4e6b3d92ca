"""A pool of assessments that, together, make every shipped rule fire and stay silent somewhere:
a seeded random pool for breadth, plus crafted cases for rules that need a precise situation."""

from __future__ import annotations

import random
from typing import Any

from questionnaire import item_bank
from tests.scoring.builders import answers, enabler

OPTIONS = {
    "profile.region_type": ["metro_with_rural_hinterland", "network_small_medium_cities",
                            "sparse_with_market_towns", "other"],
    "profile.stage": ["exploring", "starting", "operating", "mature"],
    "profile.explicit": ["yes", "no"],
    "profile.form": ["none", "informal_network", "written_agreement", "intermunicipal_body"],
}


def random_document(rng: random.Random) -> dict[str, Any]:
    profile = {item: rng.choice(values) for item, values in OPTIONS.items()}
    profile["profile.delegated_functions"] = rng.choice([["none"], ["transport"], ["none"], ["environment"]])
    profile["profile.funding"] = rng.choice([["none"], ["member_contributions"], ["eu"]])
    profile["profile.partner_types"] = rng.choice([["urban_municipality", "rural_municipality"], ["urban_municipality"],
                                                   ["urban_municipality", "rural_municipality", "business"], []])
    respondents = []
    for _ in range(rng.choice([1, 1, 2, 4])):
        items: dict[str, Any] = {}
        for d in item_bank.ENABLERS:
            items.update(enabler(d, rng.choice([1, 2, 3, 4, 5, "dont_know"])))
        for g in item_bank.GAPS:
            items[f"barrier.{g}"] = rng.choice([0, 1, 2, 3, 4])
        for k in item_bank.LINKAGES:
            items[f"linkage.{k}.strength"] = rng.choice([0, 1, 2, 3, 4])
            items[f"linkage.{k}.managed"] = rng.choice(["no", "partly", "yes"])
        for p in item_bank.PRACTICES:
            items[f"practice.{p}"] = rng.choice(["no", "partly", "yes", "dont_know"])
        respondents.append({"group": rng.choice(item_bank.GROUPS), "answers": answers(items=items)})
    return {"questionnaire": "2026.1", "profile": profile, "respondents": respondents}


def ready_to_delegate(linkage: str) -> dict[str, Any]:
    """A mature, trusted explicit partnership with one strong link that nobody manages."""
    items = {**enabler("trust", 5), f"linkage.{linkage}.strength": 4, f"linkage.{linkage}.managed": "no"}
    return {
        "profile": {"profile.explicit": "yes", "profile.stage": "mature", "profile.region_type": "other",
                    "profile.delegated_functions": ["none"],
                    "profile.partner_types": ["urban_municipality", "rural_municipality"]},
        "respondents": [{"group": "urban_public", "answers": answers(enabler=4, barrier=1, strength=1,
                                                                    practice="yes", items=items)}],
    }


def crafted() -> list[dict[str, Any]]:
    docs = [ready_to_delegate(linkage) for linkage in item_bank.LINKAGES]
    # Talking shop: explicit, nothing delegated, cannot decide, trust fine.
    docs.append({"profile": {"profile.explicit": "yes", "profile.delegated_functions": ["none"],
                             "profile.stage": "operating"},
                 "respondents": [{"group": "civil_society",
                                  "answers": answers(enabler=3, items=enabler("organisation_fit", 1))}]})
    # Delegated today, but trust and sharing broken and the urban side dominates.
    docs.append({"profile": {"profile.explicit": "yes", "profile.delegated_functions": ["transport"],
                             "profile.stage": "operating"},
                 "respondents": [{"group": "rural_public",
                                  "answers": answers(enabler=2, barrier=4, practice="no")}]})
    # A named network with weak links everywhere: ad hoc co-operation would do.
    docs.append({"profile": {"profile.explicit": "yes", "profile.delegated_functions": ["none"],
                             "profile.stage": "operating", "profile.region_type": "other"},
                 "respondents": [{"group": "business", "answers": answers(enabler=4, barrier=1, strength=0)}]})
    # Strong upper-level support, thin capacity and heavy rules: existing bodies should carry tasks.
    docs.append({"profile": {"profile.explicit": "no", "profile.delegated_functions": ["none"],
                             "profile.stage": "operating", "profile.region_type": "sparse_with_market_towns"},
                 "respondents": [{"group": "regional_national", "answers": answers(
                     enabler=4, barrier=1, strength=2,
                     items={**enabler("upper_level_support", 5), **enabler("capacity", 1), "barrier.regulatory": 4})}]})
    # Groups of three: rural and urban see everything differently; business and civil society too.
    rural = [{"group": "rural_public", "answers": answers(enabler=2, barrier=3)} for _ in range(3)]
    urban = [{"group": "urban_public", "answers": answers(enabler=5, barrier=0)} for _ in range(3)]
    docs.append({"profile": {}, "respondents": rural + urban})
    business = [{"group": "business", "answers": answers(enabler=5, practice="yes")} for _ in range(3)]
    civil = [{"group": "civil_society", "answers": answers(enabler=2, practice="no")} for _ in range(3)]
    docs.append({"profile": {}, "respondents": business + civil})
    # Grant capture: EU money only, obtaining it a purpose.
    docs.append({"profile": {"profile.funding": ["eu"], "profile.purposes": ["eu_funding", "land_use"]},
                 "respondents": [{"group": "rural_public", "answers": answers()}]})
    # Nobody knows the linkages.
    docs.append({"profile": {}, "respondents": [{"group": "urban_public", "answers": answers(strength="dont_know")}]})
    for doc in docs:
        doc["questionnaire"] = "2026.1"
    return docs


def pool(size: int = 150, seed: int = 20261128) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return crafted() + [random_document(rng) for _ in range(size)]
