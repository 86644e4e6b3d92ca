"""The recommendations report as plain data: what the HTML page and the PDF show, in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.lists import format_list
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _

from questionnaire import item_bank
from questionnaire.content import Item, Questionnaire
from reports import charts, labels
from reports.context import (
    band_thresholds,
    dimension_sections,
    model_summary,
    named_reasons,
    named_recommendations,
    pathway_summary,
)
from scoring.catalogue import RuleSet
from typography import listed, written
from web.i18n import language_name, number

RURAL_URBAN = {"rural_public", "urban_public"}
# Every flagged gap between rural and urban public bodies is listed; of the other pairs only the
# largest. With seven groups shown there are 21 pairs: 50 respondents gave 312 flagged gaps, sixteen
# pages of table that no council reads. The spreadsheet export and the score command list them all.
OTHER_GAPS_LISTED = 12


def report_context(result: Mapping[str, Any], document: Mapping[str, Any], questionnaire: Questionnaire,
                   rules: RuleSet, lang: str, on: date) -> dict[str, Any]:
    """Everything the report shows. ``document`` is the assessment that was scored (for the profile and
    the annex); ``result`` is the scorer's output for it."""
    dims = result["dimensions"]
    is_group = result["respondents"] > 1
    sections = dimension_sections(dims)
    governance = result["governance"]
    current = model_summary(rules, governance["current"], lang)
    recommended = model_summary(rules, governance["recommended"], lang)
    recommendations = named_recommendations(result["recommendations"])
    context = {
        "lang": lang,
        "is_group": is_group,
        "title": document.get("partnership") or (_("Partnership self-assessment") if is_group
                                                 else _("Individual self-assessment")),
        "cover": {
            "date": format_date(on, format="long"),
            "iso_date": on.isoformat(),
            "questionnaire": result["questionnaire"],
            "rules": result.get("rules"),
            "respondents": result["respondents"],
            "on_paper": sum(1 for person in document.get("respondents", []) if person.get("source") == "paper"),
            "organisations": result["organisations"],
            "language": language_name(lang),
            "weighting": result["weighting"],
            "whose_view": whose_view(document, result, is_group),
        },
        "summary": {
            "current": current,
            "recommended": recommended,
            "pathway": pathway_summary(governance.get("pathway"), lang),
            "grid": governance_grid(rules, governance["current"], governance["recommended"], lang),
            "helps": _helps_chart(sections[0]["rows"] + sections[3]["rows"]),
            "hinders": _hinders_chart(sections[1]["rows"]),
            "contested": [labels.DIMENSIONS[d] for d in result.get("contested", [])] if is_group else [],
            # the first steps: the high-priority ones (five at most, first steps of its stage first)
            "top": first_steps(recommendations),
        },
        "profile": _profile(document.get("profile", {}), questionnaire, lang),
        "linkages": _linkages(dims, result, document, questionnaire, lang),
        "sections": sections,
        "governance": {
            "current": current,
            "recommended": recommended,
            "ranking": [{**(model_summary(rules, e["model"], lang) or {}), "fit": e["fit"],
                         "reasons": named_reasons(e["reasons"])} for e in governance["ranking"]],
            "pathway": pathway_summary(governance.get("pathway"), lang),
            # the reasons of the recommended model (the others' fits are in the table, their reasons on
            # the results page)
            "explained": [governance["recommended"]],
        },
        "recommendations": recommendations,
        "method": {"min_group_size": rules.settings.min_group_size,
                   "gap_points": rules.settings.gap_flag_points,
                   "contested_sd": rules.settings.contested_sd_points,
                   "max_high": rules.settings.max_high,
                   "bands": band_thresholds(rules, lang),
                   "weighting": result["weighting"]},
    }
    if is_group:
        context["groups"] = _groups(result)
        context["anonymity"] = _anonymity(result)
        context["gaps"] = _gaps(result)
        context["group_names"] = labels.GROUPS
        context["contested"] = [labels.DIMENSIONS[d] for d in result["contested"]]
        context["gap_chart"] = _gap_chart(context["gaps"])
        context["annex"] = _distribution(document, questionnaire, lang)
        context["summary"]["split"] = _split_line(context["gaps"], context["anonymity"],
                                                   rules.settings.gap_flag_points, lang)
    else:
        respondent = document["respondents"][0]
        context["annex"] = _answers(respondent, document.get("profile", {}), questionnaire, lang)
    return context


def _dimension_row(dimension_id: str, result: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": dimension_id, "name": labels.DIMENSIONS[dimension_id], "score": result["score"],
            "band": result["band"], "band_name": labels.band_name(dimension_id, result["band"])}


def _scored_first(rows: list[dict[str, Any]], key) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda row: (row["score"] is None, key(row["score"] or 0)))


