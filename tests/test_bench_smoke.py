"""The benchmark suite with tiny sizes: every benchmark runs against a real gunicorn (so the suite cannot
rot), and the surge stores exactly what its participants sent. The figures themselves mean nothing here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.load import wrk_available

ROOT = Path(__file__).parents[1]
pytestmark = pytest.mark.bench


def test_benchmark_suite_smoke_run(tmp_path):
    if not wrk_available():
        if os.environ.get("RUPA_REQUIRE_BENCH"):
            pytest.fail("wrk is required (RUPA_REQUIRE_BENCH) but not installed")
        pytest.skip("wrk is not installed (Debian: apt-get install wrk)")
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--output", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (written,) = tmp_path.glob("suite-smoke-*.json")
    suite = json.loads(written.read_text())
    results = suite["results"]
    # The machine is named with every result, and a reading of its speed (results differ by machine).
    assert suite["cpus"] > 0 and suite["cpu"] and suite["loop_ms"] > 0
    by_name = {}
    for result in results:
        by_name.setdefault(result["benchmark"], []).append(result)
    assert set(by_name) == {"pages", "surge", "aggregation", "reports", "wait", "memory", "national", "startup"}

    (pages,) = by_name["pages"]
    assert [row["request"] for row in pages["rows"]] == ["hello (floor)", "GET /s/enablers", "POST /s/enablers"]
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in pages["rows"])
    assert pages["post_saved_answers"] is True

    surges = {result["database"]: result for result in by_name["surge"]}
    assert surges["sqlite"]["meets"] is True
    assert surges["sqlite"]["answer_rows"] == surges["sqlite"]["answer_rows_sent"] > 0
    if os.environ.get("RUPA_REQUIRE_POSTGRES"):
        assert surges["postgresql"]["meets"] is True
    assert [row["respondents"] for row in by_name["aggregation"][0]["rows"]] == [10, 100]
    (reports,) = by_name["reports"]
    assert reports["rows"][0]["pages"] > 5 and reports["rows"][0]["reference_pages"] > 0
    (wait,) = by_name["wait"]  # each respondent got a PDF after submitting (the benchmark checks the bytes)
    assert wait.get("skipped") == "no redis-server" or (wait["respondents"] == 2 and wait["median_seconds"] > 0)
    (memory,) = by_name["memory"]
    assert memory["failures"] == 0 and memory["rss_mb"]["40"] > 0 and memory["cached_pdf_median_ms"] > 0
    (national,) = by_name["national"]
    if os.environ.get("RUPA_REQUIRE_POSTGRES") or not national.get("skipped"):
        assert national["generated"]["respondents"] == 4 * 2 * 3 + 20  # the smoke scale, and the large round
        assert all(row["requests"] > 0 and row["errors"] == 0 for row in national["national"].values())
        assert national["big_export"]["bytes"] > 0
    (startup,) = by_name["startup"]
    assert [row["command"] for row in startup["rows"]] == ["python -c pass", "python -m scoring", "flask score"]
    assert all(row["seconds"] > 0 for row in startup["rows"])
    assert "pages" in done.stdout and "written to" in done.stdout


def test_pages_figures_are_per_figure_medians_of_the_rounds():
    """One stalled round (every connection held for a moment) cannot alone decide the reported p99."""
    from bench.pages_bench import median_run

    rounds = [{"requests": 1441, "rps": 288.2, "p50_ms": 101.2, "p99_ms": 485.7, "errors": 0},
              {"requests": 1519, "rps": 303.8, "p50_ms": 104.5, "p99_ms": 138.9, "errors": 1},
              {"requests": 1418, "rps": 283.7, "p50_ms": 111.6, "p99_ms": 145.8, "errors": 0}]
    assert median_run(rounds) == {"requests": 1441, "rps": 288.2, "p50_ms": 104.5, "p99_ms": 145.8, "errors": 1}
