"""Benchmark: scoring 100, 1,000 and 10,000 generated respondents.

Each figure stands beside a floor measured in the same process on the same data: one pass that reads
every answer of every respondent (the least any scorer must do). Prints a table and writes JSON under
bench/results/. Run with `make bench`.
"""

from __future__ import annotations

import json
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from questionnaire import item_bank
from questionnaire.content import load_all
from scoring import load_rules, parse_assessment, score

RESULTS = Path(__file__).parent / "results"
SIZES = (100, 1_000, 10_000)


def generate(n: int, rng: random.Random) -> dict:
    questionnaire = load_all()["2026.1"]
    scaled = [item for item in questionnaire.items.values() if item.type == "scale"]
    respondents = []
    for i in range(n):
        answers = {}
        for item in scaled:
            values = [*item.option_values, item_bank.DONT_KNOW]
            answers[item.id] = rng.choice(values)
        respondents.append({"group": rng.choice(item_bank.GROUPS), "organisation": f"Org {i % (n // 3 + 1)}",
                            "answers": answers})
    return {"questionnaire": "2026.1", "profile": {"profile.explicit": "yes",
                                                   "profile.delegated_functions": ["transport"]},
            "respondents": respondents}


def floor(document: dict) -> int:
    touched = 0
    for respondent in document["respondents"]:
        for value in respondent["answers"].values():
            touched += value is not None
    return touched


def timings(function, repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` runs of ``function``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def best_of(function, repeat: int) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by whatever else the machine does."""
    return min(timings(function, repeat))


def run(sizes: tuple[int, ...] = SIZES) -> dict:
    """Score each size, beside the floor; growth is the time ratio to the previous size over the size ratio
    (1.0 = linear). Targets: the largest size (10,000) in under 2 s, growth no worse than linear."""
    questionnaires = load_all()
    rules = load_rules(questionnaires["2026.1"])
    rng = random.Random(2026)
    rows = []
    for n in sizes:
        document = generate(n, rng)
        repeat = 5 if n < 10_000 else 3
        floor_s = best_of(lambda document=document: floor(document), repeat)
        score_s = best_of(lambda document=document: score(parse_assessment(document, questionnaires, "2026.1"),
                                                          rules), repeat)
        rows.append({"respondents": n, "score_seconds": round(score_s, 4), "floor_seconds": round(floor_s, 5),
                     "ratio_to_floor": round(score_s / floor_s, 1)})
    for previous, row in zip(rows, rows[1:], strict=False):
        row["growth_vs_linear"] = round((row["score_seconds"] / previous["score_seconds"])
                                        / (row["respondents"] / previous["respondents"]), 2)
    # Linear within the noise of a shared machine: at most 20% above proportional growth.
    meets = rows[-1]["score_seconds"] < 2.0 and all(row.get("growth_vs_linear", 0) <= 1.2 for row in rows)
    return {"benchmark": "aggregation", "rows": rows, "meets": meets}


def main() -> None:
    result = run()
    rows = result["rows"]
    print(f"{'respondents':>12} {'score s':>9} {'floor s':>9} {'x floor':>8} {'vs linear':>9}")
    for row in rows:
        print(f"{row['respondents']:>12,} {row['score_seconds']:>9.4f} {row['floor_seconds']:>9.5f} "
              f"{row['ratio_to_floor']:>8.1f} {row.get('growth_vs_linear', ''):>9}")
    print(f"{rows[-1]['respondents']:,} respondents scored in {rows[-1]['score_seconds']:.3f} s "
          f"({'meets' if result['meets'] else 'MISSES'} the targets)")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"score-{stamp}.json").write_text(json.dumps(
        {"at": stamp, "python": platform.python_version(), **result}, indent=2))


if __name__ == "__main__":
    main()
