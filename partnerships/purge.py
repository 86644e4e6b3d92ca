"""``flask --app app purge``: remove the free-text answers of rounds closed longer ago than the
retention period. Free text is where names and candid remarks end up; the scores need none of it."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete, or_, select

from database import db, utcnow
from partnerships.models import Round
from questionnaire.models import Answer, Respondent

FREE_TEXT_PREFIXES = ("open.",)
FREE_TEXT_ITEMS = ("respondent.organisation",)


def purge_free_text(retention_days: int) -> tuple[int, int]:
    """Delete the free-text answers of rounds closed before the cut-off: (rounds, answers) affected."""
    cutoff = utcnow() - timedelta(days=retention_days)
    rounds = db.session.execute(select(Round).where(Round.closed_at.is_not(None), Round.closed_at < cutoff)
                                ).scalars().all()
    rounds = [r for r in rounds if not r.is_open]
    if not rounds:
        return 0, 0
    respondents = select(Respondent.id).where(Respondent.assessment_id.in_([r.assessment_id for r in rounds]))
    free_text = or_(Answer.item_id.in_(FREE_TEXT_ITEMS), *(Answer.item_id.startswith(p) for p in FREE_TEXT_PREFIXES))
    result = db.session.execute(delete(Answer).where(Answer.respondent_id.in_(respondents), free_text))
    return len(rounds), result.rowcount


@click.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: RUPA_RETENTION_DAYS, 365).")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Remove free-text answers (open questions, organisation names) of rounds closed longer ago than the
    retention period. Scores are kept."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    rounds, answers = purge_free_text(days)
    db.session.commit()
    click.echo(f"purged {answers} free-text answer(s) from {rounds} round(s) closed more than {days} days ago")
