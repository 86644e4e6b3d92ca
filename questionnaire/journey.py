"""The respondent journey as plain functions: start, find by token, save, check, submit.

They only flush; the view that calls them commits once.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from blinker import Namespace
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from database import db, rows_affected, utcnow
from questionnaire.content import Item, Questionnaire, Section, Value
from questionnaire.models import Answer, Assessment, Respondent

# Sent by the app once a respondent's answers are submitted and committed, with ``respondent`` (the ORM
# entity) and ``lang``: what other packages do then (the reports package renders the respondent's PDF
# ahead of time) is connected in create_app, so that the journey imports none of them.
response_submitted = Namespace().signal("rupa.response-submitted")

TOKEN_BYTES = 32  # 256 bits, well above the 128 the threat model asks for
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,100}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_assessment(questionnaire: Questionnaire, lang: str, token: str | None = None,
                     partnership_name: str | None = None) -> tuple[Respondent, str]:
    """Create an individual assessment with its one respondent; return it with the private token (a new
    one unless ``token`` is given: web/once.py derives it from the form for a repeat to find it)."""
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
    assessment = Assessment(questionnaire_version=questionnaire.version, partnership_name=partnership_name or None)
    respondent = Respondent(
        assessment=assessment,
        token_hash=hash_token(token),
        lang=lang,
        current_section=questionnaire.sections[0].id,
    )
    db.session.add(assessment)
    db.session.flush()
    return respondent, token


def looks_like_token(token: str) -> bool:
    """Tokens are URL-safe base64: anything else (NUL bytes, quotes, markup) is not worth a query."""
    return bool(TOKEN_SHAPE.fullmatch(token or ""))


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """What a respondent's pages need of their assessment."""

    id: int
    questionnaire_version: str
    is_group: bool
    accepts_answers: bool
    partnership_name: str | None = None  # a self-assessment's own, optional (a round's is its partnership's)


@dataclass(frozen=True, slots=True)
class RespondentView:
    """A respondent as every respondent page reads it: one Core row, not ORM entities (building the two
    entities, their identity-map entries and instance state was about a tenth of a questionnaire page's
    work). A view that follows the respondent's relationships loads the entity by its id."""

    id: int
    status: str
    current_section: str | None
    lang: str
    last_active_at: datetime
    assessment: AssessmentView

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"


# Every respondent page runs these two: built once, so a request only binds its parameter.
_RESPONDENT, _ASSESSMENT = Respondent.__table__.c, Assessment.__table__.c
_BY_TOKEN = (
    select(_RESPONDENT.id, _RESPONDENT.status, _RESPONDENT.current_section, _RESPONDENT.lang,
           _RESPONDENT.last_active_at, _ASSESSMENT.id, _ASSESSMENT.questionnaire_version, _ASSESSMENT.is_group,
           _ASSESSMENT.accepts_answers, _ASSESSMENT.partnership_name)
    .join_from(Respondent.__table__, Assessment.__table__, _RESPONDENT.assessment_id == _ASSESSMENT.id)
    .where(_RESPONDENT.token_hash == bindparam("token_hash"))
)
_ANSWERS = select(Answer.item_id, Answer.value).where(Answer.respondent_id == bindparam("respondent_id"))


