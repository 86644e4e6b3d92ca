"""The recommendations report: a PDF people can open, navigate and trust, in English and French,
that never fetches anything outside the app."""

from __future__ import annotations

import http.server
import io
import json
import os
import random
import re
import threading
from collections import Counter
from datetime import date
from html import unescape
from pathlib import Path

import pypdf
import pytest
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, TableBox

from reports import labels
from reports.pdf import render_document, render_pdf
from reports.report import OTHER_GAPS_LISTED
from reports.service import report_context_for, report_print_html, score_document

GOLDEN = Path(__file__).parents[1] / "scoring" / "golden"


def write_report(app, tmp_path, source: Path | str, *args: str) -> tuple[pypdf.PdfReader, str]:
    if isinstance(source, str):
        path = tmp_path / "assessment.json"
        path.write_text(source)
        source = path
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    result = app.test_cli_runner().invoke(
        args=["report", str(source), "--output", str(pdf), "--html", str(html), *args])
    assert result.exit_code == 0, result.output
    return pypdf.PdfReader(pdf), html.read_text()


def text_of(reader: pypdf.PdfReader) -> str:
    """The document's text with line breaks and runs of spaces made single spaces."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    titles = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                titles.append(entry.title)

    walk(reader.outline)
    return titles


def embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            if descriptor and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                fonts.add(str(font["/BaseFont"]))
    return fonts


def test_individual_report_pdf(app, tmp_path):
    reader, html = write_report(app, tmp_path, GOLDEN / "individual.json")
    assert 8 <= len(reader.pages) <= 40
    text = text_of(reader)
    assert "Golden Hills (individual)" in text
    assert "Explicit partnership without delegated functions" in text  # the recommended model
    assert "not endorsed by the OECD" in text
    titles = outline_titles(reader)
    for heading in ("At a glance", "Partnership profile", "Rural-urban linkages", "Governance models",
                    "Recommendations", "Method", "Annex: answers"):
        assert heading in titles
    fonts = embedded_fonts(reader)
    assert any("Noto-Sans" in font for font in fonts) and any("Bold" in font for font in fonts)
    # Only the fonts shipped with the app (no glyph falls back to a font of the machine's).
    assert all(re.fullmatch(r"/[A-Z]{6}\+Noto-Sans(-Bold|-Italic|-BoldItalic)?", font) for font in fonts), fonts
    assert reader.metadata.title == "Golden Hills (individual) – Recommendations report"
    assert reader.metadata.author.startswith("RUPA")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root  # tagged PDF
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    # The table of contents carries page numbers and the running footer counts pages.
    assert re.search(r"Recommendations\s*\.*\s*\d+", text)
    assert re.search(rf"2 / {len(reader.pages)}", text)
    # The annex lists every answer, including the free text, escaped in the HTML.
    assert "A shared school bus between the villages and the town." in text
    # At a glance draws its bars as tables of words: the SVG bars are hidden from screen readers.
    assert '<table class="bar-chart">' in html and '<svg class="bar"' in html and 'aria-hidden="true"' in html
    # The HTML file stands on its own: its stylesheet inside (imports resolved), nothing to fetch, no
    # script.
    assert "<link" not in html and "@import" not in html and "@font-face" not in html
    assert ".recommendation {" in html and "@page {" in html and ".skip-link" in html
    assert "<script" not in html and "<title>Pygal" not in html


def test_group_report_has_groups_gaps_and_distributions(app, tmp_path):
    reader, html = write_report(app, tmp_path, GOLDEN / "partnership.json")
    text = text_of(reader)
    assert "Golden Valley Partnership" in text
    assert "Stakeholder groups" in outline_titles(reader)
    assert "Perception gaps" in text and "Contested dimensions" in text
    # urban public bodies are 2 organisations, business 2 respondents: pooled, and the reader is told why
    assert "2 groups are not shown on their own, to protect anonymity" in text
    assert ("Fewer than 3 organisations among urban public bodies answered in this round: their views cannot be "
            "shown on their own, and rural and urban views are not compared.") in text
    method = " ".join(unescape(html).split())  # the sentence may run across a page break in the PDF's text
    assert "Urban public bodies and Business are shown together as “Other stakeholders, pooled” (n=5)" in method
    assert "Strongly agree: " in text  # distribution per item in the annex


def many_groups_document(respondents: int, seed: int) -> dict:
    """Random answers from every stakeholder group: a partnership whose groups disagree a lot."""
    from bench.score_bench import generate

    document = generate(respondents, random.Random(seed))
    document["partnership"] = "Many Groups Valley"
    return document


def test_group_report_lists_rural_urban_gaps_and_only_the_largest_others(app):
    document = many_groups_document(50, 50)
    with app.test_request_context():
        result = score_document(document)
        context = report_context_for(document, result, "en", date(2026, 11, 29))
        html = report_print_html(document, result, "en", "a4", date(2026, 11, 29))
        pdf, _refused = render_pdf(html, Path(app.static_folder), "report-print.css")
    flagged = [gap for gap in result["gaps"] if gap["flagged"]]
    rural_urban = [gap for gap in flagged if set(gap["groups"]) == {"rural_public", "urban_public"}]
    others = sorted((gap["difference"] for gap in flagged if gap not in rural_urban), reverse=True)
    assert len(result["groups"]) == 7 and len(others) > OTHER_GAPS_LISTED  # the case the cap is for
    gaps = context["gaps"]
    assert len(gaps["rural_urban"]) == len(rural_urban) > 0  # every rural-urban gap, rural first
    assert all(row["groups"] == ["rural_public", "urban_public"] for row in gaps["rural_urban"])
    assert [row["difference"] for row in gaps["others"]] == others[:OTHER_GAPS_LISTED]
    assert gaps["others_unlisted"] == len(others) - OTHER_GAPS_LISTED
    assert context["gap_chart"]["first"] == "Rural public bodies"
    text = text_of(pypdf.PdfReader(io.BytesIO(pdf)))
    assert f"{len(others) - OTHER_GAPS_LISTED} smaller flagged gaps are not listed here" in text
    # 312 flagged gaps filled 16 of 31 pages when every one was listed.
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) <= 20


def test_without_rural_and_urban_groups_the_gap_chart_compares_the_pair_listed_most(app):
    document = many_groups_document(60, 7)
    document["respondents"] = [r for r in document["respondents"]
                               if r["group"] not in ("rural_public", "urban_public")]
    with app.test_request_context():
        result = score_document(document)
        context = report_context_for(document, result, "en", date(2026, 11, 29))
    gaps = context["gaps"]
    assert gaps["rural_urban"] == [] and gaps["others"]
    pairs = Counter(tuple(row["groups"]) for row in gaps["others"])
    first, second = pairs.most_common(1)[0][0]
    chart = context["gap_chart"]
    assert (chart["first"], chart["second"]) == (labels.GROUPS[first], labels.GROUPS[second])
    assert chart["rows"] and all([bar["group"] for bar in row["bars"]] == [str(chart["first"]), str(chart["second"])]
                                 for row in chart["rows"])


def boxes_of(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from boxes_of(child)


def text_in(box) -> str:
    return "".join(getattr(part, "text", "") for part in boxes_of(box)).strip()


def layout_faults(pages) -> dict:
    """Read off WeasyPrint's laid-out pages (``Page._page_box``, each page's box tree):
    - ``stranded``: headings and table captions with nothing after them on their page;
    - ``headerless``: pages where a table that runs on from the page before starts without its header row;
    - ``continued``: how many tables ran on;
    - ``too_wide``: boxes that reach past the page's content area (a clipped column, a line that cannot break);
    - ``sparse``: pages less than a quarter full that are neither the last page nor followed by a new chapter."""
    faults: dict = {"stranded": [], "headerless": [], "continued": 0, "too_wide": [], "sparse": []}
    tables_before: set = set()
    fill = []
    for number, page in enumerate(pages, start=1):
        area = page._page_box
        right = area.content_box_x() + area.width
        boxes = list(boxes_of(area.children[0]))  # the page area; margin boxes come after it
        for box in boxes:
            if box.element_tag in ("h2", "h3", "caption") and isinstance(box, BlockBox):
                inside = {id(part) for part in boxes_of(box)}
                bottom = box.position_y + box.margin_height()
                if not any(isinstance(other, LineBox) and id(other) not in inside and other.position_y >= bottom - 1
                           for other in boxes):
                    faults["stranded"].append(f"{text_in(box)} (page {number})")
            if isinstance(box, LineBox) and box.position_x + box.margin_width() > right + 1:
                faults["too_wide"].append(f"{text_in(box)[:40]} (page {number})")
        tables = [box for box in boxes if isinstance(box, TableBox)]
        for table in tables:
            if table.element in tables_before:
                faults["continued"] += 1
                if not table.children[0].is_header:
                    faults["headerless"].append(number)
        tables_before = {table.element for table in tables}
        lines = [box.position_y + box.margin_height() for box in boxes if isinstance(box, LineBox)]
        first_line = min((box.position_y for box in boxes if isinstance(box, LineBox)), default=None)
        starts_chapter = first_line is not None and any(
            box.element_tag == "h2" and isinstance(box, BlockBox)
            and box.position_y <= first_line < box.position_y + box.margin_height() for box in boxes)
        fill.append(((max(lines) - area.content_box_y()) / area.height if lines else 0, starts_chapter))
    for number, (used, _starts) in enumerate(fill, start=1):
        if used < 0.25 and number < len(fill) and not fill[number][1]:
            faults["sparse"].append(number)
    return faults


def test_the_layout_check_finds_stranded_headings_lost_headers_wide_boxes_and_sparse_pages(app):
    rows = "".join(f"<tr><td>{n}</td></tr>" for n in range(80))
    html = ('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
            '<p style="height: 240mm; margin: 0">Filler</p><h2 style="break-after: auto">Alone</h2>'
            '<p style="break-before: page">Next page</p>'
            '<table style="table-layout: fixed; width: 100%"><tr><td style="width: 100%">wide</td>'
            '<td>(narrowed)</td></tr></table><p style="break-before: page">After a sparse page</p>'
            f'<table><thead style="display: table-row-group"><tr><th>Head</th></tr></thead><tbody>{rows}</tbody>'
            '</table></body></html>')
    with app.app_context():
        pages = render_document(html, Path(app.static_folder), "report-print.css").pages
    faults = layout_faults(pages)
    assert faults["stranded"] == ["Alone (page 1)"] and faults["continued"] >= 1 and faults["headerless"]
    assert any("(narrowed)" in box for box in faults["too_wide"]) and 2 in faults["sparse"]


def two_rounds(lang: str) -> tuple[dict, dict, dict]:
    """A seven-group round after an earlier one, with a consensus (a long note and a dissent) and an action:
    the group report at its widest (the change table's gap column, the consensus notes)."""
    from types import SimpleNamespace

    from partnerships import workshop

    before, now = many_groups_document(50, 50), many_groups_document(50, 51)
    previous, result = score_document(before, lang=lang), score_document(now, lang=lang)
    note = "The rural municipalities ask for one more seat on the board and a rotating chair. " * 2
    entries = [SimpleNamespace(dimension="enabler.trust", agreed_band="concern", note=note,
                               dissent_group="urban_public", dissent_reason="The city sees the board as balanced.")]
    actions = [SimpleNamespace(id=1, text="Joint council session on the bus network and its costs", owner="Chair",
                               due_on=date(2027, 3, 1), status="planned", recommendation_id=None, carried_from=None)]
    round_ = SimpleNamespace(consensus=entries, actions=actions, votes=[])
    extra = {"round": 2, "consensus": workshop.consensus_rows(round_, result), "actions": workshop.action_rows(round_),
             "change": {"number": 1, **workshop.change_since(previous, result)}}
    return now, result, extra


@pytest.mark.parametrize(("source", "lang", "paper"), [
    ("individual", "en", "a4"), ("individual", "fr", "letter"), ("many groups", "en", "a4"),
    ("many groups", "fr", "letter"), ("two rounds", "en", "a4"), ("two rounds", "fr", "letter")])
def test_the_report_lays_out_cleanly(app, source, lang, paper):
    """No stranded heading, continued tables repeat their header, nothing wider than the page, no page
    less than a quarter full but the last of a chapter."""
    with app.test_request_context():
        if source == "two rounds":
            document, result, extra = two_rounds(lang)
        else:
            document = (json.loads((GOLDEN / "individual.json").read_text()) if source == "individual"
                        else many_groups_document(50, 50))
            result, extra = score_document(document, lang=lang), None
        html = report_print_html(document, result, lang, paper, date(2026, 11, 29), extra)
        pages = render_document(html, Path(app.static_folder), "report-print.css").pages
    faults = layout_faults(pages)
    assert faults["stranded"] == [] and faults["headerless"] == []
    assert faults["too_wide"] == [] and faults["sparse"] == [], faults
    if source != "individual":
        assert faults["continued"] > 0  # the case the header check is for
    if source == "two rounds":
        assert 'id="change"' in html and 'id="workshop"' in html


def test_french_report_and_us_letter(app, tmp_path):
    reader, html = write_report(app, tmp_path, GOLDEN / "individual.json", "--lang", "fr", "--paper", "letter")
    # The charts write numbers as the tables do (37,5), past a no-break space, and the band in words.
    assert ">37,5 · Préoccupation<" in html and "37.5 ·" not in html
    titles = outline_titles(reader)
    assert "En un coup d'œil" in titles and "Recommandations" in titles and "Méthode" in titles
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "Construire la confiance par de petits succès partagés" in text_of(reader)
    assert reader.pages[0].mediabox.width == pytest.approx(612, abs=1)  # US Letter


@pytest.mark.parametrize("name", [
    "<img src=x onerror=alert(1)>",
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<img src='http://127.0.0.1:9/x.png'> & <style>@import 'file:///etc/hostname';</style>",
])
def test_hostile_partnership_name_is_text_and_fetches_nothing(app, name):
    document = json.loads((GOLDEN / "individual.json").read_text())
    document["partnership"] = name
    with app.app_context():
        result = score_document(document)
        html = report_print_html(document, result, "en", "a4", date(2026, 11, 28))
        pdf, refused = render_pdf(html, Path(app.static_folder), "report-print.css")
    assert name not in html  # only its escaped form
    assert refused == []
    text = text_of(pypdf.PdfReader(io.BytesIO(pdf)))
    assert name.split(">")[0] in text


def test_renderer_refuses_file_network_and_data_urls(app):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    html = f"""<html><head><link rel="stylesheet" href="file:///etc/passwd">
        <style>@import url("http://127.0.0.1:{port}/style.css");</style></head><body>
        <img src="file:///etc/hostname"><img src="http://127.0.0.1:{port}/pixel.png">
        <img src="https://127.0.0.1:{port}/secure.png"><img src="data:image/svg+xml,%3Csvg/%3E">
        <img src="static/../../../etc/passwd"><img src="static/fonts/OFL.txt"></body></html>"""
    try:
        pdf, refused = render_pdf(html, Path(app.static_folder), "report-print.css")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert pdf.startswith(b"%PDF")
    assert hits == []
    assert "file:///etc/passwd" in refused and "file:///etc/hostname" in refused
    assert f"http://127.0.0.1:{port}/pixel.png" in refused and f"http://127.0.0.1:{port}/style.css" in refused
    assert any(url.startswith("data:") for url in refused)
    assert any("etc/passwd" in url and url.startswith("https://rupa.internal/") for url in refused)


def test_report_command_refuses_a_malformed_file(app, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"respondents": [{"group": "urban_public", "answers": {"barrier.policy": 8}}]}))
    result = app.test_cli_runner().invoke(args=["report", str(path), "--output", str(tmp_path / "out.pdf")])
    assert result.exit_code == 1
    assert "respondent 1 (urban_public): barrier.policy: value 8 is outside its scale" in result.stderr
    assert not (tmp_path / "out.pdf").exists()


