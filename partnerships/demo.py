"""``flask --app app demo load``: example data so that a new installation has something to show.

Three individual self-assessments (the example file's respondents) and a demo facilitator whose
partnership has a published round of nine submitted respondents. The private links and the demo
password are derived from the instance's secret key: running the command again finds the same data
instead of duplicating it, and nothing usable is written in the repository.
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

from accounts.models import Facilitator
from database import db, utcnow
from partnerships import service
from questionnaire import journey
from questionnaire.models import Answer, Assessment, Respondent

DEMO_FILE = Path(__file__).parents[1] / "questionnaire" / "demo_data" / "example-valley.json"
DEMO_EMAIL = "demo@example.org"

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
    password, round_ = _partnership_demo(document, version)
    db.session.commit()
    base = current_app.config.get("DEMO_BASE_URL", "http://127.0.0.1:5000")
    click.echo("Demo data ready. Individual self-assessments (submitted), one per stakeholder:")
    with current_app.test_request_context(base_url=base):
        for group, token in links:
            click.echo(f"  {group:<14} {url_for('questionnaire.resume', token=token, _external=True)}")
        click.echo(f"Facilitator: sign in at {url_for('accounts.signin', _external=True)} as {DEMO_EMAIL} "
                   f"with password {password}")
        click.echo(f"  Example Valley Partnership, round {round_.number}: 9 respondents, join code {round_.join_code}")


def _partnership_demo(document: dict, version: str):
    """The demo facilitator and a round of nine: each example respondent and two colleagues of the
    same stakeholder group with slightly different views."""
    password = demo_token("facilitator-password")[:16]
    facilitator = db.session.execute(select(Facilitator).where(Facilitator.email == DEMO_EMAIL)).scalar_one_or_none()
    if facilitator is not None:
        partnership = facilitator_partnership(facilitator)
        return password, partnership.rounds[0]
    facilitator = Facilitator(email=DEMO_EMAIL)
    facilitator.set_password(password)
    db.session.add(facilitator)
    partnership = service.create_partnership(facilitator, document["partnership"], "Example Valley",
                                             document["profile"]["profile.region_type"])
    partnership.profile = dict(document["profile"])
    round_ = service.open_round(partnership, version)
    round_.is_published = True
    for person in document["respondents"]:
        for shift, suffix in ((0, ""), (1, " (2)"), (-1, " (3)")):
            respondent, _token = service.join_round(round_, person["group"],
                                                    f"{person['organisation']}{suffix}", "en")
            respondent.answers.extend(Answer(item_id=k, value=_shifted(k, v, shift))
                                      for k, v in person["answers"].items())
            respondent.status, respondent.submitted_at, respondent.current_section = "submitted", utcnow(), "review"
    db.session.flush()
    return password, round_


def _shifted(item_id: str, value, shift: int):
    """A neighbouring answer on the same scale, so that colleagues do not answer identically."""
    if not isinstance(value, int) or item_id.startswith("linkage."):
        return value
    low, high = (0, 4) if item_id.startswith("barrier.") else (1, 5)
    return min(high, max(low, value + shift))


def facilitator_partnership(facilitator: Facilitator):
    return service.partnerships_of(facilitator)[0][0]
