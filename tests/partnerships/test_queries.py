"""Facilitator pages cost the same number of queries whatever the number of respondents (no N+1)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from database import db
from questionnaire.models import Answer
from tests.questionnaire.test_queries import counted


def test_dashboard_and_results_do_not_grow_with_respondents(app, make_round, respondent_joins):
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    counts = []
    for _batch in range(2):
        for group in ("rural_public", "urban_public", "business"):
            respondent_joins(round_["code"], group, f"{group} organisation")
        with counted(app) as dashboard:
            assert client.get(base).status_code == 200
        with counted(app) as results:
            assert client.get(f"{base}/results").status_code == 200
        counts.append((len(dashboard), len(results)))
    assert counts[0] == counts[1], counts  # 3 and then 6 respondents


def grow_database(app, owner_email: str, partnerships: int = 3, rounds: int = 2, respondents: int = 4) -> None:
    """Other partnerships of the same facilitator, each with rounds of submitted respondents, actions and
    consensus, and co-facilitators: a database larger everywhere but in the round being measured."""
    from sqlalchemy import select

    from accounts.models import Facilitator
    from database import utcnow
    from partnerships import service
    from partnerships.models import Action, Consensus

    with app.app_context():
        owner = db.session.execute(select(Facilitator).where(Facilitator.email == owner_email)).scalar_one()
        questionnaire = app.extensions["rupa.questionnaires"][app.config["QUESTIONNAIRE_VERSION"]]
        for number in range(partnerships):
            partnership = service.create_partnership(owner, f"Elsewhere {number}", "Elsewhere",
                                                     "network_small_medium_cities")
            for _round in range(rounds):
                round_ = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
                for person in range(respondents):
                    respondent, _token = service.join_round(round_, "rural_public", f"Org {person}", "en")
                    respondent.status, respondent.submitted_at = "submitted", utcnow()
                    for item in questionnaire.items.values():
                        if item.scale == "agree5":
                            respondent.answers.append(Answer(item_id=item.id, value=3))
                round_.actions.append(Action(text="Meet again", owner="Chair"))
                round_.consensus.append(Consensus(dimension="enabler.trust", agreed_band="developing"))
        db.session.commit()


PAGES = ("", "/results", "/export.csv", "/export.xlsx", "/export.json", "/progress.json")


def page_statements(app, client, base: str) -> dict[str, list[tuple[str, object]]]:
    """The statements (with their parameters) of the partnership list and of each page of one round:
    opened first with an empty report cache, then again (served from what the cache now holds)."""
    from reports.service import report_cache

    with app.app_context():
        report_cache()._cache().clear()
    pages = {}
    for view in ("first", "again"):
        for path in ("/facilitator/", *(base + page for page in PAGES)):
            with counted_with_parameters(app) as statements:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                response.get_data()  # a streamed export runs its queries as it is read
            pages[f"{path} ({view})"] = statements
    return pages


@contextmanager
def counted_with_parameters(app) -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, parameters, *_args) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_facilitator_pages_do_not_grow_with_the_rest_of_the_database(app, full_round, signed_in):
    """Statements per page stay the same when the database holds more partnerships, rounds, respondents,
    actions, consensus and co-facilitators elsewhere; on PostgreSQL every one of them can use an index."""
    client, base = full_round["client"], full_round["base"]
    before = {path: len(statements) for path, statements in page_statements(app, client, base).items()}
    grow_database(app, "facilitator@example.org")
    for email in ("co1@example.org", "co2@example.org"):
        signed_in(email)
        assert client.post(f"/facilitator/p/{full_round['partnership_id']}/facilitators",
                           data={"email": email}).status_code == 303
    grown = page_statements(app, client, base)
    assert {path: len(statements) for path, statements in grown.items()} == before
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert unindexed_reads(app, grown) == []


def unindexed_reads(app, pages: dict[str, list[tuple[str, object]]]) -> list[str]:
    """Every read of a table that no index narrows: a sequential scan that remains with sequential scans
    disabled, or an index searched without its leading column (PostgreSQL then walks it whole). Its cost
    grows with the table (the whole database), not with the round."""
    found = []
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                           "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]")
            leading = dict(cursor.fetchall())
            cursor.execute("SET enable_seqscan = off")
            for path, statements in pages.items():
                for statement, parameters in statements:
                    if not statement.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
                    for node in plan_nodes(cursor.fetchone()[0][0]["Plan"]):
                        index = node.get("Index Name")
                        whole = node["Node Type"] == "Seq Scan" or (index is not None and not re.search(
                            rf"\b{leading.get(index, '?')}\b", node.get("Index Cond", "")))
                        if whole and node.get("Relation Name") not in SMALL_TABLES:
                            found.append(f"{path}: {node['Node Type']} on {node.get('Relation Name')} "
                                         f"({node.get('Index Name', '')}) for {statement[:200]}")
            connection.rollback()
        finally:
            connection.close()
    return found


SMALL_TABLES = {"alembic_version"}


def plan_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_the_unindexed_read_check_finds_one(app):
    """The check above can fail: a read of answers by item alone has no index to use."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    statement = "SELECT * FROM answer WHERE item_id = %(item)s"
    found = unindexed_reads(app, {"probe": [(statement, {"item": "enabler.trust.1"})]})
    assert len(found) == 1 and "on answer" in found[0]


