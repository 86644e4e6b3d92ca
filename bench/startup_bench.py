"""Benchmark: how long the headless scorer takes to start and score a 3-respondent file.

Each command runs in a fresh process, best of five wall times, beside the floor of the same interpreter
starting and doing nothing (`python -c pass`): `python -m scoring FILE` (which imports neither Flask,
SQLAlchemy nor WeasyPrint) and `flask --app app score FILE` (the whole app, WeasyPrint left out until a
PDF is rendered). Target: `python -m scoring` under 0.5 s.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "questionnaire" / "demo_data" / "example-valley.json"
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -m scoring": [sys.executable, "-m", "scoring", str(EXAMPLE)],
    "flask score": [sys.executable, "-m", "flask", "--app", "app", "score", str(EXAMPLE)],
}


def wall_time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (our own commands)
    return time.perf_counter() - started


def run(repeat: int = 5) -> dict:
    rows = []
    for name, command in COMMANDS.items():
        wall_time(command)  # the first run fills the page cache; the figure is of a warm machine
        seconds = min(wall_time(command) for _ in range(repeat))
        rows.append({"command": name, "seconds": round(seconds, 3)})
    floor = rows[0]["seconds"]
    for row in rows:
        row["ratio_to_floor"] = round(row["seconds"] / floor, 1)
    scorer = next(row for row in rows if row["command"] == "python -m scoring")
    return {"benchmark": "startup", "rows": rows, "meets": scorer["seconds"] < 0.5}
