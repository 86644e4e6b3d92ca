"""Queries per page: a page costs a fixed number of SQL statements, whatever the number of answers or
respondents behind it (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from database import db
from tests.partnerships.conftest import answers_for
from tests.questionnaire.test_journey import answer_pages


@contextmanager
def counted(app) -> Iterator[list[str]]:
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_questionnaire_page_costs_two_queries(app, client, start_respondent, complete_answers):
    token = start_respondent()
    answer_pages(client, token, complete_answers())  # every item answered: the answers are one query
    with counted(app) as statements:
        assert client.get(f"/r/{token}/s/enablers").status_code == 200
    assert len(statements) == 2, statements  # the respondent with its assessment, then its answers


def test_saving_a_page_costs_the_same_for_any_number_of_answers(app, client, start_respondent, questionnaire):
    token = start_respondent()
    counts = []
    for section_id in ("barriers", "enablers"):  # 9 and 33 items
        section = questionnaire.section(section_id)
        with counted(app) as statements:
            response = client.post(f"/r/{token}/s/{section_id}",
                                   data=answers_for(questionnaire, section, 4, 1, "business", None))
            assert response.status_code == 303
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts
