"""Forms of the facilitator's and the joining respondent's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from partnerships.models import ActionStatus
from questionnaire import item_bank
from questionnaire.forms import ItemRadioField as RadioField
from questionnaire.forms import clean_text
from scoring.dimensions import SCORED_BANDS

REGION_TYPE_CHOICES = ["", *item_bank.REGION_TYPES, "other"]


def _choices(values) -> list[SelectChoice]:
    return [SelectChoice(value=value, label=value) for value in values]


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name of the partnership"), validators=[DataRequired(), Length(max=200)],
                       filters=[clean_text])
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=200)], filters=[clean_text])
    region_type = RadioField(_l("Which description fits the area best?"), choices=_choices(REGION_TYPE_CHOICES),
                             validators=[Optional()])


class RenameForm(FlaskForm):
    name = StringField(_l("Name of the partnership"), validators=[DataRequired(), Length(max=200)],
                       filters=[clean_text])
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=200)], filters=[clean_text])


class CoFacilitatorForm(FlaskForm):
    email = EmailField(_l("Email address of the co-facilitator's account"),
                       validators=[InputRequired(), Length(max=254), Email()])


class JoinCodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(), Length(max=20)])


class JoinForm(FlaskForm):
    group = RadioField(_l("Which kind of organisation do you speak for?"), choices=_choices(item_bank.GROUPS),
                       validators=[InputRequired(message=_l("Please choose the kind of organisation you speak for."))])
    organisation = StringField(_l("Name of your organisation (optional)"),
                               validators=[Optional(), Length(max=200)], filters=[clean_text])


class ConsensusForm(FlaskForm):
    agreed_band = RadioField(_l("Agreed rating"), choices=_choices(SCORED_BANDS),
                             validators=[InputRequired(message=_l("Choose the rating the group agreed on."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)], filters=[clean_text])
    dissent_group = RadioField(_l("Which stakeholder group disagreed? (optional)"),
                               choices=_choices(["", *item_bank.GROUPS]), validators=[Optional()])
    dissent_reason = TextAreaField(_l("Why they disagreed (optional)"), validators=[Optional(), Length(max=2000)],
                                   filters=[clean_text])


class ActionForm(FlaskForm):
    text = TextAreaField(_l("Action"), validators=[DataRequired(), Length(max=1000)], filters=[clean_text])
    owner = StringField(_l("Owner (an organisation or a role, not a person)"),
                        validators=[Optional(), Length(max=200)], filters=[clean_text])
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])
    status = RadioField(_l("Status"), choices=_choices(tuple(ActionStatus)),
                        default=ActionStatus.PLANNED.value, validators=[InputRequired()])
    recommendation_id = HiddenField(_l("Recommendation"), validators=[Optional(), Length(max=80)])


class InvitationForm(FlaskForm):
    addresses = TextAreaField(
        _l("Email addresses, one a line"),
        description=_l("Optionally follow an address with a comma and its stakeholder group, for example "
                       "“mayor@village.example, Rural public bodies”. Each address gets its own link."),
        validators=[DataRequired(message=_l("Paste at least one email address.")), Length(max=100_000)])
    lang = RadioField(_l("Language of the invitations"), validators=[InputRequired()])


class ClosingDateForm(FlaskForm):
    closes_on = DateField(_l("Closing date (optional)"),
                          description=_l("The round closes itself after this day; those invited who have not "
                                         "submitted get a reminder the day before."),
                          validators=[Optional()])
