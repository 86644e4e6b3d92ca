"""Plain data for results pages and reports: the assessment document built from stored answers,
and the scorer's result with names attached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from questionnaire.models import Assessment, Respondent
from reports import labels
from scoring.catalogue import RuleSet
from typography import written

PROFILE_PREFIX = "profile."


def assessment_document(assessment: Assessment, respondents: Iterable[tuple[Respondent, Mapping[str, Any]]],
                        profile: Mapping[str, Any] | None = None) -> dict:
    """The docs/assessment-model.md §8 document of stored answers. The profile is the partnership's when given
    (rounds), otherwise the first respondent's profile answers (an individual assessment)."""
    profile = dict(profile) if profile is not None else {}
    people: list[dict[str, Any]] = []
    for respondent, answers in respondents:
        if not profile and not people:
            profile = {k: v for k, v in answers.items() if k.startswith(PROFILE_PREFIX)}
        person = {
            "group": answers.get("respondent.group", "other"),
            "lang": respondent.lang,
            "answers": {k: v for k, v in answers.items()
                        if not k.startswith(PROFILE_PREFIX) and not k.startswith("respondent.")},
        }
        if answers.get("respondent.organisation"):
            person["organisation"] = answers["respondent.organisation"]
        if respondent.source == "paper":
            person["source"] = "paper"
        people.append(person)
    document = {"questionnaire": assessment.questionnaire_version, "profile": profile, "respondents": people}
    if assessment.partnership_name:
        document["partnership"] = assessment.partnership_name
    return document


def dimension_sections(dimensions: Mapping[str, Mapping[str, Any]]) -> list[dict]:
    """The result's dimensions grouped as the report shows them, with names and bands in words."""
    sections = []
    for prefix, title in labels.SECTIONS:
        rows = [
            {"id": dimension_id, "name": labels.DIMENSIONS[dimension_id], "score": result["score"],
             "band": result["band"], "band_name": labels.band_name(dimension_id, result["band"]),
             "answered": result["answered"], "items": result["items"]}
            for dimension_id, result in dimensions.items() if dimension_id.startswith(prefix)
        ]
        sections.append({"title": title, "rows": rows})
    return sections


def model_summary(rules: RuleSet, model_id: str | None, lang: str) -> dict | None:
    """A governance model's words in one language (None when the model is unknown)."""
    if model_id is None:
        return None
    model = rules.models[model_id]
    return {"id": model_id, "name": model.name[lang], "form": model.form[lang],
            "strengths": model.strengths[lang], "risks": model.risks[lang], "assessed_by": model.assessed_by}


def named_reasons(reasons: list[dict]) -> list[dict]:
    """Governance reasons with their effect in words: points as "+10", a pathway word by its name."""
    return [{**reason, "effect_name": f"{reason['effect']:+d}" if isinstance(reason["effect"], int)
             else labels.EFFECTS[reason["effect"]]} for reason in reasons]


def pathway_summary(pathway: Mapping[str, Any] | None, lang: str) -> dict | None:
    """The pathway the ranking implies, in words, with the safeguards and delegation's preconditions."""
    if not pathway:
        return None
    return {"id": pathway["id"], "name": labels.PATHWAYS[pathway["id"]],
            "function": labels.DIMENSIONS.get(f"linkage.{pathway['function']}") if pathway.get("function") else None,
            "safeguards": pathway.get("safeguards", []),
            "unmet": [p for p in pathway.get("preconditions", []) if not p["held"]],
            "met": [p for p in pathway.get("preconditions", []) if p["held"]]}


def named_recommendations(recommendations: list[dict]) -> list[dict]:
    """The scorer's recommendations with their priority, level and dimensions in words."""
    titles = {rec["id"]: rec["title"] for rec in recommendations}
    return [
        {**rec, "priority_name": labels.PRIORITIES[rec["priority"]], "level_name": labels.LEVELS[rec["level"]],
         "addresses_names": [labels.DIMENSIONS[d] for d in rec["addresses"]],
         "actions": [{**action, "level_name": labels.LEVELS[action["level"]]} for action in rec["actions"]],
         # what made its rules fire, each sentence once (two rules often look at the same gap)
         "because_texts": list(dict.fromkeys(e["text"] for because in rec["because"] for e in because["evidence"])),
         "see_also_title": titles.get(rec.get("see_also"))}
        for rec in recommendations
    ]


def results_context(result: Mapping[str, Any], rules: RuleSet, lang: str) -> dict:
    """Everything a results page shows, as plain data."""
    governance = result["governance"]
    return {
        "sections": dimension_sections(result["dimensions"]),
        "current": model_summary(rules, governance["current"], lang),
        "recommended": model_summary(rules, governance["recommended"], lang),
        "pathway": pathway_summary(governance.get("pathway"), lang),
        "ranking": [
            {**(model_summary(rules, entry["model"], lang) or {}), "fit": entry["fit"],
             "reasons": named_reasons(entry["reasons"])}
            for entry in governance["ranking"]
        ],
        "recommendations": named_recommendations(result["recommendations"]),
        "respondents": result["respondents"],
        "bands": band_thresholds(rules, lang),
    }


def band_thresholds(rules: RuleSet, lang: str) -> dict[str, str]:
    """Where the bands begin (scoring.yaml), as the reader's language writes the numbers."""
    bands = rules.settings.bands
    return {"strength": written(bands.strength, lang), "developing": written(bands.developing, lang)}
