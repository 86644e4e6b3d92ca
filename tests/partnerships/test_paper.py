"""Paper rounds: the blank questionnaire, typing forms in, and uploads that are stored whole or not at all."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader
from sqlalchemy import func, select, update

from database import db
from partnerships.exports import csv_to_document
from questionnaire.models import Answer, Respondent
from reports.service import score_document


def export_csv(round_, number: int = 1) -> list[list[str]]:
    text = round_["client"].get(f"/facilitator/p/{round_['partnership_id']}/rounds/{number}/export.csv").text
    return list(csv.reader(io.StringIO(text)))


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(round_, data: bytes, filename: str = "paper.csv", number: int = 2):
    return round_["client"].post(
        f"/facilitator/p/{round_['partnership_id']}/rounds/{number}/paper/upload",
        data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Respondent)).scalar(),
                db.session.execute(select(func.count()).select_from(Answer)).scalar())


@pytest.fixture
def two_rounds(full_round):
    """The full round (nine submitted respondents) and an empty second round of the same partnership."""
    assert full_round["client"].post(f"/facilitator/p/{full_round['partnership_id']}/rounds").status_code == 303
    return full_round


def test_a_csv_exported_edited_and_reimported_scores_as_edited(app, two_rounds, questionnaire):
    rows = export_csv(two_rounds)
    header = rows[0]
    trust = [header.index(f"enabler.trust.{n}") for n in (1, 2, 3)]
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"  # the paper forms' numbers
        for column in trust:
            row[column] = "1"  # nobody trusts anybody on paper
    rows[1][header.index("barrier.funding")] = "dont_know"

    response = upload(two_rounds, as_csv(rows))
    assert response.status_code == 303, response.text
    assert "10 respondents from paper are added to round 2" in two_rounds["client"].get(response.location).text

    result = two_rounds["client"].get(
        f"/facilitator/p/{two_rounds['partnership_id']}/rounds/2/export.json").json
    expected_document = csv_to_document(as_csv(rows).decode(), questionnaire)
    assert [p["answers"] for p in result["respondents"]] == [p["answers"] for p in expected_document["respondents"]]
    assert {p["source"] for p in result["respondents"]} == {"paper"}
    with app.test_request_context():
        scored = score_document(result)
        expected = score_document({**expected_document, "profile": result["profile"],
                                   "partnership": result["partnership"]})
    assert scored["dimensions"] == expected["dimensions"]
    assert scored["dimensions"]["enabler.trust"]["score"] == 0.0
    assert scored["dimensions"] != score_document_of_round(app, two_rounds, 1)["dimensions"]

    exported = export_csv(two_rounds, 2)
    assert [row[0] for row in exported[1:]] == [f"P-{n}" for n in range(1, 11)]
    assert {row[2] for row in exported[1:]} == {"paper"}
    report = two_rounds["client"].get(f"/facilitator/p/{two_rounds['partnership_id']}/rounds/2/results")
    assert "10 answered on paper" in report.text


def score_document_of_round(app, round_, number):
    document = round_["client"].get(f"/facilitator/p/{round_['partnership_id']}/rounds/{number}/export.json").json
    with app.test_request_context():
        return score_document(document)


def test_an_xlsx_export_reimports_into_another_round(two_rounds):
    base = f"/facilitator/p/{two_rounds['partnership_id']}"
    xlsx = two_rounds["client"].get(f"{base}/rounds/1/export.xlsx").data
    assert upload(two_rounds, xlsx, "round-1.xlsx").status_code == 303
    assert two_rounds["client"].get(f"{base}/rounds/2/export.json").json["respondents"] == [
        {**person, "source": "paper"} for person in two_rounds["client"].get(f"{base}/rounds/1/export.json").json[
            "respondents"]]


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def fault_cases(rows: list[list[str]]) -> dict[str, tuple[bytes, str, list[str]]]:
    """Faulty files made from a good export: (file, name, texts the fault list must show)."""
    header = rows[0]
    trust = header.index("enabler.trust.1")

    def edited(change) -> bytes:
        copy = [list(row) for row in rows]
        change(copy)
        return as_csv(copy)

    return {
        "unknown item id": (edited(lambda r: r[0].__setitem__(trust, "enabler.telepathy.1")), "a.csv",
                            ["enabler.telepathy.1", "Unknown column"]),
        "value outside its scale": (edited(lambda r: r[3].__setitem__(trust, "7")), "a.csv",
                                    [f"<tr><td>4</td><td>{column_letter(trust)} (enabler.trust.1)</td>"
                                     "<td>7 is not an answer"]),
        "wrong questionnaire version": (edited(lambda r: r[2].__setitem__(1, "1999.1")), "a.csv",
                                        ["Wrong questionnaire version: 1999.1"]),
        "duplicate respondent in the file": (edited(lambda r: r[4].__setitem__(0, r[2][0])), "a.csv",
                                             ["<tr><td>5</td><td>A (respondent)</td><td>Duplicate respondent: P-2 is "
                                              "also in row 3."]),
        "unknown group": (edited(lambda r: r[5].__setitem__(3, "aliens")), "a.csv",
                          ["aliens is not a stakeholder group"]),
        "broken xlsx": (b"PK\x03\x04 this is no workbook", "a.xlsx", ["cannot be read as an Excel workbook"]),
        "not utf-8": ("respondent,group\nP-1,rural_public\nP-2,caf\xe9".encode("latin-1"), "a.csv",
                      ["not UTF-8 text"]),
        "empty": (b"", "a.csv", ["The file is empty"]),
        "no respondent column": (b"group,enabler.trust.1\nrural_public,4\n", "a.csv", ["column respondent is missing"]),
    }


@pytest.mark.parametrize("case", ["unknown item id", "value outside its scale", "wrong questionnaire version",
                                  "duplicate respondent in the file", "unknown group", "broken xlsx", "not utf-8",
                                  "empty", "no respondent column"])
def test_a_faulty_upload_is_rejected_whole_and_leaves_the_database_unchanged(app, two_rounds, case):
    rows = export_csv(two_rounds)
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    data, filename, shown = fault_cases(rows)[case]
    before = counts(app)
    response = upload(two_rounds, data, filename)
    assert response.status_code == 422, response.text
    assert "nothing was stored" in response.text
    for text in shown:
        assert text in response.text, text
    assert counts(app) == before


def test_one_bad_cell_among_many_good_rows_stores_none_of_them(app, two_rounds):
    rows = export_csv(two_rounds)
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    rows[-1][rows[0].index("barrier.funding")] = "5"  # severity5 ends at 4
    before = counts(app)
    response = upload(two_rounds, as_csv(rows))
    assert response.status_code == 422
    column = column_letter(rows[0].index("barrier.funding"))
    assert f"<tr><td>11</td><td>{column} (barrier.funding)</td>" in response.text
    assert counts(app) == before


def test_the_same_forms_cannot_be_uploaded_twice(app, two_rounds):
    rows = export_csv(two_rounds)
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    assert upload(two_rounds, as_csv(rows)).status_code == 303
    before = counts(app)
    again = upload(two_rounds, as_csv(rows))
    assert again.status_code == 422 and "Duplicate respondent: P-1 is already in this round" in again.text
    assert counts(app) == before


def test_reimporting_online_answers_into_their_own_round_is_refused(app, two_rounds):
    rows = export_csv(two_rounds)
    before = counts(app)
    response = upload(two_rounds, as_csv(rows), number=1)
    assert response.status_code == 422 and "is already in this round" in response.text
    assert counts(app) == before


def test_a_french_spreadsheets_semicolons_are_read(two_rounds):
    rows = export_csv(two_rounds)[:4]
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"F-{number}"
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    assert upload(two_rounds, out.getvalue().encode("utf-8-sig")).status_code == 303


def entry_url(round_, number: int = 1) -> str:
    return f"/facilitator/p/{round_['partnership_id']}/rounds/{number}/paper/enter"


def test_typing_in_a_paper_form_stores_the_coded_answers(app, make_round):
    round_ = make_round()
    client = round_["client"]
    page = client.get(entry_url(round_))
    assert page.status_code == 200 and 'value="P-1"' in page.text
    response = client.post(entry_url(round_), data={
        "reference": "P-1", "group": "2", "organisation": "Village A", "enabler.trust.1": "4",
        "enabler.trust.2": "9", "linkage.demography_labour.strength": "0", "practice.written_agreement": "2",
        "barrier.funding": "", "open.priorities": "A bus on Sundays"})
    assert response.status_code == 303, response.text
    follow = client.get(response.location)
    assert "Form P-1 is saved with 5 answers" in follow.text and 'value="P-2"' in follow.text
    with app.app_context():
        respondent = db.session.execute(select(Respondent)).scalar_one()
        assert (respondent.source, respondent.reference, respondent.status) == ("paper", "P-1", "submitted")
        answers = dict(db.session.execute(select(Answer.item_id, Answer.value)).all())
    assert answers == {"respondent.group": "rural_public", "respondent.organisation": "Village A",
                       "enabler.trust.1": 4, "enabler.trust.2": "dont_know", "linkage.demography_labour.strength": 0,
                       "practice.written_agreement": "partly", "open.priorities": "A bus on Sundays"}


def test_a_wrong_code_keeps_what_was_typed_and_says_which_codes_fit(app, make_round):
    round_ = make_round()
    response = round_["client"].post(entry_url(round_), data={
        "reference": "P-1", "group": "2", "enabler.trust.1": "7", "enabler.trust.2": "3"})
    assert response.status_code == 400
    assert "Type one of 1, 2, 3, 4, 5, 9, or leave it empty." in response.text
    assert 'name="enabler.trust.2" type="text" value="3"' in response.text
    assert counts(app) == (0, 0)


def test_a_form_sent_twice_is_stored_once(app, make_round):
    round_ = make_round()
    data = {"reference": "P-7", "group": "1", "enabler.trust.1": "4"}
    assert round_["client"].post(entry_url(round_), data=data).status_code == 303
    again = round_["client"].post(entry_url(round_), data=data)
    assert again.status_code == 400 and "Form P-7 is already entered in this round." in again.text
    assert counts(app) == (1, 2)


def test_a_closed_round_takes_no_paper_answers(app, make_round):
    round_ = make_round()
    round_["client"].post(f"{round_['base']}/close")
    assert "This round is closed" in round_["client"].get(entry_url(round_)).text
    assert round_["client"].post(entry_url(round_), data={"reference": "P-1", "group": "1"}).status_code == 409
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("lang, heading", [("en", "Tick one box for each question"),
                                           ("fr", "Cochez une case par question")])
def test_the_blank_questionnaire_prints_tick_boxes_and_item_ids(make_round, lang, heading, tmp_path, app):
    app.config["PDF_CACHE_DIR"] = str(tmp_path / "pdf")
    round_ = make_round(name="Vallée <b>Verte</b>")
    response = round_["client"].get(f"{round_['base']}/paper/questionnaire.pdf?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert 4 <= len(reader.pages) <= 14
    assert heading in text and "Vallée <b>Verte</b>" in text
    for item_id in ("enabler.trust.1", "barrier.funding", "practice.written_agreement", "open.priorities"):
        assert item_id in text
    assert "profile.explicit" not in text  # the partnership's profile is not asked on paper
    assert reader.metadata.title.startswith("Vallée <b>Verte</b>")
    assert reader.outline  # bookmarks per section
    letter = round_["client"].get(f"{round_['base']}/paper/questionnaire.pdf?lang={lang}&paper=letter")
    assert PdfReader(io.BytesIO(letter.data)).pages[0].mediabox.height == pytest.approx(792, abs=1)


def test_exports_mark_paper_answers(two_rounds):
    rows = export_csv(two_rounds)[:4]
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    assert upload(two_rounds, as_csv(rows)).status_code == 303
    base = f"/facilitator/p/{two_rounds['partnership_id']}"
    workbook = load_workbook(io.BytesIO(two_rounds["client"].get(f"{base}/rounds/2/export.xlsx").data))
    sheet = list(workbook["answers"].iter_rows(values_only=True))
    assert [row[:3] for row in sheet[1:]] == [(f"P-{n}", sheet[1][1], "paper") for n in (1, 2, 3)]
    everything = json.loads(two_rounds["client"].get(f"{base}/export.json").data)
    assert [r["source"] for r in everything["rounds"][1]["respondents"]] == ["paper"] * 3
    listing = two_rounds["client"].get(f"{base}/rounds/2/respondents").text
    assert "Entered from paper form P-2" in listing


def test_a_large_upload_is_read_whole(app, two_rounds):
    """A regional campaign's spreadsheet is larger than a page of answers (the app-wide request limit)."""
    rows = export_csv(two_rounds)
    header, template = rows[0], rows[1]
    big = [header] + [[f"P-{n}", *template[1:]] for n in range(1, 1001)]
    data = as_csv(big)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(two_rounds, data)
    assert response.status_code == 303, response.text[:500]
    assert counts(app)[0] == 10 + 1000


