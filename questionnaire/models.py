"""What a respondent's journey stores: an assessment, its respondents and their answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from partnerships.models import Round

from database import Model, UTCDateTime, one_of, utcnow


class RespondentStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Source(StrEnum):
    """How answers arrived: through the web journey, or typed in / uploaded by a facilitator from paper forms."""

    ONLINE = "online"
    PAPER = "paper"


def respondent_label(respondent_id: int, reference: str | None) -> str:
    """How exports (and the imports that read them back) name a respondent: its paper form's reference,
    or ``web-<id>`` for answers given online."""
    return reference or f"web-{respondent_id}"


class Assessment(Model):
    """One self-assessment, answered on one fixed questionnaire version."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    partnership_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A group assessment (a partnership's round): its profile is the partnership's, not asked again.
    is_group: Mapped[bool] = mapped_column(default=False)
    # Closing a round stops new answers; what respondents saved stays.
    accepts_answers: Mapped[bool] = mapped_column(default=True)

    respondents: Mapped[list[Respondent]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", passive_deletes=True
    )
    if TYPE_CHECKING:
        round: Round | None  # a group assessment's round: the backref of Round.assessment


class Respondent(Model):
    """A person answering, known only by the hash of their private resume token."""

    __table_args__ = (
        one_of("status", RespondentStatus, name="valid_status"),
        CheckConstraint(
            "(status = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"
        ),
        one_of("source", Source, name="valid_source"),
        # A paper form's number (or an imported row's respondent reference) names one respondent of a round.
        UniqueConstraint("assessment_id", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    current_section: Mapped[str | None] = mapped_column(String(50))
    lang: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(10), default="online", server_default="online")
    reference: Mapped[str | None] = mapped_column(String(40))

    assessment: Mapped[Assessment] = relationship(back_populates="respondents")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="respondent", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"



class Answer(Model):
    """One item's answer: an integer, an option id, a list of option ids or free text (JSON)."""

    __table_args__ = (UniqueConstraint("respondent_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondent.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    respondent: Mapped[Respondent] = relationship(back_populates="answers")