def find_respondent(token: str, max_age_days: int) -> RespondentView | None:
    """The respondent behind a resume token, or None when it is unknown or has expired."""
    if not looks_like_token(token):
        return None
    row = db.session.connection().execute(_BY_TOKEN, {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    respondent = RespondentView(*row[:5], AssessmentView(row[5], row[6], row[7], row[8], row[9]))
    return None if respondent.last_active_at < utcnow() - timedelta(days=max_age_days) else respondent


def answers_of(respondent: RespondentView | Respondent) -> dict[str, Value]:
    # Plain rows on the session's connection: the ORM's statement handling adds nothing to two columns.
    return dict(db.session.connection().execute(_ANSWERS, {"respondent_id": respondent.id}).all())


def _upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (respondent, item) DO UPDATE for the dialect, built once."""
    if dialect not in _UPSERTS:
        table = cast(Table, Answer.__table__)
        insert: dict[str, Callable[[Table], Any]] = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
        statement = insert[dialect](table)
        _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=["respondent_id", "item_id"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at})
    return _UPSERTS[dialect]


_UPSERTS: dict[str, Any] = {}
_MOVE = (
    cast(Table, Respondent.__table__).update()
    .where(Respondent.id == bindparam("respondent_id"), Respondent.status == "in_progress",
           Respondent.assessment_id.in_(select(Assessment.id).where(Assessment.accepts_answers.is_(True))))
    .values(lang=bindparam("lang"), last_active_at=bindparam("now"), current_section=bindparam("section"))
)


def save_page(respondent_id: int, answers: Mapping[str, Value | None], lang: str, current_section: str) -> bool:
    """Store a page of answers and where the respondent is; None (or an empty value) removes a previous
    answer. False, with nothing stored, when the response was submitted or its round closed meanwhile.

    Core statements on ids, built once, without the ORM: on SQLite this runs under the write lock, so
    it is kept short. The answers are an upsert, so that two saves of the same page racing each other
    (a double click on two PostgreSQL connections) both succeed instead of one hitting the unique
    constraint.
    """
    now = utcnow()
    connection = db.session.connection()
    moved = connection.execute(_MOVE, {"respondent_id": respondent_id, "lang": lang, "now": now,
                                       "section": current_section})
    if moved.rowcount != 1:
        return False
    kept = [{"respondent_id": respondent_id, "item_id": item_id, "value": value, "updated_at": now}
            for item_id, value in answers.items() if value not in (None, "", [])]
    cleared = [item_id for item_id, value in answers.items() if value in (None, "", [])]
    if cleared:
        connection.execute(
            delete(Answer).where(Answer.respondent_id == respondent_id, Answer.item_id.in_(cleared))
        )
    if kept:
        connection.execute(_upsert(connection.dialect.name), kept)
    return True


BASE_FIELD = "_base"  # the answers a page showed when it was drawn (JSON), sent back with the page


def page_base(items: tuple[Item, ...], answers: Mapping[str, Value]) -> str:
    """What a page shows of the stored answers, as the hidden field its form sends back."""
    return json.dumps({item.id: answers[item.id] for item in items if answers.get(item.id) not in (None, "", [])},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def read_base(text: str | None) -> dict[str, Value] | None:
    """A page's base field as sent; None when it is missing or not what a page writes (a hand-made POST,
    a tampered field)."""
    try:
        base = json.loads(text) if text else None
    except ValueError:
        return None
    return base if isinstance(base, dict) else None


def shown_after(base: Mapping[str, Value] | None, changes: Mapping[str, Value | None]) -> dict[str, Value]:
    """What a page stands for once ``changes`` are saved from it: ``base`` (what it showed) with them."""
    shown = dict(base or {})
    for item_id, value in changes.items():
        if value in (None, "", []):
            shown.pop(item_id, None)
        else:
            shown[item_id] = value
    return shown


def changed_answers(items: tuple[Item, ...], posted: Mapping[str, Value | None],
                    base: Mapping[str, Value] | None) -> dict[str, Value | None]:
    """Of a posted page, what this page changed: a page drawn before the respondent's last save (another
    tab, another device) must not undo that save with the answers it showed.

    An item is written when its posted answer differs from what the page showed; an item the page showed
    unanswered and that comes back unanswered is left as stored. Removing an answer needs the person to
    have removed it: a text emptied or every box of a multiple choice unticked (a radio button cannot be
    unticked, so an absent one never removes anything). Without a base (a hand-made POST), nothing absent
    is removed."""
    changes: dict[str, Value | None] = {}
    for item in items:
        mine = posted.get(item.id)
        empty = mine in (None, "", [])
        if base is None:
            if not empty:
                changes[item.id] = mine
            continue
        shown = base.get(item.id)
        if empty:
            if shown not in (None, "", []) and item.kind.emptied_by_the_page:
                changes[item.id] = None
        elif mine is not None and not _same(mine, shown):
            changes[item.id] = mine
    return changes


def _same(answer: Value, shown: Value | None) -> bool:
    if isinstance(answer, list) and isinstance(shown, list):  # the boxes ticked, in whatever order
        return sorted(map(str, answer)) == sorted(map(str, shown))
    return answer == shown


_every_asked: dict[tuple[int, bool], tuple[Questionnaire, tuple[Item, ...]]] = {}


def questions_answered(questionnaire: Questionnaire, assessment: Assessment | AssessmentView,
                       answers: Mapping[str, Value]) -> tuple[int, int]:
    """How many of the questions this respondent is asked, on every page, have an answer; and how many
    they are asked (the progress bar counts questions, not pages: one page holds far more than another)."""
    key = (id(questionnaire), assessment.is_group)  # this very questionnaire: another app may load other content
    kept = _every_asked.get(key)
    if kept is None or kept[0] is not questionnaire:
        kept = _every_asked[key] = (questionnaire, tuple(item for section in questionnaire.sections
                                                         for item in asked_items(section, assessment)))
    asked = kept[1]
    return sum(1 for item in asked if answers.get(item.id) not in (None, "", [])), len(asked)


def asked_items(section: Section, assessment: Assessment | AssessmentView) -> tuple[Item, ...]:
    """The items a respondent of this assessment answers on a section's page: a round's respondents
    share their partnership's profile, and gave their group and organisation when they joined, so they
    are asked neither again."""
    if assessment.is_group:
        return tuple(item for item in section.items if not item.id.startswith(("profile.", "respondent.")))
    return section.items


_pages: dict[tuple[str, bool], tuple[Section, ...]] = {}


def pages(questionnaire: Questionnaire, assessment: Assessment | AssessmentView) -> tuple[Section, ...]:
    """The sections this respondent is shown, in order: those that ask them something (a round's
    respondents skip the profile page, all of whose questions they answered on joining)."""
    key = (questionnaire.version, assessment.is_group)
    if key not in _pages:
        _pages[key] = tuple(section for section in questionnaire.sections if asked_items(section, assessment))
    return _pages[key]


def page_after(questionnaire: Questionnaire, assessment: Assessment | AssessmentView,
               section_id: str, step: int) -> str | None:
    """The id of the page shown ``step`` (1 or -1) after or before ``section_id``; None past either end."""
    position = questionnaire.section_index(section_id)
    shown = [section for section in pages(questionnaire, assessment)
             if (questionnaire.section_index(section.id) - position) * step > 0]
    if not shown:
        return None
    return (shown[0] if step > 0 else shown[-1]).id


def missing_required(questionnaire: Questionnaire, answers: Mapping[str, Value],
                     assessment: Assessment | AssessmentView | None = None) -> list[Item]:
    """Required items without an answer ("Don't know" counts as an answer), in questionnaire order."""
    return [
        item
        for section in questionnaire.sections
        for item in (asked_items(section, assessment) if assessment is not None else section.items)
        if item.required and answers.get(item.id) in (None, "", [])
    ]


def submit(respondent_id: int) -> bool:
    """Lock the response. False when it was already submitted (a second click changes nothing)."""
    now = utcnow()
    return rows_affected(
        update(Respondent)
        .where(Respondent.id == respondent_id, Respondent.status == "in_progress")
        .values(status="submitted", submitted_at=now, last_active_at=now)
        .execution_options(synchronize_session=False)
    ) == 1


def respondent_exists(token: str) -> bool:
    found = db.session.execute(select(Respondent.id).where(Respondent.token_hash == hash_token(token))).first()
    return found is not None
