"""The respondent a page names by its private token, and the questionnaire it answers: what every page
that serves a respondent (the journey, the report, joining a round) needs before it does anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from flask import abort, current_app, g
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from database import db
from questionnaire import journey
from questionnaire.content import Questionnaire
from questionnaire.models import Respondent

if TYPE_CHECKING:
    from authorisation.access import RespondentAccess


def questionnaires() -> dict[str, Questionnaire]:
    loaded: dict[str, Questionnaire] = current_app.extensions["rupa.questionnaires"]
    return loaded


def current_questionnaire() -> Questionnaire:
    return questionnaires()[current_app.config["QUESTIONNAIRE_VERSION"]]


def load_respondent(access: RespondentAccess) -> tuple[journey.RespondentView, Questionnaire]:
    """The respondent the access check found, and the questionnaire they answer; their language becomes
    the page's unless the request asks for another (web.i18n.select_locale)."""
    respondent = access.respondent
    g.respondent_lang = respondent.lang
    g.respondent = respondent  # for the banner of a vote open in the room (partnerships.vote_views)
    return respondent, questionnaires()[respondent.assessment.questionnaire_version]


def respondent_entity(respondent: journey.RespondentView) -> Respondent:
    """The ORM entity of a respondent the page has found, with its assessment, for the views that follow
    its relationships (its round, its partnership)."""
    entity = db.session.get(Respondent, respondent.id, options=[joinedload(Respondent.assessment)])
    if entity is None:  # deleted by its facilitator since the lookup
        abort(404)
    return entity


def locked() -> NoReturn:
    abort(409, description=_(
        "These answers have been submitted and can no longer be changed. Nothing was saved."))


def closed() -> NoReturn:
    abort(409, description=_(
        "This assessment round has been closed by its facilitator, so no more answers can be saved. "
        "Everything you saved before is kept."))


def refuse_if_closed(respondent: journey.RespondentView | Respondent) -> None:
    if not respondent.assessment.accepts_answers:
        closed()
