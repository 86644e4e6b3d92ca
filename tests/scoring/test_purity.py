"""The scorer is pure Python: importing it loads neither Flask nor SQLAlchemy."""

import subprocess
import sys


def test_scoring_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, scoring, scoring.engine, scoring.catalogue, scoring.rules, scoring.assessment; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_scoring_leaves_the_cycle_collector_as_it_found_it(score_document):
    """score() pauses Python's cycle collector while it runs (bench/README.md) and restores its state."""
    import gc
    import json
    from pathlib import Path

    document = json.loads((Path(__file__).parent / "golden" / "partnership.json").read_text())
    assert gc.isenabled()
    assert score_document(document)["respondents"] > 1
    assert gc.isenabled()
    gc.disable()
    try:
        score_document(document)
        assert not gc.isenabled()
    finally:
        gc.enable()
