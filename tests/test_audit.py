"""make audit: pip-audit's report read honestly (deploy/audit.py)."""

from __future__ import annotations

import json
import runpy
import stat
from pathlib import Path

import pytest

AUDIT = runpy.run_path(str(Path(__file__).parents[1] / "deploy" / "audit.py"))


def fake_pip_audit(tmp_path: Path, report: dict | None) -> str:
    script = tmp_path / "pip-audit"
    output = json.dumps(report) if report is not None else "not json"
    script.write_text(f"#!/bin/sh\ncat <<'END'\n{output}\nEND\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


@pytest.mark.parametrize(("report", "code", "says"), [
    ({"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI"}], "fixes": []}, 0,
     "audit skipped: none of the 1 pinned packages could be checked"),
    (None, 0, "audit skipped: pip-audit gave no report"),
    ({"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}], "fixes": []}, 0,
     "audited 1 of 1 pinned packages (0 could not be checked): 0 with known vulnerabilities"),
    ({"dependencies": [{"name": "jinja2", "version": "3.1.0", "vulns": [
        {"id": "GHSA-xxxx", "fix_versions": ["3.1.6"]}]}, {"name": "x", "skip_reason": "gone"}], "fixes": []}, 1,
     "jinja2 3.1.0: GHSA-xxxx (fixed in 3.1.6)"),
])
def test_an_audit_that_checked_nothing_is_a_skip_and_a_vulnerability_fails(tmp_path, capsys, report, code, says):
    assert AUDIT["main"](fake_pip_audit(tmp_path, report), "constraints.txt") == code
    assert says in capsys.readouterr().out