def test_the_upload_limit_is_raised_before_csrf_protection_reads_the_body(app, two_rounds):
    app.config["WTF_CSRF_ENABLED"] = True
    data = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 50_000)  # above the limit, below spooling to disk
    response = upload(two_rounds, data)
    assert response.status_code == 400 and "This form has expired" in response.text  # not 413
    app.config["UPLOAD_MAX_BYTES"] = app.config["MAX_CONTENT_LENGTH"]
    assert upload(two_rounds, data).status_code == 413


def test_free_text_that_looks_like_a_formula_stays_text_in_the_workbook(two_rounds):
    rows = export_csv(two_rounds)[:4]
    column = rows[0].index("open.priorities")
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
        row[column] = '=HYPERLINK("http://example.org","click")'
    assert upload(two_rounds, as_csv(rows)).status_code == 303
    data = two_rounds["client"].get(f"/facilitator/p/{two_rounds['partnership_id']}/rounds/2/export.xlsx").data
    sheet = load_workbook(io.BytesIO(data))["answers"]
    cell = sheet.cell(row=2, column=column + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","click")', "s")


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A9)", "'quoted already",
           "''two quotes", "- a list", "plain text", "=1+1", "@SUM(A1)"]


def test_hostile_text_is_text_in_spreadsheets_and_exact_on_reimport(app, two_rounds, questionnaire):
    """Cells that spreadsheet programs would run as formulas are exported with a leading apostrophe; the
    upload removes it, so export → upload gives back exactly the same answers."""
    text_items = [item.id for item in questionnaire.items.values()
                  if item.type == "text" and not item.id.startswith("respondent.")]
    with app.app_context():
        respondents = db.session.execute(select(Respondent).order_by(Respondent.id)).scalars().all()
        for respondent, text in zip(respondents, HOSTILE, strict=True):
            db.session.add(Answer(respondent_id=respondent.id, item_id=text_items[0], value=text))
        db.session.execute(update(Answer).where(Answer.item_id == "respondent.organisation")
                           .values(value="=cmd|' /C calc'!A0"))
        db.session.commit()
    text = two_rounds["client"].get(f"/facilitator/p/{two_rounds['partnership_id']}/rounds/1/export.csv").text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in cells and "'''two quotes" in cells

    rows = list(csv.reader(io.StringIO(text)))
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    assert upload(two_rounds, as_csv(rows)).status_code == 303
    base = f"/facilitator/p/{two_rounds['partnership_id']}"
    first = two_rounds["client"].get(f"{base}/rounds/1/export.json").json["respondents"]
    second = two_rounds["client"].get(f"{base}/rounds/2/export.json").json["respondents"]
    assert [p["answers"].get(text_items[0]) for p in second] == HOSTILE
    assert [(p.get("organisation"), p["answers"]) for p in second] == [(p.get("organisation"), p["answers"])
                                                                       for p in first]