def _helps_chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The enablers and the practices, strongest first: each bar as long as the score, labelled with the
    score and the band in words."""
    return [_bar(row, row["score"], f"{score_text(row['score'])} · {row['band_name']}" if row["score"] is not None
                 else str(row["band_name"])) for row in _scored_first(rows, key=lambda score: -score)]


def _hinders_chart(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The obstacles, most serious first: each bar as long as the obstacle is serious (100 − score, a
    score of 100 being no obstacle), labelled with the band in words, not with a number that would run
    the other way."""
    return [_bar(row, None if row["score"] is None else 100 - row["score"], str(row["band_name"]))
            for row in _scored_first(rows, key=lambda score: score)]


def _bar(row: dict[str, Any], length: float | None, text: str) -> dict[str, Any]:
    return {"name": str(row["name"]), "length": round(length or 0, 1),
            "colour": charts.BAND_COLOURS.get(row["band"], "#6b7280"), "text": text}


def score_text(score: float | None) -> str:
    return "—" if score is None else number(score)


def answer_label(item: Item, value: Any, questionnaire: Questionnaire, lang: str) -> str:
    if value in (None, "", []):
        return _("Not answered")
    if value == item_bank.DONT_KNOW:
        return questionnaire.dont_know[lang]
    if item.kind.widget == "textarea":
        return str(value)
    chosen = value if isinstance(value, list) else [value]
    return listed((option.label[lang] for option in item.options if option.value in chosen), lang)


def _profile(profile: Mapping[str, Any], questionnaire: Questionnaire, lang: str) -> list[dict[str, str]]:
    return [
        {"question": labels.PROFILE.get(item.id, item.text[lang]),
         "answer": answer_label(item, profile.get(item.id), questionnaire, lang)}
        for item in questionnaire.items.values() if item.id.startswith("profile.")
    ]


def _linkages(dims, result, document, questionnaire: Questionnaire, lang: str) -> list[dict[str, Any]]:
    rows = []
    for linkage in item_bank.LINKAGES:
        item = questionnaire.items[f"linkage.{linkage}.managed"]
        answers = Counter(r["answers"].get(item.id) for r in document["respondents"])
        answers.pop(None, None)
        managed = listed((
            f"{answer_label(item, value, questionnaire, lang)}"
            + (f" ({count})" if len(document["respondents"]) > 1 else "")
            for value, count in sorted(answers.items(), key=lambda kv: -kv[1])
        ), lang) or _("Not answered")
        jointly = answers.get("yes", 0) * 2 >= sum(answers.values()) if answers else False
        row = _dimension_row(f"linkage.{linkage}", dims[f"linkage.{linkage}"])
        rows.append({**row, "managed": managed, "strong_unmanaged": row["band"] == "strength" and not jointly})
    return rows


def _groups(result) -> dict[str, Any]:
    groups = result["groups"]
    return {
        "names": [labels.RESULT_GROUPS[g] for g in groups],
        "sizes": [groups[g]["n"] for g in groups],
        "respondents": result["respondents"],
        "rows": [  # every respondent's score first, then each group's
            {"name": labels.DIMENSIONS[d], "all": _dimension_row(d, result["dimensions"][d]),
             "cells": [_dimension_row(d, groups[g]["dimensions"][d]) for g in groups]}
            for d in result["dimensions"]
        ],
        "suppressed": result["suppressed_groups"],
    }


def _names(groups) -> str:
    return format_list([str(labels.RESULT_GROUPS[g]) for g in groups], locale=get_locale())


