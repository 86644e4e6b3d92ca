"""Partnerships, who facilitates them, and their assessment rounds."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, ForeignKey, String, Table, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from accounts.models import Facilitator
from database import Model, UTCDateTime, one_of, utcnow
from questionnaire.models import Assessment
from scoring.dimensions import SCORED_BANDS


class Role(StrEnum):
    OWNER = "owner"
    CO_FACILITATOR = "co_facilitator"


class Partnership(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    region_type: Mapped[str | None] = mapped_column(String(50))
    # profile.* answers (docs/assessment-model.md §6), answered once by the facilitator for every round.
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", passive_deletes=True)
    rounds: Mapped[list[Round]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", passive_deletes=True, order_by="Round.number")


class Membership(Model):
    """A facilitator's access to a partnership: its owner, or a co-facilitator the owner invited."""

    __table_args__ = (
        UniqueConstraint("partnership_id", "facilitator_id"),
        one_of("role", Role, name="valid_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"))
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="memberships")
    facilitator: Mapped[Facilitator] = relationship()


class Round(Model):
    """One wave of a partnership's assessment, on a fixed questionnaire version."""

    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"))
    number: Mapped[int]
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), unique=True)
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    invite_token: Mapped[str] = mapped_column(String(64), unique=True)
    is_published: Mapped[bool] = mapped_column(default=False)
    # Where the workshop's projector view stands ("join", a dimension id, or "end"): a reload returns here.
    workshop_step: Mapped[str] = mapped_column(String(60), default="join")
    # Bumped in the same transaction as every change to the round's consensus or actions (the ORM's
    # before_flush hook below, and the purge's bulk updates): the group report's body is cached under it,
    # so that a results page seen before reads neither table.
    workshop_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The round closes itself once this day has passed (partnerships.invitations.run_due), and the
    # invited who have not submitted get a reminder the day before (sent once: closing_reminder_at).
    closes_on: Mapped[date | None]
    closing_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the facilitator's pages were served from (behind the proxy) when invitations were last sent:
    # the links of a reminder sent by the hourly check, outside any request, start with it.
    link_base: Mapped[str | None] = mapped_column(String(300))

    partnership: Mapped[Partnership] = relationship(back_populates="rounds")
    assessment: Mapped[Assessment] = relationship(
        backref=backref("round", uselist=False), cascade="all, delete-orphan", single_parent=True)

    consensus: Mapped[list[Consensus]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    votes: Mapped[list[Vote]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    invitations: Mapped[list[Invitation]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                         order_by="Invitation.id")
    actions: Mapped[list[Action]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                 order_by="Action.id")

    @property
    def is_open(self) -> bool:
        return self.assessment.accepts_answers


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Consensus(Model):
    """The group's agreed rating of one dimension in a workshop, beside the computed band."""

    __table_args__ = (
        UniqueConstraint("round_id", "dimension"),
        one_of("agreed_band", SCORED_BANDS, name="valid_band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(60))
    agreed_band: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(2000))
    dissent_group: Mapped[str | None] = mapped_column(String(30))
    dissent_reason: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Action(Model):
    """One line of a round's action plan: what, who (an organisation or a role), by when, how far."""

    __table_args__ = (
        one_of("status", ActionStatus, name="valid_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(1000))
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="planned")
    # The round whose plan this action was carried over from, for review in this one (None: new here).
    carried_from: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

class VoteState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Vote(Model):
    """The room's vote on one dimension in a workshop: where do we stand? One per dimension and round;
    its results stay hidden until the facilitator reveals them."""

    __table_args__ = (
        UniqueConstraint("round_id", "dimension"),
        one_of("state", VoteState, name="valid_vote_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(10), default=VoteState.OPEN.value)
    revealed: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ballots: Mapped[list[Ballot]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_open(self) -> bool:
        return self.state == VoteState.OPEN


class Ballot(Model):
    """One participant's vote: a respondent of the round (no account), changeable while the vote is open.
    The group is kept beside it so that a breakdown by group follows the anonymity rule; deleting the
    respondent deletes their ballots."""

    __table_args__ = (
        UniqueConstraint("vote_id", "respondent_id"),
        one_of("band", SCORED_BANDS, name="valid_ballot_band"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"), index=True)
    group: Mapped[str] = mapped_column(String(30))
    band: Mapped[str] = mapped_column(String(20))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Invitation(Model):
    """One email address invited to an open round, with the stakeholder group the facilitator gave (if
    any). Personal data: kept only while the round is open (closing deletes every row), never exported.
    The personal link's token is derived from ``nonce`` and the app's secret, so that a reminder can carry
    the same link while the database alone holds no working link; ``token_hash`` finds the respondent who
    followed it."""

    __table_args__ = (UniqueConstraint("round_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    group: Mapped[str | None] = mapped_column(String(30))
    lang: Mapped[str] = mapped_column(String(5))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommentStatus(StrEnum):
    APPROVED = "approved"
    HIDDEN = "hidden"


class CommentReview(Model):
    """The facilitator's decision on one open answer of the round: approved (shown to the group, without a
    name) or hidden. An answer without a review is shown nowhere."""

    __table_args__ = (
        UniqueConstraint("respondent_id", "item_id"),
        one_of("status", CommentStatus, name="valid_comment_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def bump_workshop_revisions(connection, round_ids) -> None:
    """Mark a change to these rounds' consensus or actions, in the transaction that makes it: one UPDATE
    that adds one, so that two facilitators recording at once both count."""
    round_ids = sorted({round_id for round_id in round_ids if round_id is not None})
    if round_ids:
        table = cast(Table, Round.__table__)
        connection.execute(table.update().where(table.c.id.in_(round_ids))
                           .values(workshop_revision=table.c.workshop_revision + 1))


@event.listens_for(Session, "after_flush")
def _workshop_changed(session, _flush_context) -> None:
    """Every consensus or action the ORM just inserted, changed or deleted bumps its round's revision (after
    the flush, so that a row added through ``round.actions`` has its round id)."""
    kinds = (Consensus, Action, CommentReview, Vote)
    changed = [obj for obj in (*session.new, *session.deleted) if isinstance(obj, kinds)]
    changed += [obj for obj in session.dirty if isinstance(obj, kinds) and session.is_modified(obj)]
    bump_workshop_revisions(session.connection(), (obj.round_id for obj in changed))
