"""Erasure reaches every copy: the PDFs rendered from a round's data, on disk and in Redis, go with the
respondent, the round or the partnership they came from, and with a purge. The disk cache is bounded and
its entries expire; an unchanged report is one cached PDF whatever the day it is opened."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import diskcache
import pytest

from database import db, utcnow
from extensions import redis_client
from partnerships.models import Round
from reports.pdf import ReportCache
from tests.reports.test_jobs import work_off


def disk_entries(folder: Path) -> int:
    if not folder.exists():
        return 0
    with diskcache.Cache(str(folder)) as cache:
        return len(cache)


def redis_pdfs(app) -> int:
    with app.app_context():
        return sum(1 for _ in redis_client().scan_iter(f"{app.config['REDIS_KEY_PREFIX']}pdf:*"))


def first_respondent_delete_url(client, base: str) -> str:
    import re

    page = client.get(f"{base}/respondents").text
    return re.search(r'href="([^"]+/respondents/\d+/delete)"', page).group(1)


@pytest.mark.parametrize("what", ["respondent", "round", "partnership", "purge"])
def test_deleting_data_erases_its_pdfs_on_disk(app, full_round, tmp_path, what):
    folder = tmp_path / "pdf-cache"
    app.config["PDF_CACHE_DIR"] = str(folder)
    client, base = full_round["client"], full_round["base"]
    partnership = f"/facilitator/p/{full_round['partnership_id']}"
    for url in (f"{base}/report.pdf", f"{base}/report.pdf?lang=fr", f"{base}/report.pdf?weighting=respondent",
                f"{base}/results", f"{base}/export.xlsx"):
        assert client.get(url).status_code == 200
    kept = disk_entries(folder)  # three PDFs, and the results, report bodies and workbook they were made from
    assert kept >= 3 + 2
    assert client.get(f"{base}/report.pdf").status_code == 200  # served from the cache: no new entry
    assert client.get(f"{base}/results").status_code == 200
    assert disk_entries(folder) == kept
    if what == "respondent":
        assert client.post(first_respondent_delete_url(client, base)).status_code == 303
    elif what == "round":
        assert client.post(f"{base}/delete").status_code == 303
    elif what == "partnership":
        assert client.post(f"{partnership}/delete", data={"confirm": "Green Valley Partnership"}).status_code == 303
    else:
        client.post(f"{base}/close")
        with app.app_context():
            db.session.execute(db.update(Round).values(closed_at=utcnow() - timedelta(days=400)))
            db.session.commit()
        assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    assert disk_entries(folder) == 0


def test_an_unchanged_report_is_one_pdf_whatever_the_day(app, full_round, tmp_path):
    """The report is dated by its answers (the last submission), not by the day it is opened: the cache
    key holds nothing that changes from one day to the next."""
    from questionnaire.models import Respondent

    folder = tmp_path / "pdf-cache"
    app.config["PDF_CACHE_DIR"] = str(folder)
    client, base = full_round["client"], full_round["base"]
    last_week = utcnow() - timedelta(days=7)
    with app.app_context():
        db.session.execute(db.update(Respondent).values(submitted_at=last_week))
        db.session.commit()
    first = client.get(f"{base}/report.pdf")
    assert f"rupa-green-valley-partnership-round-1-en-a4-{last_week.date().isoformat()}.pdf" in first.headers[
        "Content-Disposition"]
    page = client.get(f"{base}/results").text
    assert f'datetime="{last_week.date().isoformat()}"' in page  # the page and the PDF give the same date
    kept = disk_entries(folder)
    assert client.get(f"{base}/report.pdf").data == first.data and disk_entries(folder) == kept


def test_the_disk_cache_is_bounded_and_expires(tmp_path):
    cache = ReportCache(tmp_path / "bounded", ttl=3600, size_limit=200_000)
    for number in range(60):
        cache.put(ReportCache.key(str(number)), bytes([number]) * 20_000, tag=f"assessment-{number % 3}")
    with diskcache.Cache(str(tmp_path / "bounded")) as raw:
        assert raw.volume() < 400_000 and len(raw) < 60  # culled towards the bound, oldest first
        assert raw.get(ReportCache.key("59")) is not None and raw.get(ReportCache.key("0")) is None
    expiring = ReportCache(tmp_path / "expiring", ttl=0, size_limit=200_000)
    expiring.put("k", b"pdf")
    assert expiring.get("k") is None  # expired at once with a TTL of 0
    assert cache.erase("assessment-2") > 0 and all(
        cache.get(ReportCache.key(str(n))) is None for n in range(2, 60, 3))


def test_deleting_a_respondent_erases_the_rounds_pdfs_in_redis(queued_app, full_round):
    client, base = full_round["client"], full_round["base"]
    assert client.get(f"{base}/report.pdf").status_code == 202
    work_off(queued_app)
    assert client.get(f"{base}/report.pdf").status_code == 200
    assert redis_pdfs(queued_app) >= 2  # the PDF and the round's result it was made from
    with queued_app.app_context():
        tags = list(redis_client().scan_iter(f"{queued_app.config['REDIS_KEY_PREFIX']}pdf-tag:*"))
    assert len(tags) == 1
    assert client.post(first_respondent_delete_url(client, base)).status_code == 303
    assert redis_pdfs(queued_app) == 0
    with queued_app.app_context():
        assert not list(redis_client().scan_iter(f"{queued_app.config['REDIS_KEY_PREFIX']}pdf-tag:*"))