def test_the_pdf_cache_key_follows_the_report_code_and_not_file_dates(app, tmp_path):
    """Cached PDFs are keyed by the content of everything that shapes the report, including the code
    that builds its tables and charts; copies of one release on two hosts share their keys."""
    from reports import service

    def fingerprint(root: Path) -> str:
        service.layout_fingerprint.cache_clear()
        app.root_path = str(root)
        try:
            with app.app_context():
                return service.layout_fingerprint()
        finally:
            service.layout_fingerprint.cache_clear()

    original = Path(app.root_path)
    copies = [tmp_path / "host-a", tmp_path / "host-b"]
    for number, copy in enumerate(copies):
        for pattern in ("templates/reports/*.html", "static/css/*.css", "reports/*.py", "reports/*.css"):
            for path in original.glob(pattern):
                target = copy / path.relative_to(original)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
                os.utime(target, (1_700_000_000 + number * 86_400,) * 2)  # another date, the same content
    try:
        first = fingerprint(copies[0])
        assert first == fingerprint(copies[1]) and first != fingerprint(tmp_path / "empty")
        charts = copies[0] / "reports" / "charts.py"
        charts.write_text(charts.read_text() + "\n# a change to the chart code\n")
        assert fingerprint(copies[0]) != first
    finally:
        app.root_path = str(original)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_obstacles_read_as_obstacles_and_are_listed_apart(app, lang):
    """A barrier's 100 means no obstacle: it is never called a strength, nor listed among the strongest."""
    document = json.loads((GOLDEN / "individual.json").read_text())
    serious, none, strength = {"en": ("A serious obstacle", "No real obstacle", "Strength"),
                               "fr": ("Un obstacle sérieux", "Pas un réel obstacle", "Point fort")}[lang]
    with app.test_request_context(f"/?lang={lang}"):
        result = score_document(document, lang=lang)
        context = report_context_for(document, result, lang, date(2026, 12, 1))
        html = report_print_html(document, result, lang, "a4", date(2026, 12, 1))
        rows = {row["id"]: str(row["band_name"]) for section in context["sections"] for row in section["rows"]}
        power = str(labels.DIMENSIONS["barrier.power_asymmetry"])
        funding_name = str(labels.DIMENSIONS["barrier.funding"])
    # power asymmetry scored 25 (severity 3), funding 100 (no obstacle at all)
    assert rows["barrier.power_asymmetry"] == serious and rows["barrier.funding"] == none
    assert all(rows[d] != strength for d in rows if d.startswith("barrier."))
    # At a glance: what helps never lists an obstacle; what gets in the way lists the most serious first,
    # named in words, its bar as long as the obstacle is serious.
    helps, hinders = context["summary"]["helps"], context["summary"]["hinders"]
    assert all(not str(row["name"]).startswith(power) for row in helps)
    assert funding_name not in [row["name"] for row in helps]
    assert str(hinders[0]["name"]) == power and hinders[0]["text"] == serious and hinders[0]["length"] == 75
    funding = next(row for row in hinders if row["name"] == funding_name)
    assert funding["text"] == none and funding["length"] == 0
    assert all(row["text"] != strength for row in hinders)
    assert [row["length"] for row in hinders] == sorted((row["length"] for row in hinders), reverse=True)
    assert f"<th scope=\"row\">{power}</th>" in html


