"""`flask --app app questionnaire export` prints the questionnaire other tools read."""

from __future__ import annotations

import json

import pytest

from questionnaire.content import load_all


@pytest.mark.parametrize(("lang", "title"), [("en", "What gets in the way"), ("fr", "Ce qui fait obstacle")])
def test_export_prints_every_item_in_the_chosen_language(app, lang, title):
    result = app.test_cli_runner().invoke(args=["questionnaire", "export", "--lang", lang])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["version"] == max(load_all()) and document["lang"] == lang
    sections = {s["id"]: s for s in document["sections"]}
    assert sections["barriers"]["title"] == title
    items = {i["id"]: i for s in document["sections"] for i in s["items"]}
    assert len(items) == len(load_all()[max(load_all())].items)
    trust = items["enabler.trust.1"]
    assert trust["scale"] == "agree5"
    assert [o["value"] for o in trust["options"]] == [1, 2, 3, 4, 5, "dont_know"]
    assert items["open.priorities"]["max_length"] == 4000


def test_export_refuses_an_unknown_version(app):
    result = app.test_cli_runner().invoke(args=["questionnaire", "export", "--version", "1999.1"])
    assert result.exit_code != 0
    assert "unknown questionnaire version '1999.1'" in result.output


def test_demo_load_is_idempotent(app):
    from sqlalchemy import func, select

    from database import db
    from questionnaire.models import Respondent

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output and "/r/" in first.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Respondent)).scalar() == 3 + 9


def test_demo_facilitator_signs_in_and_sees_a_round_of_nine(app):
    import re

    output = app.test_cli_runner().invoke(args=["demo", "load"]).output
    email, password = re.search(r"as (\S+) with password (\S+)", output).groups()
    client = app.test_client()
    assert client.post("/account/signin", data={"email": email, "password": password}).status_code == 303
    partnership = re.search(r'href="(/facilitator/p/\d+)"', client.get("/facilitator/").text).group(1)
    progress = client.get(f"{partnership}/rounds/1/progress.json").get_json()
    assert progress["totals"] == {"joined": 9, "in_progress": 0, "submitted": 9}
    results = client.get(f"{partnership}/rounds/1/results")
    assert results.status_code == 200 and "Scores by stakeholder group" in results.text
