"""The formats a round's submitted answers are exported in: one registry that the dashboard's links, the
facilitator's and the API's export routes, their mimetypes and file names, and the OpenAPI document all
read. Adding a format is an ``Exporter`` here (and, where it needs one, a writer in exports.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from partnerships import exports
from partnerships.models import Round
from partnerships.rounds import questionnaire_for, streamed
from reports.service import StoredAnswers, cached, score_stored, submitted_batches, submitted_labels

Body = Iterator[str] | str | bytes | None


@dataclass(frozen=True)
class Exporter:
    kind: str  # the file's extension, and the last part of its URL: export.<kind>
    mimetype: str
    label: Any  # the dashboard's link (a lazy translation)
    summary: str  # the OpenAPI operation's summary and description (the API speaks English)
    description: str
    operation_id: str
    # The body of a round's export in a language, or None when the format has nothing to show yet.
    body: Callable[[Round, str], Body]
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})  # of the OpenAPI response
    localised: bool = False  # the file holds labels in the reader's language: its name says which
    # None from ``body`` when nobody has submitted: the API answers 409, the dashboard 404.
    needs_submissions: bool = False


def _json(round_: Round, lang: str) -> Body:
    return json.dumps(StoredAnswers.of_round(round_).document, ensure_ascii=False, indent=1)


def _csv(round_: Round, lang: str) -> Body:
    """Read and sent a batch of respondents at a time."""
    questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
    return streamed(exports.csv_chunks(submitted_batches(round_.assessment), questionnaire))


def _xlsx(round_: Round, lang: str) -> Body:
    """None for a round where nobody has submitted yet: a workbook without scores would show nothing."""
    stored = StoredAnswers.of_round(round_)
    if not stored.count:
        return None
    questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
    names = submitted_labels(round_.assessment)

    def workbook() -> bytes:
        return exports.to_xlsx(stored.document, score_stored(stored), questionnaire, lang, names)

    return cached("xlsx", (stored.revision, lang, json.dumps(names, ensure_ascii=False)), workbook, stored.tag)


EXPORTERS: dict[str, Exporter] = {exporter.kind: exporter for exporter in (
    Exporter("json", "application/json", _l("Assessment file (JSON)"),
             "The round's answers as an assessment file", "The assessment file.", "exportRoundJson", _json,
             schema={"$ref": "#/components/schemas/RoundExport"}),
    Exporter("csv", "text/csv", _l("Spreadsheet (CSV)"), "The round's answers as CSV", "One row per respondent.",
             "exportRoundCsv", _csv),
    Exporter("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _l("Workbook (XLSX)"),
             "The round's answers, dimension scores and item list as an Excel workbook",
             "Sheets answers, dimensions and items.", "exportRoundXlsx", _xlsx,
             schema={"type": "string", "contentMediaType": "application/octet-stream"}, localised=True,
             needs_submissions=True),
)}

# The URL rule's last part: export.json, export.csv, ... and nothing else.
EXPORT_RULE = f"export.<any({', '.join(EXPORTERS)}):kind>"
