"""Benchmark 5: a worker's memory under a mix of requests, and the cached PDF (part of benchmark 4).

One gunicorn worker serves 1,000 requests in a fixed mix (questionnaire pages, results pages, PDF
reports in A4 and Letter for several respondents, each rendered once and then served from the cache),
and its resident memory is read from /proc after the 500th and the 1,000th. Targets: under 250 MB, and
not still growing in the second half (at most 5% more than after the 500th). A cached PDF is then
fetched 20 times: its median time must stay under 50 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path

import requests

from bench.server import served, submitted_respondent
from questionnaire.content import load_all

MB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def mix(tokens: list[str], questionnaire, total: int, pdf_every: int) -> list[str]:
    """The request mix, the same in both halves: pages, results and (every ``pdf_every``th) a PDF."""
    pdfs = [f"/r/{token}/report.pdf{paper}" for token in tokens for paper in ("", "?paper=letter")]
    paths = []
    for n in range(total):
        token = tokens[n % len(tokens)]
        if n % pdf_every == pdf_every - 1:
            paths.append(pdfs[(n // pdf_every) % len(pdfs)])
        elif n % 5 == 0:
            paths.append(f"/r/{token}/report")
        else:
            paths.append(f"/r/{token}/s/{questionnaire.sections[n % len(questionnaire.sections)].id}")
    return paths


def until_ready(session: requests.Session, url: str, seconds: float = 60) -> int:
    """The status of ``url``, asked again (as the waiting page's "Check again" does) while it answers 202
    "Preparing your PDF"."""
    deadline = time.monotonic() + seconds
    status = session.get(url).status_code
    while status == 202 and time.monotonic() < deadline:
        time.sleep(0.1)
        status = session.get(url).status_code
    return status


def run(workdir: Path, database_url: str, total: int = 1000, respondents: int = 10, pdf_every: int = 25) -> dict:
    questionnaire = load_all()[max(load_all())]  # the version the served app opens assessments on
    # One client asks for every PDF: the per-address render limit (20 a minute) would answer 429 to the
    # benchmark, which measures memory, not limits (tests/pages/test_security.py covers those).
    with served(database_url, workdir, workers=1, threads=1,
                extra={"RUPA_PDF_RENDER_RATE_LIMIT": "10000 per minute"}) as server:
        session = requests.Session()
        rng = random.Random(5)
        tokens = [submitted_respondent(session, server.url, questionnaire, rng) for _ in range(respondents)]
        (worker,) = server.worker_pids()
        samples, failures = {"start": rss_bytes(worker)}, 0
        for n, path in enumerate(mix(tokens, questionnaire, total, pdf_every), start=1):
            status = until_ready(session, server.url + path)
            failures += status != 200
            if n in (total // 2, total):
                samples[str(n)] = rss_bytes(worker)
        cached = f"{server.url}/r/{tokens[0]}/report.pdf"
        session.get(cached)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            response = session.get(cached)
            times.append(time.perf_counter() - started)
            failures += response.status_code != 200 or response.headers["Content-Type"] != "application/pdf"
    half, full = samples[str(total // 2)], samples[str(total)]
    growth = (full - half) / half
    cached_ms = statistics.median(times) * 1000
    return {"benchmark": "memory", "requests": total, "failures": failures,
            "rss_mb": {key: round(value / MB, 1) for key, value in samples.items()},
            "growth_second_half": round(growth, 3), "cached_pdf_median_ms": round(cached_ms, 1),
            "meets": failures == 0 and full < 250 * MB and growth <= 0.05 and cached_ms < 50}