def _anonymity(result) -> dict[str, Any]:
    """What this round withheld for anonymity (scoring/anonymity.py), in sentences for the groups
    chapter (the rural-urban comparison) and the method section (everything)."""
    anonymity = result.get("anonymity") or {}
    minimum = anonymity.get("minimum", 3)
    organisations = result["weighting"] == "organisation"
    side = {"rural_too_few": _("rural public bodies"), "urban_too_few": _("urban public bodies"),
            "both_too_few": _("rural and urban public bodies")}
    status = anonymity.get("rural_urban", "compared")
    notice = None
    if status in side:
        notice = (_("Fewer than %(min)d organisations among %(side)s answered in this round: their views cannot be "
                    "shown on their own, and rural and urban views are not compared.", min=minimum, side=side[status])
                  if organisations else
                  _("Fewer than %(min)d respondents among %(side)s answered in this round: their views cannot be "
                    "shown on their own, and rural and urban views are not compared.", min=minimum, side=side[status]))
    elif status == "difference_only":
        notice = _("Rural and urban public bodies are compared by the difference between them only, with the "
                   "higher side named: showing both their scores would let the smaller groups' scores be computed.")
    done = []
    if anonymity.get("pooled"):
        pool = result["groups"].get("other_stakeholders", {}).get("n", 0)
        done.append(_("In this round %(groups)s are shown together as “%(pool)s” (n=%(n)d), so that no group smaller "
                      "than %(min)d can be shown or computed from the others.", groups=_names(anonymity["pooled"]),
                      pool=labels.RESULT_GROUPS["other_stakeholders"], n=pool, min=minimum))
    if anonymity.get("withheld_groups"):
        done.append(_("%(groups)s are not shown, and cannot be computed from the other figures.",
                      groups=_names(anonymity["withheld_groups"])))
    if anonymity.get("difference_only") or anonymity.get("differences_only"):
        done.append(ngettext("Rural and urban public bodies are compared by their difference only on %(num)d "
                             "dimension.",
                             "Rural and urban public bodies are compared by their difference only on %(num)d "
                             "dimensions.", len(anonymity.get("differences_only", []))))
    if anonymity.get("withheld_cells"):
        done.append(ngettext("%(num)d group score on a single dimension is shown as “—”: too few of the group scored "
                             "that dimension, or showing it would let a smaller set of people be computed.",
                             "%(num)d group scores on single dimensions are shown as “—”: too few of the group "
                             "scored that dimension, or showing them would let a smaller set of people be computed.",
                             anonymity["withheld_cells"]))
    thin = [d for d, value in result["dimensions"].items() if value.get("withheld")]
    if thin:
        done.append(_("Fewer than %(min)d people scored %(dimensions)s: no score is shown there.", min=minimum,
                      dimensions=format_list([str(labels.DIMENSIONS[d]) for d in thin], locale=get_locale())))
    return {"notice": notice, "done": done}


def _gaps(result) -> dict[str, Any]:
    """The flagged gaps: rural-urban ones all, the others largest first up to ``OTHER_GAPS_LISTED``."""
    flagged = [gap for gap in result["gaps"] if gap["flagged"]]
    rural_urban = [gap for gap in flagged if set(gap["groups"]) == RURAL_URBAN]
    others = sorted((gap for gap in flagged if set(gap["groups"]) != RURAL_URBAN),
                    key=lambda gap: -gap["difference"])
    return {"rural_urban": [_gap_row(gap) for gap in rural_urban],
            "others": [_gap_row(gap) for gap in others[:OTHER_GAPS_LISTED]],
            "others_unlisted": max(0, len(others) - OTHER_GAPS_LISTED)}


def _gap_row(gap) -> dict[str, Any]:
    first, second = gap["groups"]
    if set(gap["groups"]) == RURAL_URBAN:
        first, second = "rural_public", "urban_public"
    higher = gap.get("higher")
    return {"groups": [first, second], "dimension": labels.DIMENSIONS[gap["dimension"]],
            "levels_hidden": gap["scores"][first] is None,
            "higher": labels.RESULT_GROUPS[higher] if higher else None,
            "first": labels.RESULT_GROUPS[first], "first_score": gap["scores"][first],
            "second": labels.RESULT_GROUPS[second], "second_score": gap["scores"][second],
            "difference": gap["difference"], "scores": gap["scores"]}


def _gap_chart(gaps: Mapping[str, Any]) -> dict[str, Any] | None:
    """Two groups' scores side by side where they differ most (every number is in a table beside it):
    rural and urban public bodies when they have flagged gaps, otherwise the pair most often among the
    listed gaps. Two series stay readable; seven groups' bars on eight dimensions were not."""
    rows = [row for row in gaps["rural_urban"] if not row["levels_hidden"]] or gaps["others"]
    if not rows:
        return None
    first, second = Counter(tuple(row["groups"]) for row in rows).most_common(1)[0][0]
    shown = [row for row in rows if tuple(row["groups"]) == (first, second)][:8]
    colours = dict(zip((first, second), charts.GROUP_COLOURS, strict=False))
    return {
        "first": labels.RESULT_GROUPS[first], "second": labels.RESULT_GROUPS[second],
        "colours": [colours[first], colours[second]],
        "rows": [{"name": str(row["dimension"]),
                  "bars": [{"group": str(labels.RESULT_GROUPS[group]), "colour": colours[group],
                            "length": round(row["scores"][group] or 0, 1), "text": score_text(row["scores"][group])}
                           for group in (first, second)]}
                 for row in shown],
    }


