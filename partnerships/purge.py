"""``flask --app app purge``: remove the free text of rounds closed longer ago than the retention period,
and of individual self-assessments untouched for as long. Free text is where names and candid remarks end
up; the scores need none of it, and they stay exactly as they were.

What goes: open answers, consensus notes, dissent reasons and action texts (an action keeps its owner,
due date and status). Organisation names are replaced by a pseudonym, an HMAC of the name with the
installation's secret: respondents of one organisation still weigh as one (docs/assessment-model.md §7), so every
score of a purged round, and every report already handed to a council, stays the same.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from datetime import datetime, timedelta

import click
from flask import Flask, Response, current_app
from flask.cli import with_appcontext
from sqlalchemy import String, delete, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from accounts import audit
from database import Model, UTCDateTime, db, rows_affected, utcnow
from partnerships import invitations
from partnerships.models import Action, Consensus, Round, bump_workshop_revisions
from questionnaire.models import Answer, Assessment, Respondent
from reports.service import forget_pdfs

LOGGER = logging.getLogger(__name__)
FREE_TEXT_PREFIXES = ("open.",)
ORGANISATION_ITEM = "respondent.organisation"
PSEUDONYM_PREFIX = "organisation-"


def pseudonym(organisation: str, secret: str | bytes) -> str:
    """The same for every spelling the scorer counts as one organisation (scoring/assessment.py: trimmed,
    case-folded), different for different ones, and not reversible without the secret."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, organisation.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"{PSEUDONYM_PREFIX}{digest[:20]}"


def purge_free_text(retention_days: int) -> dict[str, int]:
    """Purge what is older than the cut-off; how many rounds, self-assessments and texts were affected."""
    cutoff = utcnow() - timedelta(days=retention_days)
    rounds = [r for r in db.session.execute(
        select(Round).where(Round.closed_at.is_not(None), Round.closed_at < cutoff)).scalars() if not r.is_open]
    individual = db.session.execute(
        select(Assessment.id).where(Assessment.is_group.is_(False), ~Assessment.id.in_(select(Round.assessment_id)),
                                    ~Assessment.id.in_(select(Respondent.assessment_id).where(
                                        Respondent.last_active_at >= cutoff)))).scalars().all()
    assessments = [r.assessment_id for r in rounds] + list(individual)
    counts = {"rounds": len(rounds), "self_assessments": len(individual), "answers": 0, "organisations": 0,
              "workshop_texts": 0, "audit_entries": 0}
    counts["audit_entries"] = audit.forget_older_than(retention_days)
    if not assessments:
        return counts
    respondents = select(Respondent.id).where(Respondent.assessment_id.in_(assessments))
    open_text = or_(*(Answer.item_id.startswith(p) for p in FREE_TEXT_PREFIXES))
    counts["answers"] = rows_affected(delete(Answer).where(Answer.respondent_id.in_(respondents), open_text))
    secret = current_app.config["SECRET_KEY"]
    for answer in db.session.execute(select(Answer).where(
            Answer.respondent_id.in_(respondents), Answer.item_id == ORGANISATION_ITEM)).scalars():
        if isinstance(answer.value, str) and not answer.value.startswith(PSEUDONYM_PREFIX):
            answer.value = pseudonym(answer.value, secret)
            counts["organisations"] += 1
    round_ids = [r.id for r in rounds]
    if round_ids:
        counts["workshop_texts"] += rows_affected(
            update(Consensus).where(Consensus.round_id.in_(round_ids),
                                    or_(Consensus.note.is_not(None), Consensus.dissent_reason.is_not(None)))
            .values(note=None, dissent_reason=None))
        counts["workshop_texts"] += rows_affected(
            update(Action).where(Action.round_id.in_(round_ids), Action.text != "").values(text=""))
        bump_workshop_revisions(db.session.connection(), round_ids)  # bulk updates bypass the ORM's hook
    forget_pdfs(assessments)  # the PDFs rendered before the purge hold the texts it removed
    for round_ in rounds:
        audit.record("purge", round_.partnership_id, round=round_.number)
    return counts


@click.command("purge")
@click.option("--days", type=int, default=None, help="Retention in days (default: RUPA_RETENTION_DAYS, 365).")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Remove the free text (open answers, consensus notes, dissent reasons, action texts; organisation
    names become pseudonyms) of rounds closed, and self-assessments untouched, longer ago than the
    retention period. Scores are kept unchanged."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    counts = purge_free_text(days)
    db.session.commit()
    click.echo(f"purged {counts['answers']} free-text answer(s), {counts['organisations']} organisation name(s) "
               f"and {counts['workshop_texts']} workshop text(s) from {counts['rounds']} round(s) closed and "
               f"{counts['self_assessments']} self-assessment(s) untouched for more than {days} days")


@click.command("rounds-due")
@with_appcontext
def rounds_due_command() -> None:
    """Close the rounds whose closing date has passed (their email addresses are deleted) and send the
    reminders of the day before a closing date."""
    counts = invitations.run_due(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"closed {counts['closed']} round(s); sent {counts['reminded']} reminder(s)")


class ScheduledTask(Model):
    """When a daily task last ran, so that one process of all (on every host) runs it each day."""

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)


DAILY = timedelta(days=1)


def claim_today(name: str) -> bool:
    """Whether this process is the one to run the daily task ``name`` now (then it is marked as run)."""
    now = utcnow()
    if rows_affected(update(ScheduledTask).where(ScheduledTask.name == name, ScheduledTask.last_run_at < now - DAILY)
                     .values(last_run_at=now)):
        db.session.commit()
        return True
    if db.session.get(ScheduledTask, name) is not None:
        db.session.rollback()
        return False
    db.session.add(ScheduledTask(name=name, last_run_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # another process made the row at the same moment: it runs the task
        db.session.rollback()
        return False
    return True


def purge_if_due(app: Flask) -> dict[str, int] | None:
    """The retention purge, once a day across every process; what it removed, or None when not due."""
    with app.app_context():
        try:
            if not claim_today("purge"):
                return None
            counts = purge_free_text(int(app.config["RETENTION_DAYS"]))
            db.session.commit()
        except SQLAlchemyError as error:  # no database yet, or it went away: the next check tries again
            db.session.rollback()
            LOGGER.warning("the daily retention purge did not run: %s", type(error).__name__)
            return None
    LOGGER.info("daily retention purge: %s", ", ".join(f"{count} {what}" for what, count in counts.items()))
    return counts


_next_check = [0.0]
_check_lock = threading.Lock()


def start_purge_when_due(response: Response) -> Response:
    """After a request, at most once an hour per process: see in a thread of its own whether the day's
    purge is due, and run it, then close the rounds whose closing date has passed and send the day-before
    reminders (partnerships.invitations.run_due). Answers are deleted as the privacy note says, and rounds
    close on their date, without anyone scheduling ``flask purge``. Not in tests (``TESTING``) nor where
    ``RUPA_PURGE_DAILY`` is false (then ``flask purge`` and ``flask rounds-due`` do it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.testing or not app.config["PURGE_DAILY"]:
        return response
    with _check_lock:
        if time.monotonic() < _next_check[0]:
            return response
        _next_check[0] = time.monotonic() + 3600
    threading.Thread(target=_hourly, args=(app,), name="rupa-purge", daemon=True).start()
    return response


def _hourly(app: Flask) -> None:
    """What the hourly check runs: the day's purge when due, then the rounds' closing dates and reminders."""
    purge_if_due(app)
    invitations.run_due(app)
