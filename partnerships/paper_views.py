"""Paper rounds: the printable blank questionnaire, typing in one paper form at a time, and uploading a
CSV/XLSX of paper answers. Every URL names a round of a partnership the facilitator runs."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import LazyString, force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from authorisation.access import RoundAccess, policy
from database import db, reads_first, write_transaction
from partnerships import imports
from partnerships.rounds import questionnaire_for
from questionnaire import item_bank, paper
from questionnaire.content import Item, Questionnaire, Section
from questionnaire.forms import clean_text
from reports import labels
from reports.downloads import download_name, requested_paper
from reports.pdf import PAPER_SIZES, ReportCache, render_pdf, static_path
from reports.service import layout_fingerprint, report_cache
from web.once import claim as once_claim
from web.once import once

bp = Blueprint("paper", __name__, url_prefix="/facilitator/p/<int:partnership_id>/rounds/<int:number>/paper")


def paper_sections(questionnaire: Questionnaire) -> list[tuple[Section, tuple[Item, ...]]]:
    """What each respondent answers on paper: every section's items except the partnership's profile
    and the respondent's group and organisation (asked first, on their own)."""
    sections = []
    for section in questionnaire.sections:
        items = tuple(item for item in section.items if not item.id.startswith(("profile.", "respondent.")))
        if items:
            sections.append((section, items))
    return sections


def _runs(items: tuple[Item, ...]) -> list[list[Item]]:
    """Consecutive items answered on the same boxes, printed as one grid under one header row."""
    runs: list[list[Item]] = []
    for item in items:
        shape = (item.type, item.scale, item.option_values)
        previous = runs[-1][0] if runs else None
        if previous and item.kind.widget != "textarea" and \
                (previous.type, previous.scale, previous.option_values) == shape:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


@bp.get("/questionnaire.pdf")
@policy("member")
def blank_questionnaire(partnership_id: int, number: int, access: RoundAccess):
    """The blank questionnaire to print: tick boxes with their codes, item ids in small print."""
    partnership, round_ = access.partnership, access.round
    size, lang = requested_paper(), str(get_locale())
    questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
    key = ReportCache.key("paper-questionnaire", questionnaire.version, lang, size, partnership.name,
                       str(round_.number), layout_fingerprint())
    cache = report_cache()
    pdf = cache.get(key)
    if pdf is None:
        with force_locale(lang):
            html = render_template(
                "reports/paper_questionnaire.html", partnership=partnership, round=round_, lang=lang,
                questionnaire=questionnaire, group=questionnaire.items["respondent.group"],
                organisation=questionnaire.items["respondent.organisation"],
                sections=[(section, _runs(items)) for section, items in paper_sections(questionnaire)],
                codes=paper.codes, paper=PAPER_SIZES[size],
                dont_know=questionnaire.dont_know[lang])
        pdf, _refused = render_pdf(html, static_path(), "paper-print.css")
        cache.put(key, pdf)
    filename = download_name(partnership.name, f"round-{round_.number}", "paper-questionnaire", lang, size,
                             suffix="pdf")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, max-age=0"})


class PaperEntryForm(FlaskForm):
    """One paper form: its reference, the respondent's group and organisation, then one code an item."""

    coded: tuple[Item, ...] = ()
    texts: tuple[Item, ...] = ()

    reference = StringField(_l("Form number"), validators=[
        InputRequired(message=_l("Write the number of the paper form, so that it is not entered twice.")),
        Length(max=imports.REFERENCE_MAX)], filters=[clean_text])
    group = StringField(_l("Kind of organisation (code)"), validators=[
        InputRequired(message=_l("Type the code of the kind of organisation ticked on the form."))])
    organisation = StringField(_l("Name of the organisation (optional)"), validators=[Optional(), Length(max=200)],
                               filters=[clean_text])

    def answers(self) -> dict:
        values = {item.id: paper.decode(item, self[item.id].data or "") for item in self.coded}
        values.update({item.id: self[item.id].data for item in self.texts})
        return {item_id: value for item_id, value in values.items() if value not in (None, "")}


def _code_validator(item: Item):
    allowed = ", ".join(code for code, _value in paper.codes(item))

    def validate(form, field: Field) -> None:
        if field.data and paper.decode(item, field.data) is None:
            raise ValidationError(_l("Type one of %(codes)s, or leave it empty.", codes=allowed))
    return validate


_entry_forms: dict[str, type[PaperEntryForm]] = {}