def test_a_recommendations_reasons_are_listed_once(app):
    """Two rules of one recommendation often look at the same gap: each sentence is listed once."""
    from reports.context import named_recommendations
    from tests.scoring.builders import answers
    from tests.scoring.test_calibration import partnership

    document = partnership({}, answers(enabler=2), answers(enabler=4))
    with app.test_request_context():
        result = score_document(document)
        for rec in named_recommendations(result["recommendations"]):
            texts = [e["text"] for because in rec["because"] for e in because["evidence"]]
            assert rec["because_texts"] == list(dict.fromkeys(texts))
            assert len(rec["because_texts"]) == len(set(rec["because_texts"]))
        html = report_print_html(document, result, "en", "a4", date(2026, 12, 1))
    blocks = re.findall(r'<strong>Because:</strong> (.*?)</p>', html, re.S)
    assert blocks
    for block in blocks:
        items = block.split("; ")
        assert len(items) == len(set(items))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_at_a_glance_marks_todays_model_and_the_recommended_one_on_the_two_by_two(app, lang):
    document = json.loads((GOLDEN / "individual.json").read_text())
    with app.test_request_context(f"/?lang={lang}"):
        result = score_document(document, lang=lang)
        html = report_print_html(document, result, lang, "a4", date(2026, 12, 1))
    grid = unescape(html.split('<table class="governance-grid">')[1].split("</table>")[0])
    cells = re.findall(r'<td class="([^"]*)">(.*?)</td>', grid)
    assert len(cells) == 4
    today, recommended = {"en": ("Today", "Recommended"), "fr": ("Aujourd'hui", "Recommandé")}[lang]
    governance = result["governance"]
    names = [re.sub(r"<span.*", "", text) for _class, text in cells]
    marked_today = [name for (_class, text), name in zip(cells, names, strict=True) if today in text]
    marked_best = [name for (_class, text), name in zip(cells, names, strict=True) if recommended in text]
    with app.app_context():
        models = app.extensions["rupa.rules"].models
    assert marked_best == [models[governance["recommended"]].name[lang]]
    assert governance["current"] is not None  # the golden file's profile names how partners co-operate
    assert marked_today == [models[governance["current"]].name[lang]]


