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


def test_resume_and_invitation_links_are_redacted_in_the_logs():
    """gunicorn's access log (gunicorn.conf.py logger_class) and the development server's log."""
    import datetime
    import logging
    from types import SimpleNamespace

    from gunicorn.config import Config

    from deployment import RedactSecrets

    token, invite = "LAa36x6A63kOP72BoUcNtc03AAGdVYyERi2Ze_g-4SA", "x" * 32
    config = Config()
    config.set("logger_class", "deployment.RedactingGunicornLogger")
    logger = config.logger_class(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/r/{token}/s/profile", "PATH_INFO": f"/r/{token}/s/profile",
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.7",
               "HTTP_REFERER": f"https://rupa.example.org/j/{invite}"}
    atoms = logger.atoms(SimpleNamespace(status="200 OK", headers=[], sent=10),
                         SimpleNamespace(headers=[("REFERER", f"https://rupa.example.org/j/{invite}")]),
                         environ, datetime.timedelta(seconds=0.01))
    written = " ".join(str(value) for value in atoms.values())
    assert token not in written and invite not in written and "/r/…/s/profile" in written

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", f"GET /r/{token}/review HTTP/1.1", "200"), None)
    assert RedactSecrets().filter(record) and token not in record.getMessage()


def test_the_links_emailed_to_facilitators_are_redacted_in_the_logs():
    from deployment import redacted

    link = "WzEsMV0.aw-QUg.dRRLLOOpyTCo-XQT43pexDO58fo"
    for path in (f"/account/confirm/{link}", f"/account/password/reset/{link}"):
        line = redacted(f'GET {path} HTTP/1.1" 303')
        assert link not in line and "/…" in line, line


def test_personal_email_invitations_are_redacted_in_the_logs():
    from deployment import redacted

    token = "aPsae8LXVnF1b2EMSmuiAvIUdYgtqfKtvb2YTjf-f6k"
    line = redacted(f'GET /i/{token} HTTP/1.1" 200')
    assert token not in line and "/i/…" in line, line
