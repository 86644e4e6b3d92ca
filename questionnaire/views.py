"""The respondent journey: start, one page a section, review, submit. No account needed.

Every POST saves the page's answers before anything else; the respondent is known only by the
private token in the URL, and the database keeps just its hash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from authorisation.access import RespondentAccess, policy
from database import db, reads_first, write_transaction
from extensions import limiter
from questionnaire import journey
from questionnaire.content import Item, Questionnaire, Section
from questionnaire.forms import StartForm, from_value, section_form_class
from questionnaire.models import Respondent
from questionnaire.respondents import (
    closed,
    current_questionnaire,
    load_respondent,
    locked,
    refuse_if_closed,
    respondent_entity,
)
from web.i18n import switch_language_to
from web.once import derived_token

bp = Blueprint("questionnaire", __name__)

# "Save" sent by the page's script as answers are given (static/js/rupa.js): the page stays, the reply
# is JSON.
AUTOSAVE = "autosave"
SWITCH = "switch-language"
REVIEW = "review"
# A section opened from the review page's list of what is missing: marked, and "Save" leads back there.
FROM_REVIEW_CHECKED: dict[str, Any] = {"from": REVIEW, "check": 1}


@bp.post("/start")
@limiter.limit(lambda: current_app.config["START_RATE_LIMIT"])
@policy("public")
def start() -> ResponseReturnValue:
    """A second click on "Start" (or two at once) opens the same assessment: its token comes from the form."""
    form = StartForm()
    if not form.validate():
        return render_template("pages/home.html", form=form), 422
    token = derived_token("respondent", journey.TOKEN_BYTES)
    if token is not None and journey.respondent_exists(token):
        return redirect(url_for(".welcome", token=token), 303)
    try:
        _respondent, token = journey.start_assessment(current_questionnaire(), str(get_locale()), token,
                                                      form.partnership.data)
        db.session.commit()
    except IntegrityError:  # the twin of this click made it first
        db.session.rollback()
    return redirect(url_for(".welcome", token=token), 303)


@bp.get("/r/<token>")
@policy("respondent")
def resume(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    if respondent.is_submitted:
        return redirect(url_for("reports.done", token=token))
    if respondent.current_section == REVIEW:
        return redirect(url_for(".review", token=token))
    first = journey.pages(questionnaire, respondent.assessment)[0].id
    section_id = respondent.current_section or first
    if questionnaire.section(section_id) is None:
        section_id = first
    return redirect(url_for(".section", token=token, section_id=section_id))


@bp.get("/r/<token>/welcome")
@policy("respondent")
def welcome(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    if respondent.is_submitted:  # an old bookmark: the answers are in, the results are what is left
        return redirect(url_for("reports.done", token=token))
    return render_template(
        "questionnaire/welcome.html", token=token, questionnaire=questionnaire,
        first_section=journey.pages(questionnaire, respondent.assessment)[0].id,
    )


@bp.get("/r/<token>/saved")
@policy("respondent")
def saved(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, _questionnaire = load_respondent(access)
    if respondent.is_submitted:
        return redirect(url_for("reports.done", token=token))
    return render_template("questionnaire/saved.html", token=token)


@bp.route("/r/<token>/s/<section_id>", methods=["GET", "POST"])
@reads_first
@policy("respondent")
def section(token: str, section_id: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    section = questionnaire.section(section_id)
    if section is None:
        abort(404)
    items = journey.asked_items(section, respondent.assessment)
    following = journey.page_after(questionnaire, respondent.assessment, section_id, 1)
    previous = journey.page_after(questionnaire, respondent.assessment, section_id, -1)

    if request.method == "GET":
        if respondent.is_submitted:
            return redirect(url_for("reports.done", token=token))
        if not items:  # a page that asks this respondent nothing (a bookmark, an old link): the next one
            return redirect(url_for(".section", token=token, section_id=following) if following
                            else url_for(".review", token=token))
        answers = journey.answers_of(respondent)
        data = {item.id: from_value(item, answers.get(item.id)) for item in items}
        missing = []
        if request.args.get("check"):
            missing = [item for item in journey.missing_required(questionnaire, answers, respondent.assessment)
                       if item in items]
        return render_section(token, questionnaire, section, items, data, {}, missing, respondent,
                              journey.page_base(items, answers), answers, returning=request.args.get("from") == REVIEW)

    if respondent.is_submitted:
        locked()
    refuse_if_closed(respondent)
    form = section_form_class(questionnaire, section_id, items)()
    base = journey.read_base(request.form.get(journey.BASE_FIELD))
    action = request.form.get("action", "next")
    switch_to = request.form.get("switch_language")
    if switch_to in current_app.config["LANGUAGES"]:
        action = SWITCH  # a language button of the page's header: save, then the same page in that language
    if not form.validate():
        if action == AUTOSAVE:
            return jsonify(saved=False), 400  # the marked answers are shown when the page itself is sent
        shown = request.form[journey.BASE_FIELD] if base is not None else journey.page_base(
            items, journey.answers_of(respondent))  # what this page showed, carried to its next send
        return render_section(token, questionnaire, section, items, {item.id: form[item.id].data for item in items},
                              form.errors, [], respondent, shown, journey.answers_of(respondent),
                              returning=request.form.get("from") == REVIEW), 400
    if action == "next" and request.form.get("from") == REVIEW:
        target = REVIEW  # came from "Change" on the review page (or its list of what is missing): back there
    elif action == "back" and previous is not None:
        target = previous
    elif action in ("back", "later", AUTOSAVE, SWITCH):
        target = section_id
    elif following is not None:
        target = following
    else:
        target = REVIEW
    respondent_id = respondent.id
    with write_transaction():  # a submit or a close that came in between wins
        # Only what this page changed: a page drawn before a save made elsewhere does not undo it.
        changes = journey.changed_answers(items, form.answers(), base)
        lang = switch_to if action == SWITCH and switch_to else str(get_locale())
        if not journey.save_page(respondent_id, changes, lang, target):
            status = db.session.scalar(select(Respondent.status).where(Respondent.id == respondent_id))
            if status is None:
                abort(404)  # deleted by its facilitator meanwhile
            if status == "submitted":
                locked()
            closed()
    if action == AUTOSAVE:
        # What the page now stands for: what it showed, with what this save wrote. Not the stored answers
        # as a whole: another tab's newer answer, which this page still shows as it was, must stay.
        answered, _questions = journey.questions_answered(questionnaire, respondent.assessment,
                                                          journey.answers_of(respondent))
        return jsonify(saved=True, base=journey.page_base(items, journey.shown_after(base, changes)),
                       answered=answered)
    if action == "later":
        return redirect(url_for(".saved", token=token), 303)
    if action == SWITCH:
        back: dict[str, Any] = {"from": REVIEW} if request.form.get("from") == REVIEW else {}
        return redirect(url_for(".section", token=token, section_id=section_id, lang=switch_to, **back), 303)
    if target == REVIEW:
        return redirect(url_for(".review", token=token), 303)
    return redirect(url_for(".section", token=token, section_id=target), 303)


def render_section(token: str, questionnaire: Questionnaire, section: Section, items: tuple[Item, ...],
                   data: dict[str, Any], form_errors: Mapping[str, Sequence[str]], missing: Iterable[Item],
                   respondent: journey.RespondentView, base: str, stored: Mapping[str, Any],
                   returning: bool = False) -> str:
    """The page of a section: ``data`` holds each item's value as the form shows it (the stored answer on
    a GET, what was posted after a fault), ``form_errors`` the form's faults, ``base`` the stored answers
    the page stands for (journey.changed_answers); ``returning``: opened from the review page, to which
    "Save" leads back."""
    errors = {item_id: messages[0] for item_id, messages in form_errors.items() if item_id != "csrf_token"}
    for item in missing:
        errors.setdefault(item.id, _("Please answer this question, or choose “Don't know”.")
                          if item.allows_dont_know else _("Please answer this question."))
    shown = journey.pages(questionnaire, respondent.assessment)
    index = next(number for number, page in enumerate(shown) if page.id == section.id)
    lang = str(get_locale())
    answered, questions = journey.questions_answered(questionnaire, respondent.assessment, stored)
    error_entries = [
        {"href": f"#f-{item.id}", "label": item.text[lang], "message": errors[item.id]}
        for item in items if item.id in errors
    ]
    return render_template(
        "questionnaire/section.html",
        error_entries=error_entries,
        items=items,
        is_closed=not respondent.assessment.accepts_answers,
        token=token,
        questionnaire=questionnaire,
        section=section,
        data=data,
        errors=errors,
        base=base,
        base_field=journey.BASE_FIELD,
        number=index + 1,
        total=len(shown),
        answered=answered,
        answered_html=Markup('<span data-answered="">%d</span>') % answered,  # the page's script updates it
        questions=questions,
        is_first=index == 0,
        is_last=index + 1 == len(shown),
        returning=returning,
        lang=lang,
        partnership=respondent.assessment.partnership_name or _("your partnership"),
    )


@bp.get("/r/<token>/review")
@policy("respondent")
def review(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    if respondent.is_submitted:
        return redirect(url_for("reports.done", token=token))
    return render_review(token, respondent, questionnaire, show_missing=False)


def render_review(token: str, respondent: journey.RespondentView, questionnaire: Questionnaire,
                  show_missing: bool) -> str:
    answers = journey.answers_of(respondent)
    missing = journey.missing_required(questionnaire, answers, respondent.assessment) if show_missing else []
    lang = str(get_locale())
    # What is missing, a line per page (not a link per question): how many, and a link to the first.
    by_page: dict[str, list[Item]] = {}
    for item in missing:
        by_page.setdefault(questionnaire.section_of(item.id).id, []).append(item)
    error_entries = [
        {
            "href": url_for(".section", token=token, section_id=section_id, _anchor=f"f-{items[0].id}",
                            **FROM_REVIEW_CHECKED),
            "label": questionnaire.section_of(items[0].id).title[lang],
            "message": ngettext("%(num)d question not answered", "%(num)d questions not answered", len(items)),
        }
        for section_id, items in by_page.items()
    ]
    missing_count = (ngettext("%(num)d answer is missing.", "%(num)d answers are missing.", len(missing))
                     if missing else None)
    return render_template(
        "questionnaire/review.html",
        token=token,
        questionnaire=questionnaire,
        sections=[(section, journey.asked_items(section, respondent.assessment))
                  for section in journey.pages(questionnaire, respondent.assessment)],
        is_closed=not respondent.assessment.accepts_answers,
        answers=answers,
        missing_ids={item.id for item in missing},
        error_entries=error_entries,
        missing_count=missing_count,
        lang=lang,
    )


@bp.post("/r/<token>/submit")
@policy("respondent")
def submit(token: str, access: RespondentAccess) -> ResponseReturnValue:
    respondent, questionnaire = load_respondent(access)
    if respondent.is_submitted:
        # A second click on Submit: the first one locked the answers, nothing more to do.
        return redirect(url_for("reports.done", token=token), 303)
    refuse_if_closed(respondent)
    if journey.missing_required(questionnaire, journey.answers_of(respondent), respondent.assessment):
        switch_language_to("questionnaire.review", token=token)
        return render_review(token, respondent, questionnaire, show_missing=True), 422
    journey.submit(respondent.id)
    db.session.commit()
    # The reports package renders their PDF at low priority, so that it is ready when they ask for it.
    journey.response_submitted.send(current_app._get_current_object(),  # type: ignore[attr-defined]
                                    respondent=respondent_entity(respondent), lang=str(get_locale()))
    return redirect(url_for("reports.done", token=token), 303)
