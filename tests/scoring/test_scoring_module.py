"""``python -m scoring``: the scorer on its own, without the web app (issue #22, item 8)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent / "golden"


def run_module(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "scoring", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=60)


def test_it_prints_what_flask_score_prints_without_importing_the_web_app(app):
    for arguments in ((), ("--weighting", "respondent", "--lang", "fr")):
        done = run_module(str(GOLDEN / "partnership.json"), *arguments)
        assert done.returncode == 0, done.stderr[-2000:]
        flask = app.test_cli_runner().invoke(args=["score", str(GOLDEN / "partnership.json"), *arguments])
        assert flask.exit_code == 0
        assert json.loads(done.stdout) == json.loads(flask.stdout)
        imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.decode().splitlines()
                    if line.startswith("import time:")}
        assert "scoring" in imported and not imported & {"flask", "sqlalchemy", "weasyprint", "werkzeug", "jinja2"}


def test_a_faulty_file_gets_error_lines_and_status_1():
    done = run_module("-", stdin=b'{"questionnaire": "2026.1", "respondents": [{"answers": {"enabler.trust.1": 9}}]}')
    assert done.returncode == 1 and done.stdout == b""
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("error: ")]
    assert errors and "enabler.trust.1" in " ".join(errors)
    missing = run_module("/nonexistent/file.json")
    assert missing.returncode == 1 and b"error: /nonexistent/file.json" in missing.stderr
