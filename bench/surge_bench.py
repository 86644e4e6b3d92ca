"""Benchmark 2: the workshop surge. 200 simulated participants (Locust, bench/surge_load.py) join a
round by its code, answer every page and submit within about a minute, against gunicorn with the
production settings, on SQLite and again on PostgreSQL. Targets: zero errors, and the database holds
exactly the answers that were sent (every participant, every value, nothing more)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from bench.server import ROOT, served


def open_round(database_url: str) -> tuple[str, int]:
    """A facilitator's partnership with one open round: its join code and assessment id."""
    from accounts.models import Facilitator
    from app import create_app
    from database import db
    from partnerships import service

    app = create_app({"SECRET_KEY": "benchmark-setup", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        owner = Facilitator(email="surge@example.org")
        owner.set_password("benchmark facilitator password")
        partnership = service.create_partnership(owner, "Surge Valley", None, None)
        round_ = service.open_round(partnership, app.config["QUESTIONNAIRE_VERSION"])
        db.session.commit()
        code, assessment_id = round_.join_code, round_.assessment_id
        db.session.remove()
        db.engine.dispose()
    return code, assessment_id


def verify(database_url: str, assessment_id: int, sent: list[dict]) -> dict:
    """Compare the database with what the participants sent."""
    from app import create_app
    from database import db
    from questionnaire.journey import answers_of, find_respondent
    from questionnaire.models import Answer, Respondent

    app = create_app({"SECRET_KEY": "benchmark-check", "SQLALCHEMY_DATABASE_URI": database_url})
    faults = []
    with app.app_context():
        respondents = db.session.scalar(select(func.count()).select_from(Respondent)
                                        .where(Respondent.assessment_id == assessment_id))
        submitted = db.session.scalar(select(func.count()).select_from(Respondent).where(
            Respondent.assessment_id == assessment_id, Respondent.status == "submitted"))
        rows = db.session.scalar(select(func.count()).select_from(Answer).join(Respondent).where(
            Respondent.assessment_id == assessment_id))
        expected_rows = 0
        for participant in sent:
            respondent = find_respondent(participant["token"], 365)
            expected = participant["answers"]
            expected_rows += len(expected)
            if respondent is None or respondent.status != "submitted":
                faults.append(f"{participant['token'][:6]}…: not stored as submitted")
            elif answers_of(respondent) != expected:
                faults.append(f"{participant['token'][:6]}…: stored answers differ from those sent")
        db.session.remove()
        db.engine.dispose()
    if rows != expected_rows:
        faults.append(f"{rows} answer rows stored, {expected_rows} sent")
    return {"respondents": respondents, "submitted": submitted, "answer_rows": rows,
            "answer_rows_sent": expected_rows, "faults": faults[:10]}


def run(workdir: Path, database_url: str, participants: int = 200, spawn_seconds: float = 30,
        think_seconds: float = 1.0, limit_seconds: float = 240) -> dict:
    sent_file = workdir / f"surge-sent-{os.getpid()}-{database_url.split(':')[0]}.jsonl"
    sent_file.unlink(missing_ok=True)
    with served(database_url, workdir) as server:
        code, assessment_id = open_round(database_url)
        environment = {**os.environ, "RUPA_SURGE_CODE": code, "RUPA_SURGE_SENT": str(sent_file),
                       "RUPA_SURGE_THINK": str(think_seconds)}
        done = subprocess.run([sys.executable, "-m", "bench.surge_load", server.url, str(participants),
                               str(spawn_seconds), str(limit_seconds)], cwd=ROOT, env=environment,
                              capture_output=True, text=True, check=True)
        load = json.loads(done.stdout.strip().splitlines()[-1])
    sent = [json.loads(line) for line in sent_file.read_text().splitlines()] if sent_file.exists() else []
    stored = verify(database_url, assessment_id, sent)
    meets = (load["failures"] == 0 and not load["timed_out"] and len(sent) == participants
             and stored["respondents"] == stored["submitted"] == participants and not stored["faults"])
    return {"benchmark": "surge", "database": database_url.split(":")[0].split("+")[0], **load,
            "submitted_by_load": len(sent), **stored, "meets": meets}
