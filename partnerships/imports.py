"""Paper answers into a round: an uploaded CSV/XLSX in the export format, or one form typed in.

All or nothing: an upload is read and checked whole, every fault is listed by row and column, and
nothing is stored unless there is none. Stored respondents are marked ``paper`` and keep the file's (or
the form's) reference, which must be new in the round: uploading the same forms twice is refused.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select

from database import db, utcnow
from partnerships.exports import LEAD_COLUMNS, from_spreadsheet_safe, item_columns
from questionnaire import item_bank, journey
from questionnaire.content import Item, Questionnaire, Value
from questionnaire.models import Answer, Assessment, Respondent, Source, respondent_label

MAX_ROWS = 5000
# Bounds checked while a file is read, before it is parsed whole: a legitimate file of MAX_ROWS respondents
# has about 90 columns and some blank lines; a "row bomb" (a small XLSX or CSV that unpacks into millions
# of cells) is refused within a second or two instead of keeping a worker busy until its timeout.
MAX_COLUMNS = 300
MAX_LINES = MAX_ROWS * 2  # rows read, blank ones included
MAX_CELLS = 600_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what an XLSX's parts may unpack to, all together


class _TooLarge(Exception):
    def __init__(self, fault: Fault):
        self.fault = fault
REFERENCE_MAX = 40
SOURCES = ("", *Source)


@dataclass(frozen=True)
class Fault:
    row: int | None  # as a spreadsheet numbers it: the header is row 1
    column: str | None  # "H (enabler.trust.2)"
    message: str


class ImportRejected(Exception):
    def __init__(self, faults: list[Fault]):
        self.faults = faults
        super().__init__(f"{len(faults)} fault(s)")


@dataclass
class PaperRespondent:
    reference: str
    group: str
    organisation: str | None
    answers: dict[str, Value] = field(default_factory=dict)


def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of an uploaded CSV or XLSX file (its "answers" sheet, else its first)."""
    if not data.strip():
        raise ImportRejected([Fault(None, None, _("The file is empty."))])
    is_xlsx = filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    try:
        table = _read_xlsx(data) if is_xlsx else _read_csv(data)
    except UnicodeDecodeError:
        raise ImportRejected([Fault(None, None, _(
            "This CSV file is not UTF-8 text. Save it again as “CSV UTF-8” from your spreadsheet program."))]) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportRejected([Fault(None, None, _(
            "This file cannot be read as an Excel workbook (.xlsx). Save it again from your spreadsheet "
            "program as .xlsx or as CSV (UTF-8)."))]) from None
    except csv.Error as error:
        raise ImportRejected([Fault(None, None, _("This CSV file is damaged: %(error)s", error=str(error)))]) from None
    except _TooLarge as refused:
        raise ImportRejected([refused.fault]) from None
    table = [row for row in table if any(_text(cell) for cell in row)]  # blank lines are not respondents
    if not table:
        raise ImportRejected([Fault(None, None, _("The file is empty."))])
    header = [_text(cell) for cell in table[0]]
    return header, table[1:]


def _bounded(rows) -> list[list[Any]]:
    """The rows of a file, read one by one and refused as soon as they pass MAX_COLUMNS, MAX_LINES or
    MAX_CELLS (each named in the fault)."""
    table, cells = [], 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise _TooLarge(Fault(None, None, _("The file has more than %(max)d rows; at most %(rows)d respondents "
                                                "can be imported at once.", max=MAX_LINES, rows=MAX_ROWS)))
        if len(row) > MAX_COLUMNS:
            raise _TooLarge(Fault(number, None, _("This row has %(count)d columns; a file of answers has at most "
                                                  "%(max)d.", count=len(row), max=MAX_COLUMNS)))
        cells += len(row)
        if cells > MAX_CELLS:
            raise _TooLarge(Fault(number, None, _("The file has more than %(max)d cells: it cannot be a file of "
                                                  "answers.", max=MAX_CELLS)))
        table.append(list(row))
    return table


