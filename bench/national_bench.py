"""Benchmark 6: one PostgreSQL holding what a ministry running RUPA for a whole country would.

500 partnerships × 3 rounds × 30 submitted respondents (45,000 respondents, about 3 million answers),
generated straight into PostgreSQL with COPY, plus one round of 1,000 respondents. A ministry account
co-facilitates every partnership. Against gunicorn with the production settings, under 32 connections
(wrk), beside the /health floor of the same run: the ministry's partnership list, a round's dashboard,
its group results page, its CSV and XLSX exports; the same pages on a database of one partnership, so
that a page whose cost grew with the whole database would show it; and the 1,000-respondent round's
CSV export, streamed, with the serving worker's memory beside what the round's answers take when held
whole.

Targets: list and dashboard p99 under 300 ms at national size and no slower than 1.5 × the same page on the
one-partnership database (the group results page and the exports are reported beside them); the
1,000-respondent export in under 3 s, its worker's resident memory rising by less than half of what holding
the round would take.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import secrets
import statistics
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import requests
from sqlalchemy import make_url

from bench.load import wrk
from bench.server import sample_answers, served
from questionnaire import item_bank
from questionnaire.content import load_all

SCALE = {"partnerships": 500, "rounds": 3, "respondents": 30, "big_round": 1000}
SMOKE_SCALE = {"partnerships": 4, "rounds": 2, "respondents": 3, "big_round": 20}
MINISTRY = ("ministry@example.gov", "national programme " + "x" * 12)
HEADERS = {"Accept-Encoding": "br, gzip", "Accept-Language": "en"}


def psycopg_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def generate(database_url: str, partnerships: int, rounds: int, respondents: int, big_round: int,
             seed: int = 6) -> dict:
    """Fill the (migrated, empty) database; returns what was made and how long it took."""
    import psycopg
    from argon2 import PasswordHasher
    from psycopg import sql

    questionnaire = load_all()["2026.1"]
    rng = random.Random(seed)
    started = time.perf_counter()
    now = datetime.now(UTC).isoformat()
    ministry_hash = PasswordHasher().hash(MINISTRY[1])
    owners = max(1, partnerships // 5)
    counts = {"partnerships": 0, "rounds": 0, "respondents": 0, "answers": 0}
    with psycopg.connect(psycopg_url(database_url)) as connection, connection.cursor() as cursor:
        with cursor.copy("COPY facilitator (id, email, password_hash, is_admin, created_at, session_version) "
                         "FROM STDIN") as copy:
            copy.write_row((1, MINISTRY[0], ministry_hash, False, now, 1))
            for number in range(owners):
                copy.write_row((number + 2, f"region-{number}@example.org", ministry_hash, False, now, 1))
        profile = json.dumps({"profile.region_type": "network_small_medium_cities", "profile.stage": "operating",
                              "profile.explicit": "yes", "profile.form": "written_agreement",
                              "profile.delegated_functions": ["none"]})
        plan = [(p, r, respondents) for p in range(1, partnerships + 1) for r in range(1, rounds + 1)]
        plan.append((partnerships + 1, 1, big_round))  # the large round of the export target
        with cursor.copy("COPY partnership (id, name, region, region_type, profile, created_at) FROM STDIN") as copy:
            for p in range(1, partnerships + 2):
                copy.write_row((p, f"Partnership {p:04d}", f"Region {p % 97}", "network_small_medium_cities",
                                profile, now))
                counts["partnerships"] += 1
        with cursor.copy("COPY membership (id, partnership_id, facilitator_id, role, created_at) FROM STDIN") as copy:
            for p in range(1, partnerships + 2):
                copy.write_row((2 * p - 1, p, 2 + (p - 1) % owners, "owner", now))
                copy.write_row((2 * p, p, 1, "co_facilitator", now))
        with cursor.copy("COPY assessment (id, questionnaire_version, partnership_name, created_at, is_group, "
                         "accepts_answers) FROM STDIN") as assessments:
            for assessment_id, (_p, _r, _n) in enumerate(plan, start=1):
                assessments.write_row((assessment_id, "2026.1", None, now, True, False))
        with cursor.copy("COPY round (id, partnership_id, number, assessment_id, join_code, invite_token, "
                         "is_published, workshop_step, created_at, closed_at) FROM STDIN") as copy:
            for round_id, (p, r, _n) in enumerate(plan, start=1):
                copy.write_row((round_id, p, r, round_id, f"N{round_id:07d}", secrets.token_urlsafe(24), False,
                                "join", now, now))
                counts["rounds"] += 1
        respondent_id = answer_id = 0
        answer_rows = io.StringIO()
        with cursor.copy("COPY respondent (id, assessment_id, token_hash, status, current_section, lang, "
                         "created_at, last_active_at, submitted_at, source, reference) FROM STDIN") as copy:
            for assessment_id, (_p, _r, n) in enumerate(plan, start=1):
                for _ in range(n):
                    respondent_id += 1
                    copy.write_row((respondent_id, assessment_id, hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
                                    "submitted", None, "en", now, now, now, "online", None))
                    answers = {k: v for k, v in sample_answers(questionnaire, rng).items()
                               if not k.startswith("profile.")}
                    answers["respondent.group"] = rng.choice(item_bank.GROUPS)
                    answers["respondent.organisation"] = f"Organisation {rng.randint(1, 12)}"
                    for item_id, value in answers.items():
                        answer_id += 1
                        answer_rows.write(f"{answer_id}\t{respondent_id}\t{item_id}\t"
                                          f"{json.dumps(value).replace(chr(92), chr(92) * 2)}\t{now}\n")
        counts["respondents"], counts["answers"] = respondent_id, answer_id
        with cursor.copy("COPY answer (id, respondent_id, item_id, value, updated_at) FROM STDIN") as copy:
            copy.write(answer_rows.getvalue())
        for table in ("facilitator", "partnership", "membership", "assessment", "round", "respondent", "answer"):
            cursor.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({name}, 'id'), (SELECT max(id) FROM {table}))")
                           .format(name=sql.Literal(table), table=sql.Identifier(table)))
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    return {**counts, "seconds": round(time.perf_counter() - started, 1), "big_round_partnership": partnerships + 1}


def signed_in_cookie(base: str) -> str:
    with requests.Session() as session:
        form = session.get(base + "/account/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        done = session.post(base + "/account/signin", allow_redirects=False, data={
            "csrf_token": token, "email": MINISTRY[0], "password": MINISTRY[1]})
        assert done.status_code == 303, done.text[:300]
        return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def pages(partnerships: int, rounds: int, rng: random.Random, count: int = 24) -> dict[str, list[str]]:
    """Paths of each kind, spread over many partnerships (no page served from one warm row)."""
    picks = [(rng.randint(1, partnerships), rng.randint(1, rounds)) for _ in range(count)]
    return {
        "partnership list": ["/facilitator/"],
        "round dashboard": [f"/facilitator/p/{p}/rounds/{r}" for p, r in picks],
        "group results": [f"/facilitator/p/{p}/rounds/{r}/results" for p, r in picks],
        "export csv": [f"/facilitator/p/{p}/rounds/{r}/export.csv" for p, r in picks],
        "export xlsx": [f"/facilitator/p/{p}/rounds/{r}/export.xlsx" for p, r in picks],
    }


def drained(base: str) -> None:
    """Wait until the server has finished what an earlier run left queued (wrk stops sending, but up to
    a connection's worth of slow requests each is still being served): /health answers at once again."""
    deadline = time.monotonic() + 60
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        requests.get(base + "/health", timeout=60)
        quick = quick + 1 if time.perf_counter() - started < 0.02 else 0
        time.sleep(0.05)


def first_views(base: str, cookie: str, paths: list[str]) -> dict:
    """Each page opened once, one after another, on an idle server: what the first facilitator to open a
    round's page waits while the report cache does not hold it yet (median and slowest, in ms)."""
    times = []
    for path in paths:
        started = time.perf_counter()
        requests.get(base + path, headers={**HEADERS, "Cookie": cookie}, timeout=120).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1), "pages": len(times)}


