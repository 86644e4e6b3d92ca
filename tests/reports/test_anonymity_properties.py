"""Anonymity by arithmetic on the surfaces themselves (docs/assessment-model.md §7): for generated rounds, the numbers
the report (web page and PDF share its context), the projector's steps and the XLSX export show are read
back and checked with tests/anonymity_check.py, in both weightings."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from partnerships import exports, workshop
from reports import labels
from reports.service import report_context_for, score_document
from scoring.dimensions import DIMENSION_IDS
from tests.anonymity_check import Published, exposed_sets
from tests.scoring.test_anonymity import rounds


def members_of(document, result) -> dict[str, frozenset[int]]:
    members: dict[str, set[int]] = {}
    for index, respondent in enumerate(document["respondents"]):
        members.setdefault(respondent["group"], set()).add(index)
    pooled = result.get("anonymity", {}).get("pooled", [])
    members["other_stakeholders"] = set().union(*(members.get(g, set()) for g in pooled))
    return {group: frozenset(indexes) for group, indexes in members.items()}


def everyone(document) -> frozenset[int]:
    return frozenset(range(len(document["respondents"])))


def from_report(document, result, context) -> dict[str, Published]:
    """The overall scores, the groups table and the rural-urban gap rows as the report shows them."""
    members = members_of(document, result)
    by_name = {str(labels.RESULT_GROUPS[g]): g for g in labels.RESULT_GROUPS}
    names = [by_name[str(name)] for name in context["groups"]["names"]]
    published = {d: Published() for d in DIMENSION_IDS}
    for section in context["sections"]:
        for row in section["rows"]:
            if row["score"] is not None:
                published[row["id"]].means.append(everyone(document))
    for dimension_id, row in zip(DIMENSION_IDS, context["groups"]["rows"], strict=True):
        for group, cell in zip(names, row["cells"], strict=True):
            if cell["score"] is not None:
                published[dimension_id].means.append(members[group])
    ids = {str(labels.DIMENSIONS[d]): d for d in DIMENSION_IDS}
    for row in context["gaps"]["rural_urban"] + context["gaps"]["others"]:
        first, second = row["groups"]
        dimension_id = ids[str(row["dimension"])]
        if row["levels_hidden"]:
            published[dimension_id].differences.append((members[first], members[second]))
        else:
            published[dimension_id].means += [members[first], members[second]]
    return published


def from_projector(document, result, questionnaire) -> dict[str, Published]:
    members = members_of(document, result)
    by_name = {str(labels.RESULT_GROUPS[g]): g for g in labels.RESULT_GROUPS}
    published = {}
    for dimension_id in DIMENSION_IDS:
        step = workshop.dimension_step(result, document, dimension_id, questionnaire, "en", None)
        shown = Published()
        if step["score"] is not None:
            shown.means.append(everyone(document))
        for group in step["groups"]:
            if group["score"] is not None:
                shown.means.append(members[by_name[str(group["name"])]])
        published[dimension_id] = shown
    return published


def from_xlsx(document, result, questionnaire) -> dict[str, Published]:
    members = members_of(document, result)
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(document, result, questionnaire, "en")), read_only=True)
    rows = list(workbook["dimensions"].iter_rows(values_only=True))
    workbook.close()
    groups = [header.split(" ")[1] for header in rows[0][6:]]
    published = {}
    for row in rows[1:]:
        shown = Published()
        if row[2] is not None:
            shown.means.append(everyone(document))
        for group, cell in zip(groups, row[6:], strict=True):
            if cell is not None:
                shown.means.append(members[group])
        published[row[0]] = shown
    return published


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(rounds(), st.sampled_from(["organisation", "respondent"]))
def test_no_surface_lets_a_small_set_be_computed(app, document, weighting):
    questionnaire = app.extensions["rupa.questionnaires"]["2026.1"]
    with app.test_request_context():
        result = score_document(document, weighting=weighting)
        context = report_context_for(document, result, "en", date(2026, 12, 1))
        surfaces = {"report": from_report(document, result, context),
                    "projector": from_projector(document, result, questionnaire),
                    "xlsx": from_xlsx(document, result, questionnaire)}
    for surface, published in surfaces.items():
        assert exposed_sets(document, weighting, published) == [], surface
