"""The report as a respondent gets it: the web page, the PDF download and its cache."""

from __future__ import annotations

import io

import pypdf

import reports.service
from tests.questionnaire.test_journey import answer_pages


def submitted(client, start_respondent, complete_answers) -> str:
    token = start_respondent()
    answer_pages(client, token, complete_answers())
    assert client.post(f"/r/{token}/submit").status_code == 303
    return token


def test_report_page_and_pdf_download(app, client, start_respondent, complete_answers, monkeypatch, tmp_path):
    app.config["PDF_CACHE_DIR"] = str(tmp_path / "cache")
    token = submitted(client, start_respondent, complete_answers)
    done = client.get(f"/r/{token}/done").text
    assert f'href="/r/{token}/report"' in done and "Download PDF" in done

    page = client.get(f"/r/{token}/report")
    assert page.status_code == 200
    assert "Recommendations report" in page.text and "Annex: answers" in page.text
    assert "<svg" in page.text

    renders = []
    real_render = reports.service.render_pdf
    monkeypatch.setattr(reports.service, "render_pdf", lambda *a: renders.append(1) or real_render(*a))
    first = client.get(f"/r/{token}/report.pdf")
    second = client.get(f"/r/{token}/report.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"]
    assert first.data == second.data
    assert len(renders) == 1  # the second click is served from the cache
    reader = pypdf.PdfReader(io.BytesIO(first.data))
    assert "Remove legal obstacles to inter-municipal co-operation" in "".join(p.extract_text() for p in reader.pages)

    letter = client.get(f"/r/{token}/report.pdf?paper=letter")
    assert pypdf.PdfReader(io.BytesIO(letter.data)).pages[0].mediabox.width == 612
    assert client.get(f"/r/{token}/report.pdf?paper=a0").status_code == 400


def test_report_needs_a_submitted_response(client, start_respondent):
    token = start_respondent()
    assert client.get(f"/r/{token}/report").status_code == 302
    assert client.get(f"/r/{token}/report.pdf").status_code == 302
    assert client.get("/r/unknown-token/report").status_code == 404


def test_without_redis_a_slow_pdf_shows_a_preparing_page_and_is_served_on_the_next_check(
        app, client, start_respondent, complete_answers):
    import time

    app.config["REPORT_INLINE_PATIENCE"] = 0  # every rendering takes "longer than a second"
    token = submitted(client, start_respondent, complete_answers)
    waiting = client.get(f"/r/{token}/report.pdf?lang=fr")
    assert waiting.status_code == 202 and "Préparation de votre PDF" in waiting.text
    assert "Vérifier de nouveau et télécharger" in waiting.text  # the way on without JavaScript
    again = client.get(f"/r/{token}/report.pdf?lang=fr", headers={"Accept": "application/json"})
    assert again.status_code in (200, 202) and again.json["state"] in ("started", "ready")
    deadline = time.monotonic() + 60
    while client.get(f"/r/{token}/report.pdf?lang=fr", headers={"Accept": "application/json"}).json[
            "state"] != "ready" and time.monotonic() < deadline:
        time.sleep(0.2)
    pdf = client.get(f"/r/{token}/report.pdf?lang=fr")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
