"""Email invitations to a round, reminders, and the closing date. No page is rendered here.

Addresses are personal data: they are stored only while the round is open and deleted, with their
invitations, when it closes (by hand or on its closing date). They are never exported, never scored and
never shown beside answers: the dashboard shows per address only whether it was invited, started or
submitted. Each address gets a personal link whose token is derived from the invitation's nonce and the
app's secret (so the database alone holds no working link); the respondent who follows it is stored
under that token's hash, so that the link, followed again, leads back to their answers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, url_for
from flask_babel import force_locale
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from accounts import mail
from database import db, rows_affected, utcnow
from partnerships import service
from partnerships.models import Invitation, Round
from questionnaire import item_bank, journey
from questionnaire.models import Assessment, Respondent
from reports import labels

LOGGER = logging.getLogger(__name__)
MAX_ADDRESSES = 500  # one paste; a larger list is sent in parts
SEPARATORS = re.compile(r"[,;\t]")


@dataclass(frozen=True)
class Pasted:
    """A pasted list read line by line: the addresses (each with its group or None) and what was wrong."""

    entries: list[tuple[str, str | None]]
    faults: list[tuple[int, str, str]]  # line number, the line, what is wrong (a key of FAULTS)


def _group_of(text: str) -> str | None | bool:
    """A stakeholder group written as its id or its name in any language; None when empty, False when
    unknown."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    for group in item_bank.GROUPS:
        if wanted == group.casefold():
            return group
    for lang in current_app.config["LANGUAGES"]:
        with force_locale(lang):
            for group, name in labels.GROUPS.items():
                if wanted == str(name).casefold():
                    return group
    return False


def read_pasted(text: str) -> Pasted:
    """One address a line, optionally followed by a comma (or semicolon, or tab) and its stakeholder group."""
    entries: list[tuple[str, str | None]] = []
    faults: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        address, *rest = SEPARATORS.split(line, maxsplit=1)
        try:
            email = validate_email(address.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            faults.append((number, line.strip(), "address"))
            continue
        group = _group_of(rest[0] if rest else "")
        if group is False:
            faults.append((number, line.strip(), "group"))
            continue
        if email.casefold() in seen:
            continue
        seen.add(email.casefold())
        entries.append((email, group if isinstance(group, str) else None))
    if len(entries) > MAX_ADDRESSES:
        faults.append((0, "", "too_many"))
    return Pasted(entries, faults)


def token_of(invitation: Invitation) -> str:
    secret = current_app.config["SECRET_KEY"]
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"invitation\0{invitation.nonce}".encode(), hashlib.sha512).digest()
    return base64.urlsafe_b64encode(digest[:journey.TOKEN_BYTES]).rstrip(b"=").decode()


def link_of(invitation: Invitation) -> str:
    return url_for("join.invited", token=token_of(invitation), _external=True)


def invite(round_: Round, entries: list[tuple[str, str | None]], lang: str) -> tuple[list[Invitation], int]:
    """New invitations for the addresses not invited to this round yet (the others keep theirs): the new
    ones, and how many were already invited. The caller commits, then sends."""
    known = {invitation.email.casefold() for invitation in round_.invitations}
    added = []
    for email, group in entries:
        if email.casefold() in known:
            continue
        invitation = Invitation(round_id=round_.id, email=email, group=group, lang=lang,
                                nonce=secrets.token_urlsafe(24), token_hash="")
        invitation.token_hash = journey.hash_token(token_of(invitation))
        round_.invitations.append(invitation)
        added.append(invitation)
    return added, len(entries) - len(added)


def send(round_: Round, invitations: list[Invitation], kind: str) -> None:
    """Send each one its invitation (``kind`` "invitation") or reminder ("reminder"), in its language."""
    partnership = round_.partnership.name
    for invitation in invitations:
        mail.send_soon(invitation.email, kind, invitation.lang, partnership=partnership, round=round_.number,
                       link=link_of(invitation), closes_on=round_.closes_on)
        if kind == "reminder":
            invitation.reminded_at = utcnow()


def statuses(round_: Round) -> list[dict[str, Any]]:
    """Each invited address with its group and only whether it was invited, started or submitted."""
    started = dict(db.session.execute(
        select(Respondent.token_hash, Respondent.status).where(
            Respondent.assessment_id == round_.assessment_id,
            Respondent.token_hash.in_([invitation.token_hash for invitation in round_.invitations]))).all())
    return [{"email": invitation.email, "group": labels.GROUPS.get(invitation.group or ""),
             "status": "submitted" if started.get(invitation.token_hash) == "submitted"
             else "started" if invitation.token_hash in started else "invited",
             "reminded": invitation.reminded_at is not None}
            for invitation in round_.invitations]


def not_submitted(round_: Round) -> list[Invitation]:
    submitted = set(db.session.execute(select(Respondent.token_hash).where(
        Respondent.assessment_id == round_.assessment_id, Respondent.status == "submitted")).scalars())
    return [invitation for invitation in round_.invitations if invitation.token_hash not in submitted]


def invitation_by_token(token: str) -> Invitation | None:
    return db.session.execute(select(Invitation).where(
        Invitation.token_hash == journey.hash_token(token))).scalar_one_or_none()


def run_due(app: Flask, today: date | None = None) -> dict[str, int]:
    """Close the rounds whose closing date has passed (deleting their addresses), and send the reminder of
    the day before to the invited who have not submitted (once per round, whichever process runs this).
    Run hourly after a request (partnerships.purge.start_purge_when_due) and by ``flask rounds-due``."""

    counts = {"closed": 0, "reminded": 0}
    with app.app_context():
        today = today or utcnow().date()
        try:
            due = db.session.execute(select(Round).join(Assessment, Assessment.id == Round.assessment_id).where(
                Round.closes_on < today, Assessment.accepts_answers.is_(True))).scalars().all()
            for round_ in due:
                service.set_open(round_, False)
                counts["closed"] += 1
            db.session.commit()
            tomorrow = today + timedelta(days=1)
            candidates = db.session.execute(select(Round.id).join(Assessment, Assessment.id == Round.assessment_id)
                                            .where(Round.closes_on == tomorrow, Round.closing_reminder_at.is_(None),
                                                   Assessment.accepts_answers.is_(True))).scalars().all()
            for round_id in candidates:
                # Whoever marks the round first sends its reminders: no address gets two.
                if not rows_affected(update(Round).where(Round.id == round_id, Round.closing_reminder_at.is_(None))
                                     .values(closing_reminder_at=utcnow())):
                    continue
                round_ = db.session.get_one(Round, round_id)
                # The links go to the address the facilitator's pages were served from (behind the proxy).
                with app.test_request_context(base_url=round_.link_base or "http://localhost/"):
                    waiting = not_submitted(round_)
                    send(round_, waiting, "reminder")
                counts["reminded"] += len(waiting)
                db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            LOGGER.warning("closing dates and reminders did not run: %s", type(error).__name__)
    return counts