@pytest.mark.parametrize(("cell", "written"), [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
                                               ("\tx", "'\tx"), ("\rx", "'\rx"), ("'x", "''x"), ("x=1", "x=1"),
                                               (3, 3), ("", "")])
def test_spreadsheet_safe_cells_and_back(cell, written):
    from partnerships.exports import from_spreadsheet_safe, spreadsheet_safe

    assert spreadsheet_safe(cell) == written and from_spreadsheet_safe(written) == cell


@pytest.mark.parametrize("column", ["respondent", "open.priorities", "organisation"])
def test_a_nul_or_control_character_in_an_upload_is_refused_with_its_row_and_column(app, two_rounds, column):
    """On SQLite and PostgreSQL alike (PostgreSQL refuses NUL in text: it must never get that far)."""
    rows = export_csv(two_rounds)
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"P-{number}"
    index = rows[0].index(column)
    rows[3][index] = "Village\x00 hall" if column != "respondent" else "P-\x003"
    rows[2][index] = rows[2][index] if column == "respondent" else "Bell\x07 tower"
    before = counts(app)
    response = upload(two_rounds, as_csv(rows))
    assert response.status_code == 422, response.text[:500]
    assert "nothing was stored" in response.text
    assert f"<tr><td>4</td><td>{column_letter(index)} ({column})</td>" in response.text
    assert counts(app) == before
