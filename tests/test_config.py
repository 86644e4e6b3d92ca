"""Configuration from RUPA_* variables and the instance folder's generated secret key."""

from __future__ import annotations

import stat

from config import instance_secret_key, normalise_database_url


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    key = instance_secret_key(tmp_path / "instance")
    assert len(key) == 64
    assert instance_secret_key(tmp_path / "instance") == key
    mode = (tmp_path / "instance" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_environment_configures_the_app(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("RUPA_SECRET_KEY", "from-env")
    monkeypatch.setenv("RUPA_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("RUPA_RESUME_TOKEN_MAX_AGE_DAYS", "30")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite"
    assert app.config["RESUME_TOKEN_MAX_AGE_DAYS"] == 30


def test_plain_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"
