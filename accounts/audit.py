"""Who did what: the actions that disclose or destroy a partnership's data (exports, publishing, deletions,
the retention purge, who may facilitate, API tokens), kept in the database with who and when, shown to
the partnership's owner, and purged with the retention period like everything else."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from database import Model, UTCDateTime, db, rows_affected, utcnow

# Each action and how the owner reads it (``detail`` fills the placeholders).
ACTIONS = {
    "export": _l("Exported round %(round)s as %(format)s"),
    "export_all": _l("Exported all the partnership's data"),
    "publish": _l("Published the results of round %(round)s to its respondents"),
    "unpublish": _l("Withdrew the published results of round %(round)s"),
    "delete_partnership": _l("Deleted the partnership %(name)s"),
    "rename": _l("Renamed the partnership from %(before)s to %(after)s"),
    "delete_round": _l("Deleted round %(round)s and its answers"),
    "delete_respondent": _l("Deleted a respondent of round %(round)s and their answers"),
    "purge": _l("Retention purge: removed the free text of round %(round)s"),
    "add_co_facilitator": _l("Gave %(email)s access as co-facilitator"),
    "remove_co_facilitator": _l("Removed %(email)s as co-facilitator"),
    "transfer": _l("%(email)s deleted their account and handed the partnership over to %(owner)s"),
    "create_token": _l("Created the API token “%(name)s”"),
    "revoke_token": _l("Revoked the API token “%(name)s”"),
}
SYSTEM = "system"


class AuditEntry(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Kept when the partnership or the account goes (the entry of that deletion is the point).
    partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(254))  # the email address at the time, or "system"
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(action: str, partnership_id: int | None = None, by=None, **detail: Any) -> None:
    """Note an action of ``by`` (a facilitator; the signed-in one by default, the system outside a
    request) in the current transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if by is None and has_request_context() and current_user.is_authenticated:
        by = current_user
    db.session.add(AuditEntry(partnership_id=partnership_id, action=action, detail=detail,
                              facilitator_id=by.id if by is not None else None,
                              actor=by.email if by is not None else SYSTEM))


def record_now(action: str, partnership_id: int | None = None, by=None, **detail: Any) -> None:
    """Note an action of a reading request (an export) at once, on a connection of its own: the request's
    session, and the objects a streamed body still reads, stay as they are."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if by is None and has_request_context() and current_user.is_authenticated:
        by = current_user
    values = {"partnership_id": partnership_id, "action": action, "detail": detail, "at": utcnow(),
              "facilitator_id": by.id if by is not None else None, "actor": by.email if by is not None else SYSTEM}
    g.writing = True  # SQLite: a writer's transaction, queued for the lock
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEntry).values(**values))
    finally:
        g.writing = False


def entries(partnership_id: int | None = None, facilitator_id: int | None = None, limit: int = 200) -> list[dict]:
    """The latest entries of a partnership (or of one facilitator's own account actions), as sentences."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if partnership_id is not None:
        query = query.where(AuditEntry.partnership_id == partnership_id)
    else:
        query = query.where(AuditEntry.facilitator_id == facilitator_id, AuditEntry.partnership_id.is_(None))
    return [{"at": entry.at, "actor": entry.actor, "action": entry.action,
             "text": ACTIONS[entry.action] % {k: str(v) for k, v in (entry.detail or {}).items()}}
            for entry in db.session.execute(query).scalars()]


def forget_older_than(days: int) -> int:
    return rows_affected(delete(AuditEntry).where(AuditEntry.at < utcnow() - timedelta(days=days)))
