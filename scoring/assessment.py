"""The assessment file (docs/assessment-model.md §8): parsed and checked whole before anything is scored."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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


def parse_assessment(source: str | bytes | Mapping[str, Any], questionnaires: Mapping[str, Questionnaire],
                     current_version: str) -> Assessment:
    """Parse JSON text (or an already decoded mapping) and check every value; raise AssessmentError."""
    data = decode_json(source) if isinstance(source, str | bytes) else source
    if not isinstance(data, dict):
        raise AssessmentError(["the assessment must be a JSON object with a 'respondents' list"])

    faults: list[str] = []
    version = data.get("questionnaire", current_version)
    if not isinstance(version, str):
        raise AssessmentError([f"questionnaire: must be a version such as {current_version!r}, not {version!r}"[:200]])
    if version not in questionnaires:
        raise AssessmentError([
            f"questionnaire: unknown version {version!r} (this installation knows {', '.join(sorted(questionnaires))})"
        ])
    questionnaire = questionnaires[version]
    partnership = data.get("partnership")
    if partnership is not None and not isinstance(partnership, str):
        faults.append("partnership: must be text")

    profile = data.get("profile", {})
    if not isinstance(profile, dict):
        faults.append("profile: must be an object of profile.* answers")
        profile = {}
    for item_id, value in profile.items():
        if not item_id.startswith("profile."):
            faults.append(f"profile: {item_id}: only profile.* items belong in the profile")
        else:
            faults.extend(_value_faults("profile", questionnaire, item_id, value))

    respondents_data = data.get("respondents")
    respondents: list[Respondent] = []
    if not isinstance(respondents_data, list) or not respondents_data:
        faults.append("respondents: must be a non-empty list")
        respondents_data = []
    for number, raw in enumerate(respondents_data, start=1):
        respondent = _parse_respondent(number, raw, questionnaire, faults)
        if respondent is not None:
            respondents.append(respondent)

    if faults:
        raise AssessmentError(faults)
    return Assessment(questionnaire=version, partnership=partnership, profile=dict(profile),
                      respondents=tuple(respondents))


def _parse_respondent(number: int, raw: Any, questionnaire: Questionnaire, faults: list[str]) -> Respondent | None:
    if not isinstance(raw, dict):
        faults.append(f"respondent {number}: must be an object with group and answers")
        return None
    group = raw.get("group")
    who = f"respondent {number} ({group})" if isinstance(group, str) else f"respondent {number}"
    before = len(faults)
    if group not in item_bank.GROUPS:
        faults.append(f"{who}: group: {group!r} is not one of {', '.join(item_bank.GROUPS)}")
    organisation = raw.get("organisation")
    if organisation is not None and not isinstance(organisation, str):
        faults.append(f"{who}: organisation: must be text")
    elif organisation is not None and len(organisation) > 200:
        faults.append(f"{who}: organisation: is longer than 200 characters")
    answers = raw.get("answers", {})
    if not isinstance(answers, dict):
        faults.append(f"{who}: answers: must be an object of item id to value")
        answers = {}
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
    return Respondent(number=number, group=str(group), organisation=organisation or None, answers=dict(answers),
                      lang=raw.get("lang") if isinstance(raw.get("lang"), str) else None)


def _value_faults(who: str, questionnaire: Questionnaire, item_id: str, value: Any) -> list[str]:
    item = questionnaire.items.get(item_id)
    if item is None:
        return [f"{who}: {item_id}: unknown item id in questionnaire {questionnaire.version}"]
    fault = item.value_fault(value)
    return [f"{who}: {item_id}: {fault}"] if fault else []
