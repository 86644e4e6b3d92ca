"""``flask --app app demo load``: example data so that a new installation has something to show.

The demo respondents' private links are derived from the instance's secret key, so running the command
again finds them instead of creating duplicates, and no usable token is written in the repository.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import select

from database import db, utcnow
from questionnaire import journey
from questionnaire.models import Answer, Assessment, Respondent

DEMO_FILE = Path(__file__).parent / "demo_data" / "example-valley.json"

demo_cli = AppGroup("demo", help="Example data for trying RUPA out.")


def demo_token(label: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), f"rupa-demo:{label}".encode(),
                    hashlib.sha256).hexdigest()


@demo_cli.command("load")
def load_command() -> None:
    """Create the Example Valley demo (idempotent) and print its private links."""
    document = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    version = current_app.config["QUESTIONNAIRE_VERSION"]
    links = []
    for n, respondent_data in enumerate(document["respondents"], start=1):
        token = demo_token(f"example-valley-{n}")
        exists = db.session.execute(
            select(Respondent.id).where(Respondent.token_hash == journey.hash_token(token))
        ).first()
        if not exists:
            assessment = Assessment(questionnaire_version=version, partnership_name=document["partnership"])
            now = utcnow()
            respondent = Respondent(
                assessment=assessment, token_hash=journey.hash_token(token), status="submitted",
                submitted_at=now, current_section="review", lang=respondent_data.get("lang", "en"),
            )
            answers = {**document["profile"], **respondent_data["answers"],
                       "respondent.group": respondent_data["group"]}
            if respondent_data.get("organisation"):
                answers["respondent.organisation"] = respondent_data["organisation"]
            respondent.answers = [Answer(item_id=k, value=v) for k, v in answers.items()]
            db.session.add(assessment)
        links.append((respondent_data["group"], token))
    db.session.commit()
    base = current_app.config.get("DEMO_BASE_URL", "http://127.0.0.1:5000")
    click.echo("Demo data ready. Submitted example answers (one per stakeholder):")
    with current_app.test_request_context(base_url=base):
        for group, token in links:
            click.echo(f"  {group:<14} {url_for('questionnaire.resume', token=token, _external=True)}")
