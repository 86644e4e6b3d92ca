"""Hostile assessment files through flask score, flask report and POST /api/v1/score alike (issue #23):
each gets error lines (the commands, exit status 1) or a 4xx naming the fault (the API), never a
traceback or a 500."""

from __future__ import annotations

import json

import pytest

from tests.partnerships.test_api import bearer, create_token

HOSTILE = {
    "nested too deeply": b'{"questionnaire": "2026.1", "respondents": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}",
    "a number of 5,000 digits": b'{"questionnaire": "2026.1", "respondents": [{"answers": {"enabler.trust.1": '
                                + b"9" * 5000 + b"}}]}",
    "a key given twice": b'{"questionnaire": "2026.1", "questionnaire": "2099.9", "respondents": []}',
    "a list for the questionnaire": b'{"questionnaire": ["2026.1"], "respondents": []}',
    "a number for the questionnaire": b'{"questionnaire": 2026.1, "respondents": []}',
    "a float where an integer belongs": b'{"questionnaire": "2026.1", "respondents": [{"group": "business", '
                                        b'"answers": {"enabler.trust.1": 2.5}}]}',
    "the wrong top-level type": b"[1, 2, 3]",
    "not UTF-8": '{"questionnaire": "2026.1", "partnership": "Vallée", "respondents": []}'.encode("latin-1"),
    "NaN": b'{"questionnaire": "2026.1", "respondents": [{"group": "business", "answers": {"enabler.trust.1": NaN}}]}',
    "respondents as an object": b'{"questionnaire": "2026.1", "respondents": {"a": 1}}',
    "a NUL in the text": b'{"questionnaire": "2026.1", "respondents": [{"group": "business", "answers": '
                         b'{"open.priorities": "x\\u0000y"}}]}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_commands_list_the_fault(app, tmp_path, name):
    path = tmp_path / "hostile.json"
    path.write_bytes(HOSTILE[name])
    runner = app.test_cli_runner()
    for args in (["score", str(path)], ["report", str(path), "--output", str(tmp_path / "out.pdf")]):
        done = runner.invoke(args=args)
        assert done.exit_code == 1, (name, args[0], done.output[-500:])
        assert done.exception is None or isinstance(done.exception, SystemExit), (name, args[0], done.exception)
        assert "error: " in done.output and "Traceback" not in done.output
        assert not (tmp_path / "out.pdf").exists()


def test_the_api_answers_each_with_a_4xx_and_the_fault(app, signed_in):
    client = signed_in("api@example.org")
    token = create_token(client)
    for name, body in HOSTILE.items():
        answer = client.post("/api/v1/score", data=body, content_type="application/json", headers=bearer(token))
        assert 400 <= answer.status_code < 500, (name, answer.status_code, answer.data[:300])
        error = json.loads(answer.data)
        assert error["error"] in ("invalid_json", "invalid_assessment"), name
