"""A round's data as an assessment file (JSON), CSV and XLSX, and back.

The JSON is docs/assessment-model.md §8, which `flask --app app score` accepts unchanged. CSV and XLSX have one row
per respondent and one column per item id (the partnership's profile repeated on every row); a
multiple-choice value is its option ids joined by ";". The lead columns name the respondent (a paper
form's reference, or ``web-<id>``), the questionnaire version and the source (``online`` or ``paper``):
the same file, edited, is what a facilitator uploads (partnerships/imports.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook, load_workbook

from questionnaire.content import LANGUAGES, Questionnaire
from questionnaire.item_types import MULTI_SEPARATOR
from reports import labels

LEAD_COLUMNS = ("respondent", "questionnaire", "source", "group", "organisation")


def item_columns(questionnaire: Questionnaire) -> list[str]:
    return [item_id for item_id in questionnaire.items if not item_id.startswith("respondent.")]


def rows(document: dict, questionnaire: Questionnaire,
         names: list[str] | None = None) -> tuple[list[str], list[list[Any]]]:
    """Header and rows; ``names`` label the respondents (their position in the file when not given)."""
    header = [*LEAD_COLUMNS, *item_columns(questionnaire)]
    profile = document.get("profile", {})
    version = document.get("questionnaire", questionnaire.version)
    table = []
    cells = [(item_id, questionnaire.items[item_id].kind.to_cell) for item_id in item_columns(questionnaire)]
    for number, respondent in enumerate(document["respondents"], start=1):
        answers = {**profile, **respondent["answers"]}
        table.append([names[number - 1] if names else str(number), version, respondent.get("source", "online"),
                      respondent["group"], respondent.get("organisation", ""),
                      *(cell(answers.get(item_id, "")) for item_id, cell in cells)])
    return header, table


def to_csv(document: dict, questionnaire: Questionnaire, names: list[str] | None = None) -> str:
    return "".join(csv_chunks([(document, names)], questionnaire))


# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection): the export
# writes such a cell with a leading apostrophe, which spreadsheets show as text, and the paper upload
# removes it again. A cell that starts with an apostrophe gets one more, so that every text comes back
# exactly as it was.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_safe(cell: Any) -> Any:
    """A CSV cell as spreadsheet programs show it as text, never as a formula."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def from_spreadsheet_safe(cell: Any) -> Any:
    """A CSV cell as it was before :func:`spreadsheet_safe`."""
    return cell[1:] if isinstance(cell, str) and cell.startswith("'") else cell


def csv_chunks(batches: Iterable[tuple[dict, list[str] | None]], questionnaire: Questionnaire) -> Iterator[str]:
    """The CSV export, a piece per batch of respondents (each batch a document of some of them, with their
    names): a round's export is streamed, never held whole in memory."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*LEAD_COLUMNS, *item_columns(questionnaire)])
    for document, names in batches:
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows(document, questionnaire, names)[1])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():  # no batch at all: the header alone
        yield out.getvalue()


def _parse(value: Any, item) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return item.kind.from_cell(item, str(value))


def document_from_rows(header: list[str], table: list[list[Any]], questionnaire: Questionnaire,
                       partnership: str | None = None) -> dict:
    """The assessment document of exported rows: profile from the first row, answers per respondent."""
    items = questionnaire.items
    profile: dict[str, Any] = {}
    respondents = []
    for index, row in enumerate(table):
        values = dict(zip(header, row, strict=False))
        answers = {}
        for item_id in item_columns(questionnaire):
            value = _parse(values.get(item_id), items[item_id])
            if value is None:
                continue
            if item_id.startswith("profile."):
                if index == 0:
                    profile[item_id] = value
            else:
                answers[item_id] = value
        respondent = {"group": values.get("group"), "answers": answers}
        if values.get("organisation"):
            respondent["organisation"] = str(values["organisation"])
        respondents.append(respondent)
    document = {"questionnaire": questionnaire.version, "profile": profile, "respondents": respondents}
    if partnership:
        document["partnership"] = partnership
    return document


def csv_to_document(text: str, questionnaire: Questionnaire) -> dict:
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return document_from_rows(header, [[from_spreadsheet_safe(cell) for cell in row] for row in reader], questionnaire)


def to_xlsx(document: dict, result: dict, questionnaire: Questionnaire, lang: str,
            names: list[str] | None = None) -> bytes:
    workbook = Workbook()
    answers = workbook.active
    answers.title = "answers"
    header, table = rows(document, questionnaire, names)
    answers.append(header)
    for row in table:
        answers.append(row)
        for cell in answers[answers.max_row]:
            if isinstance(cell.value, str):
                # Free text such as "=HYPERLINK(...)" stays text: openpyxl would write it as a formula.
                cell.data_type = "s"
    answers.freeze_panes = "F2"

    dimensions = workbook.create_sheet("dimensions")
    groups = list(result["groups"])
    dimensions.append(["dimension", "name", "score", "band", "answered", "items",
                       *(f"score {group} (n={result['groups'][group]['n']})" for group in groups)])
    for dimension_id, value in result["dimensions"].items():
        dimensions.append([dimension_id, str(labels.DIMENSIONS[dimension_id]), value["score"], value["band"],
                           value["answered"], value["items"],
                           *(result["groups"][group]["dimensions"][dimension_id]["score"] for group in groups)])

    # Every gap between two shown groups, flagged or not (the report lists the largest).
    gaps = workbook.create_sheet("gaps")
    # A rural-urban difference published without its levels (anonymity) has empty score cells.
    gaps.append(["dimension", "name", "group", "score", "other group", "other score", "difference", "higher",
                 "flagged"])
    for gap in result["gaps"]:
        first, second = gap["groups"]
        gaps.append([gap["dimension"], str(labels.DIMENSIONS[gap["dimension"]]), first, gap["scores"][first],
                     second, gap["scores"][second], gap["difference"], gap.get("higher"), gap["flagged"]])

    dictionary = workbook.create_sheet("items")
    dictionary.append(["id", "section", "type", "scale", "required", "options",
                       *(f"text ({lang})" for lang in LANGUAGES)])
    for section in questionnaire.sections:
        for item in section.items:
            dictionary.append([item.id, section.id, item.type, item.scale or "", item.required,
                               MULTI_SEPARATOR.join(map(str, item.option_values)),
                               *(item.text[lang] for lang in LANGUAGES)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_to_document(data: bytes, questionnaire: Questionnaire) -> dict:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet_rows = [list(row) for row in workbook["answers"].iter_rows(values_only=True)]
    workbook.close()
    header = [str(cell) for cell in sheet_rows[0]]
    return document_from_rows(header, sheet_rows[1:], questionnaire)
