"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Kept beside the views it describes: tests/api/test_openapi.py fails when a route has no path here (or a
path no route), and the schemathesis run in ``make test`` checks every response of the live app
against these schemas.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import current_app

import formats
from partnerships.exporters import EXPORTERS
from partnerships.models import Role
from questionnaire import item_bank
from questionnaire.content import Item, Questionnaire
from scoring.assessment import file_schema
from scoring.dimensions import Band
from scoring.engine import WEIGHTINGS

BANDS = [band.value for band in Band]
ID_MAX = 2**31 - 1  # ids and numbers are 32-bit in the database


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


def _integer(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX}}


PARTNERSHIP_ID = _integer("partnership_id", "The partnership's id (from the list of partnerships).")
ROUND_NUMBER = _integer("number", "The round's number within its partnership (1, 2, ...).")
WEIGHTING = {"name": "weighting", "in": "query", "required": False,
             "description": "Weigh each organisation equally (default) or each respondent.",
             "schema": {"type": "string", "enum": list(WEIGHTINGS), "default": "organisation"}}


def _lang() -> dict:
    return {"name": "lang", "in": "query", "required": False,
            "description": "Language of titles, reasons and recommendations in the result.",
            "schema": {"type": "string", "enum": list(current_app.config["LANGUAGES"]), "default": "en"}}


COMMON = {
    "400": _error("A query parameter has an unknown value."),
    "401": _error("No valid API token was sent."),
    "429": _error("Too many refused tokens from this address: wait a minute."),
}
IN_PARTNERSHIP = {**COMMON, "404": _error("No such partnership (or round) among the token owner's partnerships.")}


def _get(summary: str, operation_id: str, response: dict, parameters: list, responses: dict) -> dict:
    return {"get": {"summary": summary, "operationId": operation_id, "parameters": parameters,
                    "responses": {"200": response, **responses}}}


def answer_schema(item: Item) -> dict[str, Any]:
    """The JSON Schema of one item's answer, from the questionnaire content (docs/assessment-model.md section 8)."""
    return item.kind.json_schema(item)


def assessment_file(questionnaire: Questionnaire, min_respondents: int) -> dict[str, Any]:
    """An assessment file of the current questionnaire, as declared once (formats/assessment.schema.yaml),
    with every item id and the answers its scale allows."""
    return formats.published(file_schema(questionnaire, min_respondents))


