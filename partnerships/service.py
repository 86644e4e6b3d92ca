"""Partnership work as plain functions; they only flush, the views commit."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import segno
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from accounts import audit
from accounts.models import Facilitator, normalise_email
from database import db, utcnow
from partnerships.models import Action, Membership, Partnership, Role, Round
from questionnaire import item_bank, journey
from questionnaire.models import Answer, Assessment, Respondent

# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B): easy to read off a projector and type on a phone.
JOIN_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6


def create_partnership(owner: Facilitator, name: str, region: str | None, region_type: str | None) -> Partnership:
    partnership = Partnership(name=name, region=region or None, region_type=region_type or None,
                              profile={"profile.region_type": region_type} if region_type else {})
    partnership.memberships.append(Membership(facilitator=owner, role="owner"))
    db.session.add(partnership)
    db.session.flush()
    return partnership


def partnerships_of(facilitator: Facilitator) -> list[tuple[Partnership, str]]:
    rows = db.session.execute(
        select(Partnership, Membership.role).join(Membership)
        .where(Membership.facilitator_id == facilitator.id).order_by(Partnership.name)
    )
    return [(partnership, role) for partnership, role in rows]


@dataclass(frozen=True)
class Departure:
    """What deleting a facilitator's account does to their partnerships."""

    handed_over: list[tuple[Partnership, Facilitator]]  # owned, with the co-facilitator who becomes owner
    deleted: list[Partnership]                          # owned and facilitated by nobody else
    left: list[Partnership]                             # co-facilitated: only their access goes


def departure(facilitator: Facilitator) -> Departure:
    """Each partnership the facilitator owns passes to its longest-standing co-facilitator, or is deleted
    with its data when there is none; co-facilitated ones only lose this facilitator."""
    handed_over, deleted, left = [], [], []
    for partnership, role in partnerships_of(facilitator):
        if role != "owner":
            left.append(partnership)
            continue
        others = sorted((m for m in partnership.memberships if m.facilitator_id != facilitator.id),
                        key=lambda m: (m.created_at, m.id))
        if others:
            handed_over.append((partnership, others[0].facilitator))
        else:
            deleted.append(partnership)
    return Departure(handed_over, deleted, left)


def delete_account(facilitator: Facilitator) -> list[int]:
    """Carry out :func:`departure` and delete the account; the assessments whose data went (their cached
    PDFs are to be erased)."""
    plan = departure(facilitator)
    for partnership, heir in plan.handed_over:
        membership = next(m for m in partnership.memberships if m.facilitator_id == heir.id)
        membership.role = "owner"
        audit.record("transfer", partnership.id, by=facilitator, email=facilitator.email, owner=heir.email)
    erased = [r.assessment_id for partnership in plan.deleted for r in partnership.rounds]
    for partnership in plan.deleted:
        audit.record("delete_partnership", None, by=facilitator, name=partnership.name)
        db.session.delete(partnership)
    db.session.flush()
    db.session.delete(facilitator)
    db.session.flush()
    return erased


LIST_PAGE_SIZE = 50


@dataclass(frozen=True)
class ListedPartnership:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class PartnershipPage:
    """One page of a facilitator's partnerships, by name: a ministry may have hundreds."""

    partnerships: list[ListedPartnership]
    number: int
    pages: int
    total: int


def partnership_page(facilitator: Facilitator, number: int, size: int = LIST_PAGE_SIZE) -> PartnershipPage:
    """Page ``number`` (from 1; a number past the end gives the last page) of the facilitator's partnerships."""
    total = db.session.execute(
        select(func.count()).select_from(Membership).where(Membership.facilitator_id == facilitator.id)).scalar_one()
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = db.session.execute(
        select(Partnership.id, Partnership.name, Membership.role).join(Membership)
        .where(Membership.facilitator_id == facilitator.id).order_by(Partnership.name, Partnership.id)
        .limit(size).offset((number - 1) * size))
    return PartnershipPage([ListedPartnership(*row) for row in rows], number, pages, total)


