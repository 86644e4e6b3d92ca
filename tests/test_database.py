"""Migrations build the schema the models describe; SQLite takes concurrent writers."""

from __future__ import annotations

import re
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import CheckConstraint, func, inspect, select, text

from app import create_app
from database import db
from questionnaire import journey
from questionnaire.models import Answer, Respondent


@pytest.fixture
def empty_app(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_migrations_upgrade_a_fresh_database_to_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"assessment", "respondent", "answer", "alembic_version"} <= tables
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], "models changed without a migration: run `flask db migrate`"
        # Autogenerate does not compare CHECK constraints: every enumeration the models check (written from
        # its StrEnum) must allow exactly the values the migrated database allows.
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            migrated = {c["name"]: allowed_values(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
            for constraint in table.constraints:
                if isinstance(constraint, CheckConstraint) and " IN (" in str(constraint.sqltext):
                    assert migrated[constraint.name] == allowed_values(str(constraint.sqltext)), constraint.name


def allowed_values(sqltext: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sqltext))


def test_database_enforces_one_answer_per_item_and_valid_status(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        respondent, _token = journey.start_assessment(
            app.extensions["rupa.questionnaires"]["2026.1"], "en")
        db.session.add_all([Answer(respondent_id=respondent.id, item_id="barrier.funding", value=1),
                            Answer(respondent_id=respondent.id, item_id="barrier.funding", value=2)])
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        respondent, _token = journey.start_assessment(
            app.extensions["rupa.questionnaires"]["2026.1"], "en")
        respondent.status = "archived"
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_sqlite_uses_wal_and_a_busy_timeout(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite pragmas")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_writers_never_see_database_is_locked(app, start_respondent):
    """Eight threads, each its own connection, read then write the same rows at once."""
    tokens = [start_respondent() for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        client = app.test_client()
        token = tokens[n % 4]
        try:
            barrier.wait()
            for round_ in range(10):
                response = client.post(f"/r/{token}/s/barriers",
                                       data={"barrier.funding": str((n + round_) % 5),
                                             f"barrier.{['policy', 'capacity'][n % 2]}": "3"})
                assert response.status_code == 303, response.status_code
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Respondent)).scalar() == 4
        # Each respondent holds exactly its two items: nothing duplicated, nothing lost.
        assert db.session.execute(select(func.count()).select_from(Answer)).scalar() == 4 * 2


def test_missing_database_gets_a_clear_message(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/never-migrated.sqlite"})
    client = app.test_client()
    response = client.post("/start")
    assert response.status_code == 503
    assert "cannot reach its database" in response.text
    assert client.get("/r/" + "a" * 43).status_code == 503
    assert client.get("/").status_code == 200


def test_sqlite_writers_hold_the_writers_lock_only_while_they_write(app, database_url):
    """A write transaction holds the OS lock next to the database (others queue on it); a read does not,
    and commit releases it."""
    import fcntl
    import os

    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's writers lock")
    lock_path = database_url.removeprefix("sqlite:///") + "-writers.lock"

    def free() -> bool:
        probe = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(probe, fcntl.LOCK_UN)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(probe)

    with app.test_request_context("/", method="GET"):
        app.preprocess_request()  # the before-request hooks: web/transactions.py declares a GET reading
        db.session.execute(select(func.count()).select_from(Respondent))
        assert free()  # a page view reads without the lock
        db.session.rollback()
    with app.app_context():
        db.session.execute(select(func.count()).select_from(Respondent))
        assert not free()  # outside a GET every transaction is a writer's
        db.session.commit()
        assert free()
        # The lock is still held while SQLite runs the COMMIT (released any earlier, the next writer's
        # BEGIN IMMEDIATE would find the database locked and sleep in SQLite's busy handler).
        seen = []
        db.session.execute(select(func.count()).select_from(Respondent))
        connection = db.session.connection().connection.dbapi_connection
        connection.set_trace_callback(lambda sql: seen.append((sql, free())) if sql == "COMMIT" else None)
        db.session.commit()
        connection.set_trace_callback(None)
        assert seen == [("COMMIT", False)]
        assert free()


def test_a_failed_statement_does_not_carry_its_parameters_into_messages(app):
    """Statement parameters are answers, password hashes and token hashes: an error's text (which the logs
    get) leaves them out."""
    import pytest as _pytest
    from sqlalchemy.exc import IntegrityError

    from accounts.models import Facilitator
    from database import db

    secret_hash = "$argon2id$v=19$m=65536,t=3,p=4$secret-salt$secret-hash-value"
    with app.app_context():
        db.session.add(Facilitator(email="dup@example.org", password_hash=secret_hash))
        db.session.commit()
        db.session.add(Facilitator(email="dup@example.org", password_hash=secret_hash))
        with _pytest.raises(IntegrityError) as raised:
            db.session.commit()
        db.session.rollback()
    # (PostgreSQL's own DETAIL line still names the value of the unique key that clashed.)
    assert "secret-hash-value" not in str(raised.value) and "parameters hidden" in str(raised.value)


def test_an_unexpected_database_error_logs_no_value_of_the_data(app, caplog):
    """PostgreSQL's message goes on with a DETAIL line that names the clashing value (an email address
    here): the log of the 500 keeps the message's first line and the traceback's frames only."""
    from accounts.models import Facilitator
    from authorisation.access import policy
    from database import db

    @app.post("/clash")
    @policy("public")
    def clash():
        db.session.add(Facilitator(email="private.person@example.org", password_hash="x"))
        db.session.commit()
        db.session.add(Facilitator(email="private.person@example.org", password_hash="x"))
        db.session.commit()
        return "unreachable"

    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/clash")
    assert response.status_code == 500 and "private.person" not in response.text
    logged = "\n".join(f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records)
    assert "unexpected database error" in logged and "facilitator" in logged  # the constraint, named
    assert "private.person@example.org" not in logged


def test_the_sqlite_tuning_is_registered_for_sqlite_engines_only(app, database_url):
    import sqlite_writers

    with app.app_context():
        assert sqlite_writers.registered(db.engine) == database_url.startswith("sqlite")
        if not database_url.startswith("sqlite"):
            with pytest.raises(ValueError, match="for SQLite engines"):
                sqlite_writers.register(db.engine)


def test_the_database_layer_never_reads_the_web_request():
    """Whether a transaction only reads is declared to it (web/transactions.py, write_transaction,
    read_only); database.py and sqlite_writers.py look at no request."""
    import ast
    from pathlib import Path

    root = Path(__file__).parents[1]
    for name in ("database.py", "sqlite_writers.py"):
        tree = ast.parse((root / name).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    and node.module == "flask" for alias in node.names}
        assert not imported & {"request", "has_request_context", "current_app"}, name