def measure(base: str, cookie: str, kinds: dict[str, list[str]], seconds: float, connections: int) -> dict:
    """Each kind of page opened once (its first view), then under load: ``connections`` facilitators at
    once over the same pages, as a ministry's staff reopening the rounds they follow."""
    headers = {**HEADERS, "Cookie": cookie}
    first = {kind: first_views(base, cookie, paths) for kind, paths in kinds.items()}
    for paths in kinds.values():  # warm every worker on every kind
        wrk(base, paths, 1, connections, headers=headers)
        drained(base)
    figures = {"floor": wrk(base, ["/health"], seconds, connections, headers=HEADERS)}
    for kind, paths in kinds.items():
        drained(base)
        figures[kind] = {**wrk(base, paths, seconds, connections, headers=headers), "first_view": first[kind]}
    return figures


def resident_kb(pid: int) -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


def held_whole_mb(database_url: str, assessment_id: int) -> float:
    """What the round's submitted answers take as the document the scorer and the JSON export read."""
    from app import create_app
    from database import db
    from questionnaire.models import Assessment
    from reports.service import submitted_document

    app = create_app({"SECRET_KEY": "national-bench", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        tracemalloc.start()
        document = submitted_document(assessment)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(document["respondents"]) > 0
        db.session.remove()
        db.engine.dispose()
    return round(peak / 2**20, 1)


def big_export(base: str, cookie: str, server, partnership: int) -> dict:
    """The 1,000-respondent round's CSV export from a server of one worker: time to the last byte, bytes,
    and how far the worker's resident memory rose above where it stood before (sampled while it streams)."""
    import threading

    (worker,) = server.worker_pids()
    before, highest, streaming = resident_kb(worker), [0], threading.Event()

    def sample() -> None:
        while not streaming.is_set():
            highest[0] = max(highest[0], resident_kb(worker))
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    path = f"/facilitator/p/{partnership}/rounds/1/export.csv"
    started = time.perf_counter()
    with requests.get(base + path, headers={"Cookie": cookie}, stream=True, timeout=60) as response:
        response.raise_for_status()
        first_byte = time.perf_counter() - started
        size = sum(len(chunk) for chunk in response.iter_content(65536))
    seconds = time.perf_counter() - started
    streaming.set()
    sampler.join()
    return {"seconds": round(seconds, 2), "first_byte_seconds": round(first_byte, 3), "bytes": size,
            "rss_growth_mb": round(max(0, highest[0] - before) / 1024, 1)}


def run(workdir: Path, database_url: str | None, smoke: bool = False, seconds: float = 5,
        connections: int = 32) -> dict:
    if not database_url:
        return {"benchmark": "national", "database": "postgresql", "skipped": "no PostgreSQL server", "meets": None}
    scale = SMOKE_SCALE if smoke else SCALE
    connections = 4 if smoke else connections
    rng = random.Random(7)
    result: dict = {"benchmark": "national", "database": "postgresql", "scale": scale, "connections": connections}
    # The same pages on a database of one partnership first: the baseline the national figures are read beside.
    with served(database_url, workdir, workers=1 if smoke else None) as server:
        generate(database_url, 1, scale["rounds"], scale["respondents"], scale["respondents"])
        cookie = signed_in_cookie(server.url)
        result["one_partnership"] = measure(server.url, cookie, pages(1, scale["rounds"], rng, 3),
                                            1 if smoke else seconds, connections)
    with served(database_url, workdir, workers=1 if smoke else None) as server:
        result["generated"] = generate(database_url, scale["partnerships"], scale["rounds"], scale["respondents"],
                                       scale["big_round"])
        cookie = signed_in_cookie(server.url)
        result["national"] = measure(server.url, cookie, pages(scale["partnerships"], scale["rounds"], rng),
                                     1 if smoke else seconds, connections)
    # The 1,000-respondent export on a server of one worker, warmed by a 30-respondent export first.
    with served(database_url, workdir, workers=1, fresh=False) as server:
        cookie = signed_in_cookie(server.url)
        requests.get(f"{server.url}/facilitator/p/1/rounds/1/export.csv", headers={"Cookie": cookie}, timeout=60)
        result["big_export"] = big_export(server.url, cookie, server, result["generated"]["big_round_partnership"])
    big_assessment = result["generated"]["rounds"]  # the large round is the last one made
    result["big_export"]["held_whole_mb"] = held_whole_mb(database_url, big_assessment)
    national, small = result["national"], result["one_partnership"]
    result["growth"] = {kind: round(national[kind]["p50_ms"] / max(small[kind]["p50_ms"], 0.01), 2)
                        for kind in national if kind != "floor"}
    result["share_of_floor"] = {kind: round(national[kind]["rps"] / max(national["floor"]["rps"], 0.01), 3)
                                for kind in national if kind != "floor"}
    pages_ok = all(national[kind]["p99_ms"] < 300 and result["growth"][kind] <= 1.5
                   for kind in ("partnership list", "round dashboard", "group results"))
    errors = sum(figures["errors"] for figures in (*national.values(), *small.values()))
    export = result["big_export"]
    result["meets"] = (pages_ok and errors == 0 and export["seconds"] < 3
                       and export["rss_growth_mb"] < export["held_whole_mb"] / 2)
    return result
