"""Benchmark 7: how long a respondent waits for the PDF after submitting (issue #21).

Two gunicorn workers and one PDF worker, with a throwaway redis-server of the benchmark's own. Each
respondent answers every page, submits, loads the page the submit leads to (the web report), reads it
for ``reading_seconds``, then asks for the PDF as the browser does: the link first, then, while the
"Preparing your PDF" page answers 202, its script's poll every two seconds. The wait is from the click to
the PDF's last byte. Respondents follow one another (one at a time, as they do outside a workshop).

Target: a median wait under one second. It holds because submitting puts the respondent's PDF on the
preparation queue at low priority, so that the worker has it in the cache before it is asked for.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from bench.server import ROOT, free_port, served, submitted_respondent
from questionnaire.content import load_all

POLL_SECONDS = 2.0  # static/js: the waiting page asks again every two seconds


def _redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    for _ in range(100):
        try:
            if redis.Redis(port=port).ping():
                return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def _registered(port: int, worker: subprocess.Popen, seconds: float = 120) -> None:
    """Wait until the PDF worker has warmed up and registered with Redis."""
    import redis
    from rq import Worker

    connection, deadline = redis.Redis(port=port), time.monotonic() + seconds
    while not Worker.all(connection=connection):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the PDF worker did not start: see wait-worker.log")
        time.sleep(0.2)


def wait_for_pdf(session: requests.Session, url: str) -> tuple[float, int]:
    """Seconds from asking for the PDF to having it, and how many polls it took."""
    start, polls = time.perf_counter(), 0
    response = session.get(url, timeout=120)
    while response.status_code == 202:
        polls += 1
        time.sleep(POLL_SECONDS)
        response = session.get(url, headers={"Accept": "application/json"}, timeout=120)
        if response.status_code == 200 and response.headers["Content-Type"].startswith("application/json"):
            response = session.get(url, timeout=120)  # ready: the script now starts the download
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise RuntimeError(f"the PDF answered {response.status_code}")
    return time.perf_counter() - start, polls


def run(workdir: Path, database_url: str, respondents: int = 8, reading_seconds: float = 3.0) -> dict:
    if not shutil.which("redis-server"):
        return {"benchmark": "wait", "skipped": "no redis-server", "meets": None, "database": "sqlite"}
    port = free_port()
    redis_process = _redis(port)
    extra = {"RUPA_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    questionnaire = load_all()[max(load_all())]  # the version the served app opens assessments on
    rng = random.Random(7)
    try:
        with served(database_url, workdir, workers=2, threads=2, extra=extra) as server:
            log = (workdir / "wait-worker.log").open("w")
            worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=server.environment,
                                      stdout=log, stderr=subprocess.STDOUT)
            try:
                _registered(port, worker)  # so that submitting knows someone will prepare the PDF
                waits, polls = [], 0
                for _ in range(respondents):
                    with requests.Session() as session:
                        # A browser asks again when the server closed an idle kept-alive connection just as
                        # the request went out (gunicorn closes them after 2 s, the page polls every 2 s).
                        session.mount("http://", HTTPAdapter(max_retries=Retry(total=2, allowed_methods=["GET"],
                                                                               status_forcelist=())))
                        token = submitted_respondent(session, server.url, questionnaire, rng)
                        session.get(f"{server.url}/r/{token}/report", timeout=60)
                        time.sleep(reading_seconds)
                        seconds, polled = wait_for_pdf(session, f"{server.url}/r/{token}/report.pdf")
                        waits.append(seconds)
                        polls += polled
            finally:
                worker.terminate()
                worker.wait(timeout=30)
                log.close()
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=30)
    median = statistics.median(waits)
    return {"benchmark": "wait", "database": "sqlite", "respondents": respondents,
            "reading_seconds": reading_seconds, "median_seconds": round(median, 3),
            "max_seconds": round(max(waits), 3), "polls": polls, "meets": median < 1.0}
