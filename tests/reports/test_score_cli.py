"""`flask --app app score FILE` prints the result JSON; a malformed file exits non-zero with one line
per fault and nothing else; `report FILE` says clearly where it cannot write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parents[1] / "scoring" / "golden"


def test_score_a_file(app):
    result = app.test_cli_runner().invoke(args=["score", str(GOLDEN / "partnership.json")])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) >= {"questionnaire", "respondents", "organisations", "weighting", "dimensions",
                             "governance", "recommendations", "groups", "suppressed_groups", "gaps", "contested"}
    assert document["weighting"] == "organisation"
    assert document["dimensions"]["enabler.trust"]["score"] == 50.0


def test_score_standard_input_with_respondent_weighting(app):
    source = (GOLDEN / "partnership.json").read_text()
    result = app.test_cli_runner().invoke(args=["score", "--weighting", "respondent", "-"], input=source)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["weighting"] == "respondent"
    assert document["dimensions"]["enabler.trust"]["score"] == 53.1


def test_french_titles(app):
    result = app.test_cli_runner().invoke(args=["score", "--lang", "fr", str(GOLDEN / "individual.json")])
    titles = [rec["title"] for rec in json.loads(result.stdout)["recommendations"]]
    assert "Construire la confiance par de petits succès partagés" in titles


def test_malformed_file_exits_non_zero_with_a_line_per_fault(app):
    source = json.dumps({"respondents": [
        {"group": "urban_public", "answers": {"enabler.trust.1": 9, "enabler.trust.4": 1}},
        {"group": "farmers", "answers": {}},
    ]})
    result = app.test_cli_runner().invoke(args=["score", "-"], input=source)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: respondent 1 (urban_public): enabler.trust.1: value 9 is outside its scale "
        "(allowed: 1, 2, 3, 4, 5 or 'dont_know')",
        "error: respondent 1 (urban_public): enabler.trust.4: unknown item id in questionnaire 2026.2",
        "error: respondent 2 (farmers): group: 'farmers' is not one of urban_public, rural_public, "
        "regional_national, business, civil_society, research, other",
        "3 fault(s): nothing was scored.",
    ]


def test_not_json_and_wrong_version(app):
    broken = app.test_cli_runner().invoke(args=["score", "-"], input="{oops")
    assert broken.exit_code == 1 and "not valid JSON" in broken.stderr
    version = app.test_cli_runner().invoke(args=["score", "-"], input='{"questionnaire": "0.1", "respondents": []}')
    assert version.exit_code == 1 and "unknown version '0.1'" in version.stderr


def test_report_to_a_folder_that_does_not_exist_says_so_before_rendering(app, tmp_path, monkeypatch):
    import reports.cli

    monkeypatch.setattr(reports.cli, "report_pdf", lambda *args: pytest.fail("rendered for nothing"))
    result = app.test_cli_runner().invoke(args=[
        "report", str(GOLDEN / "individual.json"), "--output", str(tmp_path / "no-such-folder" / "r.pdf")])
    assert result.exit_code == 2
    assert "Invalid value for '--output'" in result.output and "does not exist" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_report_that_cannot_be_written_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["report", str(GOLDEN / "individual.json"), "--output", "/dev/full"])
    assert result.exit_code == 1
    assert "could not write /dev/full: No space left on device" in result.output
    assert not isinstance(result.exception, OSError)  # handled, not a traceback