def _schemas(questionnaire: Questionnaire) -> dict[str, Any]:
    nullable_string = {"type": ["string", "null"]}
    dimension = {"type": "object", "required": ["score", "band", "answered", "items"], "properties": {
        "score": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
        "band": {"type": "string", "enum": BANDS},
        "answered": {"type": "integer", "minimum": 0}, "items": {"type": "integer", "minimum": 0}}}
    return {
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string", "description": "A stable code, such as not_found or invalid_assessment."},
            "message": {"type": "string"},
            "faults": {"type": "array", "items": {"type": "string"},
                       "description": "Each fault of an assessment file, naming the respondent and the item."},
            "submitted": {"type": "integer"}, "minimum": {"type": "integer"}}},
        "Round": {"type": "object", "required": ["number", "questionnaire", "is_open", "is_published", "created_at",
                                                 "closed_at"], "properties": {
            "number": {"type": "integer", "minimum": 1}, "questionnaire": {"type": "string"},
            "is_open": {"type": "boolean"}, "is_published": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
            "closed_at": {"type": ["string", "null"], "format": "date-time"}}},
        "Partnership": {"type": "object", "required": ["id", "name", "region", "role", "rounds"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "region": nullable_string,
            "role": {"type": "string", "enum": [role.value for role in Role]},
            "rounds": {"type": "array", "items": _ref("Round")}}},
        "Progress": {"type": "object", "required": ["groups", "totals", "is_open"], "properties": {
            "groups": {"type": "array", "items": {"type": "object", "required": [
                "group", "joined", "in_progress", "submitted"], "properties": {
                "group": {"type": "string", "enum": list(item_bank.GROUPS)}, "joined": {"type": "integer"},
                "in_progress": {"type": "integer"}, "submitted": {"type": "integer"}}}},
            "totals": {"type": "object", "required": ["joined", "in_progress", "submitted"], "properties": {
                "joined": {"type": "integer"}, "in_progress": {"type": "integer"}, "submitted": {"type": "integer"}}},
            "is_open": {"type": "boolean"}}},
        "AssessmentFile": assessment_file(questionnaire, min_respondents=1),
        "RoundExport": assessment_file(questionnaire, min_respondents=0),
        "Dimension": dimension,
        "Evidence": {"type": "object", "description": "What made a rule hold, as data, with one sentence in the "
                     "result's language (docs/assessment-model.md section 8).",
                     "required": ["subject", "id", "value", "score", "band", "text"], "properties": {
                         "subject": {"type": "string", "enum": ["question", "dimension", "profile", "gap", "contested",
                                                                "governance"]},
                         "id": nullable_string, "value": {}, "score": {"type": ["number", "null"]},
                         "band": nullable_string,
                         "groups": {"type": ["array", "null"], "items": {"type": "string"}},
                         "text": {"type": "string"}}},
        "Because": {"type": "object", "required": ["rule", "evidence"], "properties": {
            "rule": {"type": "string"}, "evidence": {"type": "array", "items": _ref("Evidence")}}},
        "Reason": {"type": "object", "required": ["factor", "effect", "text", "evidence"], "properties": {
            "factor": {"type": "string"}, "effect": {"type": ["integer", "string"]}, "text": {"type": "string"},
            "evidence": {"type": "array", "items": _ref("Evidence")}}},
        "Result": {
            "type": "object", "description": "The scorer's result (docs/assessment-model.md section 8).",
            "required": ["questionnaire", "respondents", "organisations", "weighting", "dimensions", "governance",
                         "recommendations", "groups", "suppressed_groups", "gaps", "contested"],
            "properties": {
                "questionnaire": {"type": "string"}, "partnership": nullable_string,
                "respondents": {"type": "integer", "minimum": 1}, "organisations": {"type": "integer", "minimum": 1},
                "weighting": {"type": "string", "enum": list(WEIGHTINGS)},
                "dimensions": {"type": "object", "additionalProperties": _ref("Dimension")},
                "governance": {"type": "object", "required": ["current", "recommended", "ranking"], "properties": {
                    "current": nullable_string, "recommended": {"type": "string"},
                    "ranking": {"type": "array", "minItems": 4, "maxItems": 4, "items": {
                        "type": "object", "required": ["model", "fit", "reasons"], "properties": {
                            "model": {"type": "string"}, "fit": {"type": "number", "minimum": 0, "maximum": 100},
                            "reasons": {"type": "array", "items": _ref("Reason")}}}},
                    "pathway": {"type": "object", "description": "What the partnership should do: keep_and_reform, "
                                "move_lighter, make_explicit or delegate_one_function, with the safeguards its "
                                "current model calls for and delegation's preconditions.",
                                "properties": {
                                    "id": {"type": "string", "enum": ["keep_and_reform", "move_lighter",
                                                                      "make_explicit", "delegate_one_function"]},
                                    "safeguards": {"type": "array", "items": _ref("Reason")},
                                    "preconditions": {"type": "array", "items": {"type": "object", "properties": {
                                        "id": {"type": "string"}, "held": {"type": "boolean"},
                                        "text": {"type": "string"},
                                        "evidence": {"type": "array", "items": _ref("Evidence")}}}},
                                    "function": nullable_string}}}},
                "recommendations": {"type": "array", "items": {
                    "type": "object", "required": ["id", "title", "priority", "level", "addresses", "because"],
                    "properties": {
                        "id": {"type": "string"}, "title": {"type": "string"},
                        "priority": {"type": "string", "enum": ["high", "medium", "low"]},
                        "level": {"type": "string", "enum": ["partnership", "local", "regional", "national"]},
                        "addresses": {"type": "array", "items": {"type": "string"}},
                        "because": {"type": "array", "items": _ref("Because")}}}},
                "groups": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["n", "dimensions"], "properties": {
                        "n": {"type": "integer", "minimum": 3},
                        "dimensions": {"type": "object", "additionalProperties": _ref("Dimension")}}}},
                "suppressed_groups": {"type": "integer", "minimum": 0},
                "gaps": {"type": "array", "items": {"type": "object", "required": [
                    "dimension", "groups", "difference", "flagged"], "properties": {
                    "dimension": {"type": "string"},
                    "groups": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
                    "scores": {"type": "object", "description": "Both groups' scores; null for a rural-urban "
                               "difference published without its levels (anonymity).",
                               "additionalProperties": {"type": ["number", "null"]}},
                    "difference": {"type": "number"}, "higher": nullable_string, "flagged": {"type": "boolean"}}}},
                "contested": {"type": "array", "items": {"type": "string"}},
                "anonymity": {"type": "object", "description": "What the round withheld so that no set of fewer "
                              "than `minimum` respondents (or organisations) can be computed "
                              "(docs/assessment-model.md section 7).",
                              "properties": {
                                  "minimum": {"type": "integer"},
                                  "pooled": {"type": "array", "items": {"type": "string"},
                                             "description": "Groups shown together as other_stakeholders."},
                                  "withheld_groups": {"type": "array", "items": {"type": "string"}},
                                  "difference_only": {"type": "boolean"},
                                  "rural_urban": {"type": "string", "enum": [
                                      "compared", "difference_only", "rural_too_few", "urban_too_few",
                                      "both_too_few"]},
                                  "withheld_cells": {"type": "integer", "minimum": 0},
                                  "differences_only": {"type": "array", "items": {"type": "string"}}}}}},
    }


