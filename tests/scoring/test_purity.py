"""The scorer is pure Python: importing it loads neither Flask nor SQLAlchemy."""

import subprocess
import sys


def test_scoring_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, scoring, scoring.engine, scoring.catalogue, scoring.rules, scoring.assessment; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
