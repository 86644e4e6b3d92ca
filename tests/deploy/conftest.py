"""The deployment tests use the partnership factories (facilitators, rounds, respondents joining) and
PostgreSQL databases of their own."""

import os

import pytest

from tests.partnerships.conftest import make_round, respondent_joins, signed_in  # noqa: F401

POSTGRES_ADMIN_URL = os.environ.get("RUPA_DEPLOY_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_database():
    """A database of the test's own on the PostgreSQL server (created when missing, emptied): its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    def make(name: str) -> str:
        admin_url = make_url(POSTGRES_ADMIN_URL)
        try:
            engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
        except Exception as error:  # no server: skipped here, a failure where PostgreSQL is required
            if os.environ.get("RUPA_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required (RUPA_REQUIRE_POSTGRES) but refused: {error}")
            pytest.skip(f"no PostgreSQL at {admin_url.render_as_string()}")
        url = admin_url.set(database=name)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        return url.render_as_string(hide_password=False)

    return make
