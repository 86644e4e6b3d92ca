"""What machine a result was measured on, so that figures from different machines are read as such.

The same code rendered the individual PDF in 2.0 s on one 2-core machine and in 0.8 s on another: the
speed of a core differs between machines of the same size. ``loop_ms`` is a fixed piece of pure Python
timed in the interpreter the benchmarks run on; comparing it says how much of a change between two
result files is the machine's.
"""

from __future__ import annotations

import os
import platform
import sys
import timeit
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def loop_ms() -> float:
    """The fastest of five runs of ``sum(range(10**6))``, in milliseconds."""
    return round(min(timeit.repeat("sum(range(10**6))", number=10, repeat=5)) / 10 * 1000, 2)


def describe() -> dict:
    return {"python": platform.python_version(),
            # which build: a distribution's optimised one or, say, a default pyenv build
            "interpreter": os.path.realpath(sys.executable),
            "cpus": os.cpu_count(), "cpu": cpu_model(), "loop_ms": loop_ms()}
