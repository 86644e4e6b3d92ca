"""wrk, the load generator: a run against a real server, read back as numbers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk(base: str, paths: list[str], seconds: float, connections: int, method: str = "GET",
        body_file: Path | None = None, headers: dict[str, str] | None = None) -> dict:
    """Requests per second, p50/p99 latency and errors of ``connections`` connections for ``seconds``."""
    if not wrk_available():
        raise SystemExit("The benchmarks need wrk (Debian: apt-get install wrk).")
    command = ["wrk", "--latency", f"--duration={max(1, round(seconds))}s", f"--connections={connections}",
               f"--threads={min(2, connections)}", "--timeout=10s", "--script", str(WRK_SCRIPT)]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command += [base, "--", method, str(body_file) if body_file else "-", *paths]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    seconds_run = figures["duration_us"] / 1e6
    errors = sum(figures[key] for key in ("connect_errors", "read_errors", "write_errors", "status_errors",
                                          "timeouts"))
    return {"requests": figures["requests"], "rps": round(figures["requests"] / seconds_run, 1),
            "p50_ms": round(figures["p50_ms"], 2), "p99_ms": round(figures["p99_ms"], 2), "errors": errors}
