"""The assessment file (docs/assessment-model.md §8): parsed and checked whole before anything is scored.

Its structure is declared once, in formats/assessment.schema.yaml; this module fills in what the
questionnaire knows and checks each answer against the questionnaire the file names."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import formats
from questionnaire import item_bank
from questionnaire.content import Questionnaire

RESPONDENT_ITEMS = ("respondent.group", "respondent.organisation")


class AssessmentError(ValueError):
    """The file cannot be scored; ``faults`` holds one line per fault, naming respondent and item."""

    def __init__(self, faults: list[str]):
        self.faults = faults
        super().__init__("\n".join(faults))


@dataclass(frozen=True)
class Respondent:
    number: int  # 1-based position in the file, for messages
    group: str
    organisation: str | None
    answers: Mapping[str, Any]
    lang: str | None = None

    @property
    def cluster(self) -> str:
        """The organisation this respondent weighs with; alone when none is given."""
        return f"org:{self.organisation.strip().casefold()}" if self.organisation else f"respondent:{self.number}"


@dataclass(frozen=True)
class Assessment:
    questionnaire: str
    partnership: str | None
    profile: Mapping[str, Any]
    respondents: tuple[Respondent, ...] = field(default_factory=tuple)


class _Refused(ValueError):
    """A JSON document that parses but cannot be an assessment file: said in one fault."""


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once (otherwise the last would silently win)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(f"not valid as an assessment: the key {key!r} is given twice in one object")
        found[key] = value
    return found


def decode_json(source: str | bytes) -> Any:
    """An assessment file's JSON (UTF-8, a byte order mark allowed), or AssessmentError with one fault:
    not JSON, not UTF-8, a key given twice, a number thousands of digits long, nesting too deep."""
    try:
        return json.loads(source, object_pairs_hook=_without_duplicates)
    except json.JSONDecodeError as error:
        raise AssessmentError([f"not valid JSON: line {error.lineno} column {error.colno}: {error.msg}"]) from None
    except UnicodeDecodeError:
        raise AssessmentError(["not valid JSON: the file is not UTF-8 text"]) from None
    except _Refused as refused:
        raise AssessmentError([str(refused)]) from None
    except RecursionError:
        raise AssessmentError(["not valid as an assessment: lists or objects nested too deeply"]) from None
    except ValueError:  # after its subclasses above: Python converts at most 4,300 digits to an integer
        raise AssessmentError(["not valid as an assessment: a number in it has thousands of digits"]) from None


def file_schema(questionnaire: Questionnaire | None = None, min_respondents: int = 1) -> dict[str, Any]:
    """The assessment file's JSON Schema (formats/assessment.schema.yaml) with the stakeholder groups
    filled in; given a questionnaire, also its version and every item's answers, as the OpenAPI document
    publishes it (the parser checks those against the questionnaire itself, with the content's words)."""
    schema = formats.schema("assessment")
    respondent = schema["properties"]["respondents"]["items"]
    respondent["properties"]["group"]["enum"] = list(item_bank.GROUPS)
    schema["properties"]["respondents"]["minItems"] = min_respondents
    if questionnaire is not None:
        schema["properties"]["questionnaire"]["enum"] = [questionnaire.version]
        schema["properties"]["profile"].update(additionalProperties=False, properties={
            item_id: item.kind.json_schema(item) for item_id, item in questionnaire.items.items()
            if item_id.startswith("profile.")})
        respondent["properties"]["answers"].update(additionalProperties=False, properties={
            item_id: item.kind.json_schema(item) for item_id, item in questionnaire.items.items()
            if not item_id.startswith(("profile.", *RESPONDENT_ITEMS))})
    return schema


@functools.cache
def _file_format() -> formats.Format:
    return formats.Format(file_schema())


def _said(fault: formats.Fault, data: Any) -> str:
    """A structural fault as the file's readers name places: "respondent 2 (business): organisation: ..."."""
    path = fault.path
    if not path:
        return fault.message
    if path[0] == "respondents" and len(path) > 1 and isinstance(path[1], int):
        raw = data["respondents"][path[1]]
        group = raw.get("group") if isinstance(raw, dict) else None
        who = f"respondent {path[1] + 1} ({group})" if isinstance(group, str) else f"respondent {path[1] + 1}"
        return ": ".join([who, *map(str, path[2:]), fault.message])
    return ": ".join([*map(str, path), fault.message])


def parse_assessment(source: str | bytes | Mapping[str, Any], questionnaires: Mapping[str, Questionnaire],
                     current_version: str) -> Assessment:
    """Parse JSON text (or an already decoded mapping), check its structure against the declared format
    and every answer against its questionnaire; raise AssessmentError with every fault."""
    data = decode_json(source) if isinstance(source, str | bytes) else source
    version = data.get("questionnaire", current_version) if isinstance(data, dict) else current_version
    if isinstance(version, str) and version not in questionnaires:
        raise AssessmentError([
            f"questionnaire: unknown version {version!r} (this installation knows {', '.join(sorted(questionnaires))})"
        ])
    structure = _file_format().faults(data, limit=200)
    if any(len(fault.path) < 2 and fault.path[:1] != ("partnership",) for fault in structure):
        raise AssessmentError([_said(fault, data)[:300] for fault in structure])  # nothing more to check

    def faults_at(*start: str | int) -> list[str]:
        return [_said(fault, data)[:300] for fault in structure if fault.path[:len(start)] == start]

    faults = faults_at("partnership") + faults_at("profile")
    questionnaire = questionnaires[version]
    profile = data.get("profile", {})
    for item_id, value in profile.items() if not faults_at("profile") else ():
        if not item_id.startswith("profile."):
            faults.append(f"profile: {item_id}: only profile.* items belong in the profile")
        else:
            faults.extend(_value_faults("profile", questionnaire, item_id, value))

    respondents: list[Respondent] = []
    for number, raw in enumerate(data["respondents"], start=1):
        found = faults_at("respondents", number - 1)
        faults.extend(found)
        if faults_at("respondents", number - 1, "answers") or not isinstance(raw, dict):
            continue  # no answers to look at
        respondent = _parse_respondent(number, raw, questionnaire, faults)
        if respondent is not None and not found:
            respondents.append(respondent)

    if faults:
        raise AssessmentError(faults)
    return Assessment(questionnaire=version, partnership=data.get("partnership"), profile=dict(profile),
                      respondents=tuple(respondents))


def _parse_respondent(number: int, raw: Mapping[str, Any], questionnaire: Questionnaire,
                      faults: list[str]) -> Respondent | None:
    """A respondent (its structure checked by the format), each answer checked against the questionnaire."""
    group = raw.get("group")
    who = f"respondent {number} ({group})" if isinstance(group, str) else f"respondent {number}"
    before = len(faults)
    answers = raw.get("answers", {})
    items = questionnaire.items
    for item_id, value in answers.items():
        item = items.get(item_id)
        if item is not None and item.scale is not None and not isinstance(value, bool | list | dict) \
                and value in item.accepted_values:
            continue  # the common case, checked inline: large files hold hundreds of thousands of answers
        if item_id.startswith("profile.") or item_id in RESPONDENT_ITEMS:
            faults.append(f"{who}: {item_id}: belongs in the assessment's profile or the respondent's "
                          f"group/organisation, not in answers")
        else:
            faults.extend(_value_faults(who, questionnaire, item_id, value))
    if len(faults) > before:
        return None
    return Respondent(number=number, group=str(group), organisation=raw.get("organisation") or None,
                      answers=dict(answers), lang=raw.get("lang"))


def _value_faults(who: str, questionnaire: Questionnaire, item_id: str, value: Any) -> list[str]:
    item = questionnaire.items.get(item_id)
    if item is None:
        return [f"{who}: {item_id}: unknown item id in questionnaire {questionnaire.version}"]
    fault = item.value_fault(value)
    return [f"{who}: {item_id}: {fault}"] if fault else []