def _read_csv(data: bytes) -> list[list[Any]]:
    text = data.decode("utf-8-sig")
    sample = text[:4096]
    # Spreadsheet programs set to French or German write ";" between columns.
    delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
    rows = _bounded(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    return [[from_spreadsheet_safe(cell) for cell in row] for row in rows]


def _refuse_unsafe_xlsx(data: bytes) -> None:
    """An XLSX is a zip of XML parts: refuse one that would unpack to more than MAX_UNPACKED_BYTES, or
    whose XML declares a document type or entities (which no spreadsheet program writes, and which is how
    entity-expansion and external-entity attacks start)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise _TooLarge(Fault(None, None, _("This workbook unpacks to more than %(mb)d MB: it cannot be a file "
                                                "of answers.", mb=MAX_UNPACKED_BYTES // (1024 * 1024))))
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as part:
                    start = part.read(4096)
                if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                    raise _TooLarge(Fault(None, None, _("This workbook declares a document type or entities in "
                                                        "%(part)s, which spreadsheet programs never write: it "
                                                        "is refused.", part=member.filename)))


def _read_xlsx(data: bytes) -> list[list[Any]]:
    _refuse_unsafe_xlsx(data)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook["answers"] if "answers" in workbook.sheetnames else workbook.worksheets[0]
        return _bounded(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


# Control characters other than tab and line breaks (which a text answer may hold).
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _column(index: int, name: str) -> str:
    return f"{get_column_letter(index + 1)} ({name})" if name else get_column_letter(index + 1)


def check_table(header: list[str], table: list[list[Any]], questionnaire: Questionnaire,
                taken: set[str]) -> list[PaperRespondent]:
    """Every row as a respondent to store, or ImportRejected with every fault of the file.

    ``taken``: the references already used in the round (its paper forms and ``web-<id>`` of its
    online respondents), which the file may not use again.
    """
    faults: list[Fault] = []
    known = set(item_columns(questionnaire))
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            if any(_text(row[index]) for row in table if index < len(row)):
                faults.append(Fault(1, _column(index, ""), _("This column has answers but no item id in row 1.")))
        elif name in positions:
            faults.append(Fault(1, _column(index, name), _("The column %(name)s appears twice.", name=name)))
        elif name not in known and name not in LEAD_COLUMNS:
            faults.append(Fault(1, _column(index, name), _(
                "Unknown column: %(name)s is not an item id of questionnaire %(version)s.",
                name=name, version=questionnaire.version)))
        else:
            positions[name] = index
    for required in ("respondent", "group"):
        if required not in positions:
            faults.append(Fault(1, None, _("The column %(name)s is missing (see the export format).", name=required)))
    if len(table) > MAX_ROWS:
        faults.append(Fault(None, None, _("The file has %(count)d rows; at most %(max)d can be imported at once.",
                                          count=len(table), max=MAX_ROWS)))
    if faults:
        raise ImportRejected(faults)
    if not table:
        raise ImportRejected([Fault(None, None, _("The file has a header row but no respondents."))])

    respondents = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(table):
        row_number = offset + 2
        cells = {name: _text(row[index]) if index < len(row) else "" for name, index in positions.items()}
        raw = {name: row[index] if index < len(row) else None for name, index in positions.items()}
        where = {name: _column(index, name) for name, index in positions.items()}
        before = len(faults)
        for name, text in cells.items():  # PostgreSQL cannot store NUL, and no answer holds a control character
            control = CONTROL_CHARACTER.search(text)
            if control:
                faults.append(Fault(row_number, where[name], _(
                    "This cell holds a control character (U+%(code)s) that cannot be stored: remove it.",
                    code=f"{ord(control.group()):04X}")))

        reference = cells["respondent"]
        if not reference:
            faults.append(Fault(row_number, where["respondent"], _("Every row needs a respondent reference.")))
        elif len(reference) > REFERENCE_MAX:
            faults.append(Fault(row_number, where["respondent"], _(
                "A respondent reference has at most %(max)d characters.", max=REFERENCE_MAX)))
        elif reference in seen:
            faults.append(Fault(row_number, where["respondent"], _(
                "Duplicate respondent: %(reference)s is also in row %(row)d.", reference=reference,
                row=seen[reference])))
        elif reference in taken:
            faults.append(Fault(row_number, where["respondent"], _(
                "Duplicate respondent: %(reference)s is already in this round.", reference=reference)))
        seen.setdefault(reference, row_number)

        version = cells.get("questionnaire", "")
        if version and version != questionnaire.version:
            faults.append(Fault(row_number, where["questionnaire"], _(
                "Wrong questionnaire version: %(found)s, but this round uses %(version)s.",
                found=version, version=questionnaire.version)))
        if cells.get("source", "") not in SOURCES:
            faults.append(Fault(row_number, where["source"], _("The source is online or paper.")))
        group = cells["group"]
        if group not in item_bank.GROUPS:
            faults.append(Fault(row_number, where["group"], _(
                "%(value)s is not a stakeholder group (one of %(groups)s).",
                value=group or _("An empty cell"), groups=", ".join(item_bank.GROUPS))))
        organisation = cells.get("organisation", "")
        if len(organisation) > 200:
            faults.append(Fault(row_number, where["organisation"],
                                _("An organisation's name has at most 200 characters.")))

        answers: dict[str, Value] = {}
        for item_id in known & positions.keys():
            item = questionnaire.items[item_id]
            value, fault = cell_value(item, raw[item_id])
            if fault:
                faults.append(Fault(row_number, where[item_id], fault))
            elif value is not None and not item_id.startswith("profile."):
                answers[item_id] = value
        if len(faults) == before:
            respondents.append(PaperRespondent(reference, group, organisation or None, answers))
    if faults:
        raise ImportRejected(faults)
    return respondents


def cell_value(item: Item, cell: Any) -> tuple[Value | None, str | None]:
    """A cell as a stored value (None when empty), or the fault that keeps it out."""
    text = _text(cell)
    if not text:
        return None, None
    if item.max_length is not None and len(text) > item.max_length:
        return None, _("The answer has %(count)d characters; at most %(max)d are allowed.", count=len(text),
                       max=item.max_length)
    value: Value = item.kind.from_cell(item, text)
    if item.value_fault(value):
        return None, _("%(value)s is not an answer to %(item)s (allowed: %(allowed)s).", value=text, item=item.id,
                       allowed=allowed_values(item))
    return value, None


def allowed_values(item: Item) -> str:
    values = [str(v) for v in item.option_values]
    if item.allows_dont_know:
        values.append(item_bank.DONT_KNOW)
    return ", ".join(values) if item.kind.widget != "checkboxes" else _("option ids separated by ;")


def taken_references(assessment: Assessment) -> set[str]:
    rows = db.session.execute(select(Respondent.id, Respondent.reference)
                              .where(Respondent.assessment_id == assessment.id))
    return {respondent_label(respondent_id, reference) for respondent_id, reference in rows}


def store(assessment: Assessment, respondents: Iterable[PaperRespondent], lang: str) -> list[Respondent]:
    """Add the respondents as submitted paper answers (flushed, not committed)."""
    now = utcnow()
    stored = []
    for person in respondents:
        respondent = Respondent(
            assessment_id=assessment.id, status="submitted", submitted_at=now, source="paper",
            reference=person.reference, lang=lang, current_section=None,
            # Paper respondents never resume online: their token is thrown away.
            token_hash=journey.hash_token(secrets.token_urlsafe(journey.TOKEN_BYTES)))
        answers: Mapping[str, Value] = {"respondent.group": person.group, **person.answers}
        if person.organisation:
            answers = {**answers, "respondent.organisation": person.organisation}
        respondent.answers = [Answer(item_id=item_id, value=value) for item_id, value in answers.items()]
        db.session.add(respondent)
        stored.append(respondent)
    db.session.flush()
    return stored
