"""Uploaded answer files that unpack into far more than a file of answers holds, or that declare XML
entities, are refused with a clear fault while they are read (issue #23)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from partnerships import imports

SHEET = b'<?xml version="1.0" encoding="UTF-8"?>%s<worksheet ' \
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'


def workbook_with(sheet_xml: bytes) -> bytes:
    """A real workbook (made by openpyxl) whose answers sheet is replaced by ``sheet_xml``."""
    book = Workbook()
    book.active.title = "answers"
    book.active.append(["respondent", "group"])
    made = io.BytesIO()
    book.save(made)
    source, out = zipfile.ZipFile(io.BytesIO(made.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, sheet_xml if member.filename == "xl/worksheets/sheet1.xml"
                            else source.read(member))
    return out.getvalue()


def rejected(filename: str, data: bytes) -> str:
    with pytest.raises(imports.ImportRejected) as raised:
        imports.read_table(filename, data)
    return " ".join(str(fault.message) for fault in raised.value.faults)


def test_a_row_bomb_is_refused_while_it_is_read(app):
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, 200_001))
    data = workbook_with(SHEET % (b"", rows))
    assert len(data) < app.config["UPLOAD_MAX_BYTES"]  # an upload the app accepts ...
    with app.test_request_context():
        assert f"more than {imports.MAX_LINES} rows" in rejected("bomb.xlsx", data)  # ... of 200,000 rows


def test_a_column_bomb_is_refused(app):
    cells = b"".join(b'<c r="%s1"><v>1</v></c>' % name.encode() for name in
                     (f"{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    data = workbook_with(SHEET % (b"", b'<row r="1">' + cells + b"</row>"))
    with app.test_request_context():
        assert "columns" in rejected("wide.xlsx", data)


def test_a_workbook_declaring_entities_is_refused(app):
    laughs = b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    data = workbook_with(SHEET % (laughs, b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'))
    with app.test_request_context():
        assert "declares a document type or entities" in rejected("laughs.xlsx", data)


def test_a_csv_of_too_many_lines_or_cells_is_refused(app):
    with app.test_request_context():
        lines = ("respondent,group\n" + "p1,business\n" * (imports.MAX_LINES + 5)).encode()
        assert f"more than {imports.MAX_LINES} rows" in rejected("long.csv", lines)
        wide = ("respondent,group," + ",".join(f"c{n}" for n in range(imports.MAX_COLUMNS)) + "\n").encode()
        assert "columns" in rejected("wide.csv", wide)


def test_a_normal_workbook_still_reads(app):
    book = Workbook()
    book.active.title = "answers"
    book.active.append(["respondent", "group"])
    book.active.append(["p1", "business"])
    made = io.BytesIO()
    book.save(made)
    with app.test_request_context():
        header, rows = imports.read_table("ok.xlsx", made.getvalue())
    assert header == ["respondent", "group"] and rows == [["p1", "business"]]