@cache
def _document(languages: tuple[str, ...], version: str) -> dict[str, Any]:
    questionnaire = current_app.extensions["rupa.questionnaires"][version]
    lang = _lang()
    in_round = [PARTNERSHIP_ID, ROUND_NUMBER]
    export_note = ("Only submitted respondents. Rows are respondents, columns item ids; respondents entered "
                   "from paper forms have source 'paper'.")
    exports = {
        f"/partnerships/{{partnership_id}}/rounds/{{number}}/export.{exporter.kind}": _get(
            exporter.summary, exporter.operation_id,
            {"description": f"{exporter.description} {export_note}",
             "content": {exporter.mimetype: {"schema": exporter.schema}}},
            in_round, {**IN_PARTNERSHIP, **({"409": _error("Nobody has submitted answers in this round yet.")}
                                            if exporter.needs_submissions else {})})
        for exporter in EXPORTERS.values()}
    paths = {
        "/partnerships": _get(
            "The partnerships the token's owner runs or co-facilitates, with their rounds", "listPartnerships",
            _json({"type": "object", "required": ["partnerships"], "properties": {
                "partnerships": {"type": "array", "items": _ref("Partnership")}}}, "The partnerships."),
            [], COMMON),
        "/partnerships/{partnership_id}": _get(
            "One partnership with its rounds", "getPartnership", _json(_ref("Partnership"), "The partnership."),
            [PARTNERSHIP_ID], IN_PARTNERSHIP),
        "/partnerships/{partnership_id}/rounds": _get(
            "A partnership's rounds", "listRounds", _json({"type": "object", "required": ["rounds"], "properties": {
                "rounds": {"type": "array", "items": _ref("Round")}}}, "The rounds, oldest first."),
            [PARTNERSHIP_ID], IN_PARTNERSHIP),
        "/partnerships/{partnership_id}/rounds/{number}/progress": _get(
            "Who has joined, is answering and has submitted, per stakeholder group (counts only)",
            "getRoundProgress", _json(_ref("Progress"), "The round's progress."), in_round, IN_PARTNERSHIP),
        "/partnerships/{partnership_id}/rounds/{number}/result": _get(
            "The round's group result (docs/assessment-model.md section 8)", "getRoundResult",
            _json(_ref("Result"), "The group result of the submitted respondents."), [*in_round, WEIGHTING, lang],
            {**IN_PARTNERSHIP, "409": _error("Fewer respondents have submitted than the anonymity threshold.")}),
        **exports,
        "/score": {"post": {
            "summary": "Score an assessment file (nothing is stored)", "operationId": "scoreAssessment",
            "parameters": [WEIGHTING, lang],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("AssessmentFile")}}},
            "responses": {
                "200": _json(_ref("Result"), "The result."),
                **COMMON,
                "400": _error("The body is not JSON, or a query parameter has an unknown value."),
                "413": _error("The body is larger than the installation accepts."),
                "422": _error("The file has faults (listed in faults, each naming respondent and item)."),
            }}},
        "/openapi.json": {"get": {
            "summary": "This document", "operationId": "getOpenApi", "security": [],
            "responses": {"200": {"description": "The OpenAPI document.",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "RUPA API", "version": "1",
            "description": "Read a facilitator's partnerships, rounds, progress, group results and exports, and "
                           "score assessment files. Authenticate with a personal API token created on the "
                           "account's API tokens page: `Authorization: Bearer rupa_...`. A token reads only "
                           "the partnerships its owner runs or co-facilitates and changes nothing.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "A personal API token (rupa_...)."}},
            "schemas": _schemas(questionnaire),
        },
    }


def document() -> dict[str, Any]:
    return _document(tuple(current_app.config["LANGUAGES"]), current_app.config["QUESTIONNAIRE_VERSION"])
