"""Benchmark 1: respondent pages under 32 concurrent connections, beside the app's "hello" floor.

GET and POST (saving every answer of the page) of the largest questionnaire section, each on its own
respondent in turn, against gunicorn with the production settings on SQLite, measured with wrk right
after the floor (GET /health) on the same server. Targets: GET >= 25% of the floor's requests per
second, POST >= 15%, p99 under 150 ms, zero errors.
"""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.load import wrk
from bench.server import form_fields, sample_answers, served, start_respondent, stored_answers
from questionnaire.content import load_all

BROWSER_HEADERS = {"Accept-Encoding": "br, gzip", "Accept-Language": "en"}


def largest_section(questionnaire):
    return max(questionnaire.sections, key=lambda section: len(section.items))


def run(workdir: Path, database_url: str, seconds: float = 5, connections: int = 32,
        respondents: int = 32, rounds: int = 3) -> dict:
    """``rounds`` times floor, GET and POST back to back (``seconds`` each); each kind's figures are the
    medians of its rounds, so that a slow moment of a shared machine does not fall on one kind only."""
    questionnaire = load_all()[max(load_all())]  # the version the served app opens assessments on
    section = largest_section(questionnaire)
    with served(database_url, workdir) as server:
        session = requests.Session()
        tokens = []
        for _ in range(respondents):
            token, csrf = start_respondent(session, server.url)
            tokens.append(token)
        paths = [f"/r/{token}/s/{section.id}" for token in tokens]
        for path in paths:
            assert session.get(server.url + path).status_code == 200
        answers = sample_answers(questionnaire, random.Random(1))
        body = workdir / "post-body.txt"
        body.write_text(urlencode([("csrf_token", csrf), *form_fields(section, answers), ("action", "later")]))
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        post_headers = {**BROWSER_HEADERS, "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        # Warm every worker on both paths first. Without the POST second, the first round of POSTs measured
        # the cold start instead: each respondent's first save of the page (one insert per answer) on workers building
        # their form classes and compiling the save's statements, all 32 at once (that round's p99 was
        # 260-410 ms, the next rounds' 100-150 ms). The surge benchmark measures first saves.
        wrk(server.url, ["/health", *paths], 1, connections, headers=BROWSER_HEADERS)
        wrk(server.url, paths, 1, connections, method="POST", body_file=body, headers=post_headers)
        runs: dict[str, list[dict]] = {"floor": [], "get": [], "post": []}
        for _round in range(rounds):
            runs["floor"].append(wrk(server.url, ["/health"], seconds, connections, headers=BROWSER_HEADERS))
            runs["get"].append(wrk(server.url, paths, seconds, connections, headers=BROWSER_HEADERS))
            runs["post"].append(wrk(server.url, paths, seconds, connections, method="POST", body_file=body,
                                    headers=post_headers))
        floor, get, post = (median_run(runs[kind]) for kind in ("floor", "get", "post"))
    expected = {item.id: answers[item.id] for item in section.items if item.id in answers}
    stored = all(held == expected for _status, held in stored_answers(database_url, tokens).values())
    rows = []
    for name, figures, target in (("hello (floor)", floor, None), (f"GET /s/{section.id}", get, 0.25),
                                  (f"POST /s/{section.id}", post, 0.15)):
        share = figures["rps"] / floor["rps"]
        rows.append({"request": name, **figures, "share_of_floor": round(share, 3), "target_share": target,
                     "meets": target is None or (share >= target and figures["p99_ms"] < 150
                                                 and figures["errors"] == 0)})
    return {"benchmark": "pages", "section": section.id, "items": len(section.items),
            "connections": connections, "seconds": seconds, "rounds": runs, "rows": rows, "post_saved_answers": stored,
            "meets": all(row["meets"] for row in rows) and stored}


def median_run(runs: list[dict]) -> dict:
    """Each figure's median over the rounds (requests, rate, p50, p99), with the errors of all rounds.

    Per figure, not the round with the median rate: on a shared machine one stall of a few hundred
    milliseconds holds all 32 connections at once, which is 2 % of a five-second round and so that
    round's whole p99, whatever the server does. Every round stays in the JSON ("rounds")."""
    middle = len(runs) // 2
    return {**{key: sorted(run[key] for run in runs)[middle] for key in ("requests", "rps", "p50_ms", "p99_ms")},
            "errors": sum(run["errors"] for run in runs)}
