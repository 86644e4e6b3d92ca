"""The benchmark suite: `python -m bench` (make bench) runs all eight, prints a table and writes JSON under
bench/results/. `--smoke` runs every one with tiny sizes (part of make test, so the suite cannot rot);
its figures mean nothing, only that each benchmark runs and the surge stores what it sent.

1. pages        respondent pages (GET and POST) under 32 connections, beside the /health floor (wrk)
2. surge        200 participants join, answer and submit in about a minute (Locust), SQLite + PostgreSQL
3. aggregation  the group result of 100, 1,000 and 10,000 generated respondents
4. reports      individual and 50-respondent group PDFs beside a reference document; cached repeat
5. memory       a worker's resident memory after 500 and 1,000 mixed requests
6. national     one PostgreSQL with 500 partnerships x 3 rounds x 30 respondents: facilitator pages and
                exports beside the same pages on one partnership, a 1,000-respondent export streamed
7. wait         with Redis and a PDF worker: how long a respondent waits for the PDF after submitting
8. startup      python -m scoring and flask score on a 3-respondent file, beside python -c pass
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    machine,
    memory_bench,
    national_bench,
    pages_bench,
    report_bench,
    score_bench,
    startup_bench,
    surge_bench,
    wait_bench,
)
from bench.server import fresh_database

RESULTS = Path(__file__).parent / "results"
POSTGRES_URL = os.environ.get("RUPA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/rupa_bench")
NAMES = ("pages", "surge", "aggregation", "reports", "wait", "memory", "national", "startup")


def postgres_answers(url: str) -> bool:
    try:
        fresh_database(url)
    except Exception:  # noqa: BLE001 (any failure means: no usable server)
        return False
    return True


def run(names: tuple[str, ...], smoke: bool, workdir: Path, postgres_url: str | None) -> list[dict]:
    sqlite = lambda name: f"sqlite:///{workdir / name}.sqlite"  # noqa: E731
    results = []
    if "pages" in names:
        results.append(pages_bench.run(workdir, sqlite("pages"), **(
            {"seconds": 1, "connections": 4, "respondents": 4, "rounds": 1} if smoke else {})))
    if "surge" in names:
        surge = {"participants": 5, "spawn_seconds": 1, "think_seconds": 0} if smoke else {}
        results.append(surge_bench.run(workdir, sqlite("surge"), **surge))
        if postgres_url:
            results.append(surge_bench.run(workdir, postgres_url, **surge))
        else:
            results.append({"benchmark": "surge", "database": "postgresql", "skipped": "no PostgreSQL server",
                            "meets": None})
    if "aggregation" in names:
        results.append(score_bench.run((10, 100) if smoke else score_bench.SIZES))
    if "reports" in names:
        results.append(report_bench.run(smoke=smoke))
    if "wait" in names:
        results.append(wait_bench.run(workdir, sqlite("wait"), **(
            {"respondents": 2, "reading_seconds": 1} if smoke else {})))
    if "memory" in names:
        results.append(memory_bench.run(workdir, sqlite("memory"), **(
            {"total": 40, "respondents": 2, "pdf_every": 20} if smoke else {})))
    if "national" in names:
        results.append(national_bench.run(workdir, postgres_url, smoke=smoke))
    if "startup" in names:
        results.append(startup_bench.run(repeat=1 if smoke else 5))
    return results


def table(results: list[dict]) -> str:
    lines = [f"{'benchmark':<24} {'figures':<78} target"]
    for result in results:
        name, verdict = result["benchmark"], {True: "meets", False: "MISSES", None: "skipped"}[result["meets"]]
        if result.get("skipped"):
            figures = [f"{result['database']}: {result['skipped']}"]
        elif name == "pages":
            figures = [f"{row['request']}: {row['rps']:.0f} req/s ({row['share_of_floor']:.0%} of floor), "
                       f"p50 {row['p50_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms, {row['errors']} errors"
                       for row in result["rows"]]
        elif name == "surge":
            figures = [f"{result['database']}: {result['submitted']}/{result['participants']} submitted in "
                       f"{result['seconds']} s, {result['requests']} requests, {result['failures']} failures, "
                       f"p99 {result['p99_ms']} ms; {result['answer_rows']}/{result['answer_rows_sent']} answers "
                       f"stored/sent, {len(result['faults'])} faults"]
        elif name == "aggregation":
            figures = [f"{row['respondents']:,}: {row['score_seconds']:.3f} s ({row['ratio_to_floor']}x floor"
                       + (f", growth {row['growth_vs_linear']}x linear)" if "growth_vs_linear" in row else ")")
                       for row in result["rows"]]
        elif name == "reports":
            figures = [f"{row['report']}: {row['pages']} pages in {row['served_seconds']:.2f} s as served, "
                       f"{row['seconds']:.2f} s with the collection after it "
                       f"({row['pages_per_second']} p/s; reference {row['reference_pages']} pages at "
                       f"{row['reference_pages_per_second']} p/s, ratio {row['ratio_to_reference']})"
                       for row in result["rows"]]
        elif name == "national":
            generated, export = result["generated"], result["big_export"]
            figures = [f"{generated['respondents']:,} respondents, {generated['answers']:,} answers generated in "
                       f"{generated['seconds']} s; floor {result['national']['floor']['rps']:.0f} req/s"]
            figures += [f"{kind}: p50 {row['p50_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms, {row['rps']:.0f} req/s "
                        f"({result['growth'][kind]}x the one-partnership p50), {row['errors']} errors; first view "
                        f"p50 {row['first_view']['p50_ms']:.0f} ms, slowest {row['first_view']['max_ms']:.0f} ms"
                        for kind, row in result["national"].items() if kind != "floor"]
            figures.append(f"export of {result['scale']['big_round']:,}: {export['seconds']} s, "
                           f"{export['bytes']:,} bytes, worker memory +{export['rss_growth_mb']} MB "
                           f"(held whole: {export['held_whole_mb']} MB)")
        elif name == "startup":
            figures = [f"{row['command']}: {row['seconds']:.2f} s ({row['ratio_to_floor']}x python -c pass)"
                       for row in result["rows"]]
        elif name == "wait":
            figures = [f"PDF after submitting: median {result['median_seconds']} s, slowest {result['max_seconds']} s "
                       f"over {result['respondents']} respondents ({result['reading_seconds']} s on the report page "
                       f"first; {result['polls']} polls)"]
        else:
            rss = result["rss_mb"]
            figures = [f"RSS {rss['start']} MB at start, " + ", ".join(
                f"{value} MB after {key}" for key, value in rss.items() if key != "start")
                + f" (growth {result['growth_second_half']:+.1%}), {result['failures']} failures",
                f"cached PDF: median {result['cached_pdf_median_ms']} ms"]
        for index, line in enumerate(figures):
            lines.append(f"{name if index == 0 else '':<24} {line:<78} {verdict if index == 0 else ''}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check that every benchmark runs")
    parser.add_argument("--only", default=",".join(NAMES), help=f"comma-separated subset of {', '.join(NAMES)}")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for the JSON results")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="PostgreSQL URL for the surge ('' to skip)")
    arguments = parser.parse_args()
    names = tuple(name for name in arguments.only.split(",") if name)
    unknown = set(names) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    measured_on = machine.describe()  # before the runs, while no server of theirs is still winding down
    postgres = arguments.postgres if arguments.postgres and postgres_answers(arguments.postgres) else None
    with tempfile.TemporaryDirectory(prefix="rupa-bench-") as workdir:
        results = run(names, arguments.smoke, Path(workdir), postgres)
    print(table(results))
    print(f"machine: {measured_on['cpu']}, {measured_on['cpus']} cores; "
          f"sum(range(10**6)) in {measured_on['loop_ms']} ms on {measured_on['interpreter']}")
    arguments.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = arguments.output / f"suite-{'smoke-' if arguments.smoke else ''}{stamp}.json"
    path.write_text(json.dumps({"at": stamp, "smoke": arguments.smoke, **measured_on, "results": results},
                               indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