def test_the_collector_is_paused_only_while_pdfs_render(app, monkeypatch):
    """The cyclic garbage collector is off during a render (a performance contract, bench/README.md
    session 11) and back on afterwards, also when the render fails and when two threads overlap."""
    import gc

    from reports import pdf as pdf_module

    seen = []
    real_render = pdf_module.render_document

    def spying_render(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "render_document", spying_render)
    assert gc.isenabled()
    pdf, _refused = render_pdf("<p>Hello</p>", Path(app.static_folder), "report-print.css")
    assert pdf.startswith(b"%PDF") and seen == [False] and gc.isenabled()

    def failing_render(*args, **kwargs):
        raise RuntimeError("broken layout")

    monkeypatch.setattr(pdf_module, "render_document", failing_render)
    with pytest.raises(RuntimeError):
        render_pdf("<p>Hello</p>", Path(app.static_folder), "report-print.css")
    assert gc.isenabled()

    first, second = pdf_module.collector_paused(), pdf_module.collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the other render still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_the_app_imports_weasyprint_only_when_it_renders(tmp_path):
    """`flask score` and every command that renders no PDF start without WeasyPrint (0.4 s of imports);
    gunicorn.conf.py imports it before the workers fork, so that no request pays for it."""
    import subprocess
    import sys

    probe = ("import sys\nfrom app import create_app\n"
             "create_app({'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
             "print('weasyprint' in sys.modules)\n")
    root = Path(__file__).parents[2]
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    conf = subprocess.run([sys.executable, "-c", "import runpy, sys; runpy.run_path('gunicorn.conf.py'); "
                           "print('weasyprint' in sys.modules)"], cwd=root, capture_output=True, text=True,
                          check=True)
    assert conf.stdout.strip() == "True"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_annex_shows_every_answer_no_chapter_shows(app, lang):
    """Each obstacle has its row in the obstacles table; 2026.2's question on which side has less say has
    none, so the individual annex gives it, in words."""
    document = {"questionnaire": "2026.2", "respondents": [{"group": "rural_public", "answers": {
        "barrier.power_asymmetry": 3, "barrier.power_side": "rural_less", "enabler.trust.1": 2}}]}
    with app.test_request_context():
        result = score_document(document, lang=lang)
        context = report_context_for(document, result, lang, date(2026, 12, 2))
    rows = {row["id"]: row for section in context["annex"] for row in section["rows"]}
    assert "barrier.power_asymmetry" not in rows and "barrier.power_side" in rows
    expected = {"en": "Rural partners have less say", "fr": "Les partenaires ruraux pèsent moins"}[lang]
    assert rows["barrier.power_side"]["answer"] == expected


def test_within_a_request_the_collector_resumes_once_the_response_is_sent(app):
    """The collection of a render's garbage (0.1-0.14 s on the slower machine kind) waits until the WSGI
    server has sent the PDF and closes the response."""
    import gc

    from flask import Response

    from authorisation.access import policy

    during = []

    @app.get("/test-render")
    @policy("public")
    def test_render():
        pdf, _refused = render_pdf("<p>Hello</p>", Path(app.static_folder), "report-print.css")
        during.append(gc.isenabled())  # rendered, the response not yet sent
        return Response(pdf, mimetype="application/pdf")

    assert gc.isenabled()
    response = app.test_client().get("/test-render")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert during == [False]
    response.close()
    assert gc.isenabled()