def test_a_ministry_sees_its_partnerships_fifty_at_a_time(app, signed_in):
    from sqlalchemy import select

    from accounts.models import Facilitator
    from partnerships import service

    client = signed_in("ministry@example.gov")
    with app.app_context():
        ministry = db.session.execute(select(Facilitator)).scalar_one()
        for number in range(55):
            service.create_partnership(ministry, f"Partnership {number:02d}", None, None)
        db.session.commit()
    with counted(app) as first_page:
        first = client.get("/facilitator/").text
    assert first.count('href="/facilitator/p/') == 50 and "Partnership 49" in first and "Partnership 50" not in first
    assert "Page 1 of 2 (55 partnerships)" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/facilitator/?page=2").text
    assert last.count('href="/facilitator/p/') == 5 and "Partnership 54" in last and 'rel="prev"' in last
    past_the_end = client.get("/facilitator/?page=999").text  # the last page
    assert past_the_end.count('href="/facilitator/p/') == 5 and "Page 2 of 2" in past_the_end
    assert "Page 1 of 2" in client.get("/facilitator/?page=abc").text
    french = client.get("/facilitator/?lang=fr").text
    assert "Page 1 sur 2 (55 partenariats)" in french and "Page suivante" in french
    with counted(app) as again:
        client.get("/facilitator/")
    assert len(again) == len(first_page) <= 4  # the account, the count, one page of rows


def one_partnership_pages(client, partnership_id: int, invite: str) -> dict[str, str]:
    p = f"/facilitator/p/{partnership_id}"
    return {"list": "/facilitator/", "partnership": p, "dashboard": f"{p}/rounds/1", "results": f"{p}/rounds/1/results",
            "projector": f"{p}/rounds/1/projector", "consensus": f"{p}/rounds/1/consensus",
            "actions": f"{p}/rounds/1/actions", "activity": f"{p}/activity", "respondents": f"{p}/rounds/1/respondents",
            "join": f"/j/{invite}"}


def statements_per_page(app, client, pages: dict[str, str]) -> dict[str, int]:
    found = {}
    for name, path in pages.items():
        client.get(path)  # once before, so that what is cached by content is cached
        with counted(app) as statements:
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
        found[name] = len(statements)
    return found


def test_a_partnerships_pages_do_not_grow_with_its_rounds_facilitators_and_actions(app, full_round, signed_in):
    """Templates get plain data and run no query of their own: a partnership's pages cost the same with one
    round and no co-facilitator as with six rounds, three co-facilitators and a long action plan."""
    client, partnership_id = full_round["client"], full_round["partnership_id"]
    p = f"/facilitator/p/{partnership_id}"
    invite = re.search(r"/j/([A-Za-z0-9_-]+)", client.get(f"{p}/rounds/1").text).group(1)
    pages = one_partnership_pages(client, partnership_id, invite)
    small = statements_per_page(app, client, pages)
    for number in range(3):
        signed_in(f"co{number}@example.org")
        assert client.post(f"{p}/facilitators", data={"email": f"co{number}@example.org"}).status_code == 303
    for _round in range(5):
        assert client.post(f"{p}/rounds").status_code == 303
    for number in range(6):
        assert client.post(f"{p}/rounds/1/actions", data={"text": f"Step {number}", "owner": "Chair",
                                                         "status": "planned"}).status_code == 303
    large = statements_per_page(app, client, pages)
    assert large == small, {name: (small[name], large[name]) for name in small if small[name] != large[name]}