def first_steps(recommendations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first three to five steps: the high-priority ones, up to five, filled up to three with the next."""
    high = sum(1 for rec in recommendations if rec["priority"] == "high")
    return recommendations[:max(3, min(5, high))]


# Answers the chapters already show in full, one to one: the respondent on the cover, the profile in its
# table, each linkage's strength and management in the linkage table, each obstacle (one item each) in
# the obstacles table. The annex lists the rest: the enablers' items, the practices, the free text, and
# any other question (2026.2's barrier.power_side, which side has less say).
SHOWN_IN_CHAPTERS = ("respondent.", "profile.", "linkage.")
OBSTACLE_ITEMS = frozenset(f"barrier.{gap}" for gap in item_bank.GAPS)


def _shown_in_chapters(item_id: str) -> bool:
    return item_id.startswith(SHOWN_IN_CHAPTERS) or item_id in OBSTACLE_ITEMS


def _answers(respondent, profile, questionnaire: Questionnaire, lang: str) -> list[dict[str, Any]]:
    answers = {**profile, **respondent["answers"]}
    sections = []
    for section in questionnaire.sections:
        rows = [{"id": item.id, "question": item.text[lang], "free_text": item.kind.widget == "textarea",
                 "answer": answer_label(item, answers.get(item.id), questionnaire, lang)}
                for item in section.items if not _shown_in_chapters(item.id)]
        if rows:
            sections.append({"title": section.title[lang], "rows": rows})
    return sections


def _distribution(document, questionnaire: Questionnaire, lang: str) -> list[dict[str, Any]]:
    """For every scaled item, how many respondents chose each answer (free text is not reproduced:
    it could identify its author)."""
    sections = []
    for section in questionnaire.sections:
        rows = []
        for item in section.items:
            if not item.kind.distributed:
                continue
            counts = Counter(r["answers"].get(item.id) for r in document["respondents"])
            columns = [(option.label[lang], counts.get(option.value, 0)) for option in item.options]
            columns.append((questionnaire.dont_know[lang], counts.get(item_bank.DONT_KNOW, 0)))
            columns.append((_("Not answered"), counts.get(None, 0)))
            rows.append({"id": item.id, "question": item.text[lang], "columns": columns})
        if rows:
            sections.append({"title": section.title[lang], "rows": rows})
    return sections


def whose_view(document: Mapping[str, Any], result: Mapping[str, Any], is_group: bool) -> str:
    """Whose view the report gives: one respondent's group and organisation, or how many respondents from
    how many organisations in how many stakeholder groups (counts only: no group is named)."""
    people = document.get("respondents", [])
    if not is_group and people:
        group = labels.GROUPS.get(people[0].get("group"), labels.GROUPS["other"])
        organisation = people[0].get("organisation")
        if organisation:
            return _("The view of one respondent: %(group)s, %(organisation)s.", group=group, organisation=organisation)
        return _("The view of one respondent: %(group)s.", group=group)
    groups = len({person.get("group") for person in people})
    respondents = ngettext("%(num)d respondent", "%(num)d respondents", result["respondents"])
    organisations = ngettext("%(num)d organisation", "%(num)d organisations", result["organisations"])
    in_groups = ngettext("%(num)d stakeholder group", "%(num)d stakeholder groups", groups)
    return _("The views of %(respondents)s from %(organisations)s in %(groups)s.", respondents=respondents,
             organisations=organisations, groups=in_groups)


def governance_grid(rules: RuleSet, current: str | None, recommended: str, lang: str) -> list[dict[str, Any]]:
    """The OECD's two-by-two (explicit or implicit, with or without delegated functions), each cell a
    governance model, today's and the recommended one marked."""
    rows = []
    for kind, label in (("explicit", _("Explicit partnership")), ("implicit", _("Implicit co-operation"))):
        cells = [{"id": model_id, "name": rules.models[model_id].name[lang], "current": model_id == current,
                  "recommended": model_id == recommended}
                 for model_id in (f"{kind}_delegated", f"{kind}_non_delegated")]
        rows.append({"kind": kind, "name": label, "cells": cells})
    return rows


def _split_line(gaps: Mapping[str, Any], anonymity: Mapping[str, Any], points: float, lang: str) -> str:
    """One line on the rural-urban split, for the first page (a gap counts from ``points``)."""
    if anonymity.get("notice") and not gaps["rural_urban"]:
        return anonymity["notice"]
    rows = gaps["rural_urban"]
    if not rows:
        return _("Rural and urban public bodies see every dimension within %(points)d points of each other.",
                 points=points)
    largest = max(rows, key=lambda row: row["difference"])
    return ngettext("Rural and urban public bodies differ by %(flag)d points or more on %(num)d dimension: "
                    "%(dimension)s (%(points)s points).",
                    "Rural and urban public bodies differ by %(flag)d points or more on %(num)d dimensions; the "
                    "largest gap is on %(dimension)s (%(points)s points).", len(rows), flag=points,
                    dimension=largest["dimension"], points=written(largest["difference"], lang))
