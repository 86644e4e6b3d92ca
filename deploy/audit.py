"""``make audit``: the pinned dependencies (constraints.txt) checked against PyPI's vulnerability data by
pip-audit, and an honest verdict.

pip-audit says "No known vulnerabilities found" and exits 0 even when it could audit nothing (every
package skipped because the vulnerability service did not answer). Here that case is reported as
*skipped*, with the reason, never as a pass; a package with a known vulnerability fails the run.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main(pip_audit: str, constraints: str) -> int:
    completed = subprocess.run(  # noqa: S603 - the Makefile's own pip-audit and constraints file
        [pip_audit, "--requirement", constraints, "--no-deps", "--disable-pip", "--format", "json",
         "--progress-spinner", "off"], capture_output=True, text=True, check=False)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print(f"audit skipped: pip-audit gave no report ({completed.stderr.strip()[-300:] or 'no output'})")
        return 0
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    if not audited:
        reason = dependencies[0]["skip_reason"] if dependencies else "no dependency listed"
        print(f"audit skipped: none of the {len(dependencies)} pinned packages could be checked; the "
              f"vulnerability database is not reachable from this machine (pip-audit: {reason})")
        return 0
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed release yet"
            print(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed})")
    skipped = len(dependencies) - len(audited)
    print(f"audited {len(audited)} of {len(dependencies)} pinned packages ({skipped} could not be checked): "
          f"{len(vulnerable)} with known vulnerabilities")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
