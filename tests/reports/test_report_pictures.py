"""Pictures of the report's pages that a reader looks at first (the cover, at a glance, the first page
of recommendations), drawn from the PDF by poppler's `pdftoppm` as PNG and kept under
`test-artifacts/report-pages/` (CI keeps them with the browser tests' screenshots)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from reports.pdf import render_pdf
from reports.service import report_print_html, score_document
from tests.reports.test_report import GOLDEN, two_rounds

PICTURES = Path(__file__).parents[2] / "test-artifacts" / "report-pages"


def first_pages(pdf: bytes, chapter: str) -> list[int]:
    """The cover, the page after it (at a glance starts there) and the first page of ``chapter``."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    starts = {entry.title: reader.get_destination_page_number(entry) for entry in reader.outline
              if not isinstance(entry, list)}
    return [0, 1, starts[chapter]]


@pytest.mark.parametrize(("source", "lang", "paper", "chapter"), [
    ("individual", "en", "a4", "Recommendations"), ("two rounds", "fr", "letter", "Recommandations")])
def test_the_first_pages_are_kept_as_pictures(app, source, lang, paper, chapter):
    if not shutil.which("pdftoppm"):
        if os.environ.get("RUPA_REQUIRE_BROWSER"):
            pytest.fail("pdftoppm (poppler-utils) is required in CI for the report's pictures")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    with app.test_request_context():
        if source == "individual":
            document = json.loads((GOLDEN / "individual.json").read_text())
            result, extra = score_document(document, lang=lang), None
        else:
            document, result, extra = two_rounds(lang)
        pdf, _refused = render_pdf(report_print_html(document, result, lang, paper, date(2026, 12, 1), extra),
                                   Path(app.static_folder), "report-print.css")
    PICTURES.mkdir(parents=True, exist_ok=True)
    for name, index in zip(("cover", "at-a-glance", "recommendations"), first_pages(pdf, chapter), strict=True):
        stem = PICTURES / f"{source.replace(' ', '-')}-{lang}-{paper}-{name}"
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(index + 1), "-l", str(index + 1),
                        "-", str(stem)], input=pdf, check=True, capture_output=True)
        picture = Image.open(f"{stem}.png").convert("L")
        darkest, lightest = picture.getextrema()
        assert darkest < 80 and lightest > 200  # text on paper, not a blank or black page