def access_to(partnership_id: int, facilitator: Facilitator) -> tuple[Partnership, str] | None:
    """The partnership and the facilitator's role in it, in one statement; None without access."""
    row = db.session.execute(
        select(Partnership, Membership.role).join(Membership, Membership.partnership_id == Partnership.id)
        .where(Partnership.id == partnership_id, Membership.facilitator_id == facilitator.id)
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


def overview(partnership: Partnership) -> dict[str, list[dict[str, Any]]]:
    """What the partnership's page lists, as plain data in two statements whatever their number: its
    rounds (open or closed) and its facilitators (in the order they joined)."""
    rounds = db.session.execute(
        select(Round.number, Assessment.accepts_answers).join(Assessment, Round.assessment_id == Assessment.id)
        .where(Round.partnership_id == partnership.id).order_by(Round.number)).all()
    facilitators = db.session.execute(
        select(Membership.id, Membership.role, Facilitator.email)
        .join(Facilitator, Membership.facilitator_id == Facilitator.id)
        .where(Membership.partnership_id == partnership.id).order_by(Membership.id)).all()
    return {"rounds": [{"number": number, "is_open": is_open} for number, is_open in rounds],
            "facilitators": [{"membership_id": membership_id, "role": role, "email": email}
                             for membership_id, role, email in facilitators]}


def rounds_around(partnership: Partnership, number: int) -> tuple[Round | None, Round | None]:
    """The partnership's round ``number`` and the one before it (None where there is none), with their
    assessments, in one statement."""
    rounds = {round_.number: round_ for round_ in db.session.execute(
        select(Round).options(joinedload(Round.assessment))
        .where(Round.partnership_id == partnership.id, Round.number.in_([number, number - 1]))).scalars()}
    return rounds.get(number), rounds.get(number - 1)


def role_of(partnership_id: int, facilitator: Facilitator) -> str | None:
    return db.session.execute(
        select(Membership.role).where(Membership.partnership_id == partnership_id,
                                      Membership.facilitator_id == facilitator.id)
    ).scalar_one_or_none()


def add_co_facilitator(partnership: Partnership, email: str) -> Facilitator | Literal[True] | None:
    """Give an existing account access: the account when it was added, True when it had access already,
    None when no account has that email address."""
    facilitator = db.session.execute(
        select(Facilitator).where(Facilitator.email == normalise_email(email))).scalar_one_or_none()
    if facilitator is None:
        return None
    if role_of(partnership.id, facilitator) is not None:
        return True
    db.session.add(Membership(partnership=partnership, facilitator=facilitator, role=Role.CO_FACILITATOR.value))
    db.session.flush()
    return facilitator


@lru_cache(maxsize=512)
def invitation_qr_svg(invite_url: str, size: str, title: str) -> Markup:
    """The QR code of an invitation link as inline SVG, drawn at ``size`` ("240" pixels, "60mm"), with the
    four-module quiet zone a reader needs (segno's own XML writer escapes the title). Its viewBox lets a
    style sheet make it larger or smaller without clipping it. Kept per link and size: drawing it was half
    of a round dashboard's cost."""
    drawn = segno.make(invite_url, error="m").svg_inline(omitsize=True, dark="#000000", light="#ffffff",
                                                          title=title)
    sized = drawn.replace("<svg ", f'<svg width="{size}" height="{size}" role="img" ', 1)
    return Markup(sized)  # noqa: S704 - segno's SVG with its title escaped, and our own size


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not db.session.execute(select(Round.id).where(Round.join_code == code)).first():
            return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:JOIN_CODE_LENGTH * 2]


def rename_partnership(partnership: Partnership, name: str, region: str | None) -> None:
    """A new name for the partnership and for every one of its rounds' assessments, so that each round's
    report and file names carry it (the partnership is the same body under its new name)."""
    partnership.name, partnership.region = name, region
    for round_ in partnership.rounds:
        round_.assessment.partnership_name = name


def open_round(partnership: Partnership, questionnaire_version: str) -> Round:
    number = (db.session.execute(
        select(func.max(Round.number)).where(Round.partnership_id == partnership.id)).scalar() or 0) + 1
    round_ = Round(
        partnership=partnership, number=number, join_code=new_join_code(),
        invite_token=secrets.token_urlsafe(24),  # 192 bits
        assessment=Assessment(questionnaire_version=questionnaire_version, partnership_name=partnership.name,
                              is_group=True),
    )
    db.session.add(round_)
    previous = db.session.execute(select(Round).where(Round.partnership_id == partnership.id,
                                                      Round.number == number - 1)).scalar_one_or_none()
    # The previous plan comes along for review: each action keeps its status until the group changes it.
    carried = [(previous.number, action) for action in previous.actions] if previous is not None else []
    for carried_from, action in carried:
        if action.status != "dropped":
            round_.actions.append(Action(text=action.text, owner=action.owner, due_on=action.due_on,
                                         status=action.status, recommendation_id=action.recommendation_id,
                                         carried_from=carried_from))
    db.session.flush()
    return round_


def set_open(round_: Round, is_open: bool) -> None:
    """Open or close a round. Closing deletes its invitations' email addresses: they are kept only while
    the round is open (partnerships.invitations)."""
    round_.assessment.accepts_answers = is_open
    round_.closed_at = None if is_open else utcnow()
    if not is_open:
        round_.invitations.clear()
    db.session.flush()


def join_round(round_: Round, group: str, organisation: str | None, lang: str,
               token: str | None = None) -> tuple[Respondent, str]:
    """A new respondent of the round, known only by its private token (new unless ``token`` is given);
    no personal data."""
    token = token or secrets.token_urlsafe(journey.TOKEN_BYTES)
    respondent = Respondent(assessment=round_.assessment, token_hash=journey.hash_token(token), lang=lang,
                            current_section=None)
    respondent.answers.append(Answer(item_id="respondent.group", value=group))
    if organisation:
        respondent.answers.append(Answer(item_id="respondent.organisation", value=organisation))
    db.session.add(respondent)
    db.session.flush()
    return respondent, token


def progress(round_: Round) -> dict[str, Any]:
    """Joined, in progress and submitted, per stakeholder group (counts only, never answers)."""
    rows = db.session.execute(
        select(Answer.value, Respondent.status)
        .join(Respondent, Answer.respondent_id == Respondent.id)
        .where(Respondent.assessment_id == round_.assessment_id, Answer.item_id == "respondent.group")
    ).all()
    counts = Counter((group, status) for group, status in rows)
    groups: list[dict[str, Any]] = []
    for group in item_bank.GROUPS:
        in_progress, submitted = counts[(group, "in_progress")], counts[(group, "submitted")]
        if in_progress or submitted:
            groups.append({"group": group, "joined": in_progress + submitted,
                           "in_progress": in_progress, "submitted": submitted})
    totals = {key: sum(g[key] for g in groups) for key in ("joined", "in_progress", "submitted")}
    return {"groups": groups, "totals": totals, "is_open": round_.is_open}
