"""With Redis, "Download PDF" shows a waiting page that passes the quality gates, follows the worker's
job by itself (JavaScript) and starts the download once the PDF is ready."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest
from playwright.sync_api import expect

from extensions import redis_client
from tests.browser.pages import build_site
from tests.browser.test_quality import AXE, VNU, require, run_axe
from tests.conftest import listening_worker
from tests.reports.test_jobs import work_off

pytestmark = pytest.mark.browser


def test_waiting_page_follows_the_job_and_downloads(browser, live_server, redis_url, tmp_path):
    require(AXE)
    require(VNU)
    app, run = live_server.app, uuid.uuid4().hex[:12]
    app.config.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=f"rupa-test-{run}:", REPORT_QUEUE=f"rupa-test-{run}")
    with app.app_context():
        worker = listening_worker(app, run)
    site = build_site(live_server)
    pages = tmp_path / "pages"
    pages.mkdir()
    try:
        for lang in ("en", "fr"):
            context = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB", accept_downloads=True)
            page = context.new_page()
            page.goto(f"{site.url}{site.individual_done}/report?lang={lang}")
            response = page.goto(f"{site.url}{site.individual_done}/report.pdf")
            assert response.status == 202
            expect(page.locator("[data-pdf-status]")).to_be_visible()
            assert run_axe(page) == []
            (pages / f"waiting-{lang}.html").write_text(page.content(), encoding="utf-8")
            with page.expect_download(timeout=60_000) as download:
                work_off(app)  # the worker renders; the page's next poll starts the download
            path = download.value.path()
            assert download.value.suggested_filename.endswith(".pdf") and path.read_bytes()[:5] == b"%PDF-"
            context.close()
    finally:
        with app.app_context():
            worker.register_death()
            client = redis_client()
            for key in client.scan_iter(f"*rupa-test-{run}*"):
                client.delete(key)
    checked = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(pages)],
                             capture_output=True, text=True)
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    assert [m["message"] for m in messages if m["type"] == "error"] == []