def entry_form_class(questionnaire: Questionnaire) -> type[PaperEntryForm]:
    """The entry form of a questionnaire version, built once."""
    if questionnaire.version not in _entry_forms:
        items = [item for _section, items in paper_sections(questionnaire) for item in items]
        attrs: dict = {"coded": tuple(i for i in items if paper.is_coded(i)),
                       "texts": tuple(i for i in items if i.kind.widget == "textarea")}
        for item in items:
            label = LazyString(lambda item=item: f"{item.text.get(str(get_locale()), item.text['en'])} ({item.id})")
            if paper.is_coded(item):
                attrs[item.id] = StringField(label, validators=[Optional(), _code_validator(item)],
                                             filters=[lambda v: v.strip() if v else v])
            else:
                attrs[item.id] = TextAreaField(label, validators=[Optional(), Length(max=item.max_length)],
                                               filters=[clean_text])
        group = questionnaire.items["respondent.group"]
        attrs["validate_group"] = staticmethod(lambda form, field: _code_validator(group)(form, field))
        _entry_forms[questionnaire.version] = type("PaperEntryForm_" + questionnaire.version.replace(".", "_"),
                                                   (PaperEntryForm,), attrs)
    return _entry_forms[questionnaire.version]


def _next_reference(taken: set[str]) -> str:
    number = 1
    while f"P-{number}" in taken:
        number += 1
    return f"P-{number}"


@bp.route("/enter", methods=["GET", "POST"])
@once
@policy("member")
def enter(partnership_id: int, number: int, access: RoundAccess):
    """Type in one paper form; on saving, the next blank form opens with the next form number."""
    partnership, round_ = access.partnership, access.round
    questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
    taken = imports.taken_references(round_.assessment)
    form = entry_form_class(questionnaire)()
    status = 200
    if not round_.is_open:
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        reference = form.reference.data
        group = paper.decode(questionnaire.items["respondent.group"], form.group.data)
        if reference in taken:
            form.reference.errors.append(_("Form %(reference)s is already entered in this round.",
                                           reference=reference))
        else:
            person = imports.PaperRespondent(reference, str(group), form.organisation.data or None, form.answers())
            try:
                imports.store(round_.assessment, [person], str(get_locale()))
                db.session.commit()
            except IntegrityError:  # the same form sent twice at once: the database keeps one
                db.session.rollback()
                form.reference.errors.append(_("Form %(reference)s is already entered in this round.",
                                               reference=reference))
            else:
                flash(ngettext("Form %(reference)s is saved with %(num)d answer. Type in the next form.",
                               "Form %(reference)s is saved with %(num)d answers. Type in the next form.",
                               len(person.answers), reference=reference))
                return redirect(url_for(".enter", partnership_id=partnership.id, number=number), 303)
    if request.method == "GET":
        form.reference.data = _next_reference(taken)
    if form.errors:
        status = 400
    group_item = questionnaire.items["respondent.group"]
    return render_template(
        "partnerships/paper_entry.html", partnership=partnership, round=round_, form=form,
        sections=paper_sections(questionnaire), codes=paper.codes, group_codes=paper.codes(group_item),
        group_names=labels.GROUPS, lang=str(get_locale()), entered=sum(1 for r in taken if not r.startswith("web-")),
        dont_know_code=paper.DONT_KNOW_CODE), status


def allow_uploads() -> None:
    """An app-wide before-request hook, registered before CSRF protection reads the form: uploads of
    paper answers may be larger than the request limit of every other page."""
    if request.endpoint == "paper.upload":
        request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"]


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or Excel file of paper answers"), validators=[
        FileRequired(message=_l("Choose the file to upload."))])


@bp.route("/upload", methods=["GET", "POST"])
@once  # above @reads_first: it records the submission in the view's own write transaction
@reads_first
@policy("member")
def upload(partnership_id: int, number: int, access: RoundAccess):
    """Upload paper answers in the export format: stored whole, or not at all with every fault listed."""
    partnership, round_ = access.partnership, access.round
    form = UploadForm()
    faults: list[imports.Fault] = []
    status = 200
    if not round_.is_open:
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        upload_file = form.file.data
        questionnaire = questionnaire_for(round_.assessment.questionnaire_version)
        try:
            header, table = imports.read_table(upload_file.filename or "", upload_file.read())
            people = imports.check_table(header, table, questionnaire, imports.taken_references(round_.assessment))
            with write_transaction():  # the checks above held no write lock; storing is one short write
                imports.store(round_.assessment, people, str(get_locale()))
                once_claim()  # a second click's identical upload fails here, and is sent where this one went
        except imports.ImportRejected as rejected:
            db.session.rollback()
            faults, status = rejected.faults, 422
        except IntegrityError:  # another upload of the same forms got in first
            db.session.rollback()
            faults, status = [imports.Fault(None, "respondent", _(
                "Some of these respondents were stored by another upload a moment ago. Nothing from this "
                "file was stored; upload it again to see which."))], 422
        else:
            flash(ngettext("%(num)d respondent from paper is added to round %(number)d.",
                           "%(num)d respondents from paper are added to round %(number)d.", len(people),
                           number=round_.number))
            return redirect(url_for("partnerships.dashboard", partnership_id=partnership.id, number=number), 303)
    if form.errors:
        status = 400
    return render_template("partnerships/paper_upload.html", partnership=partnership, round=round_, form=form,
                           faults=faults, max_rows=imports.MAX_ROWS, group_ids=", ".join(item_bank.GROUPS)), status
