"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from questionnaire.forms import clean_text

MIN_PASSWORD = 10


def strip(value: str | None) -> str | None:
    """Surrounding spaces and control characters (a NUL byte would break PostgreSQL) are dropped."""
    return clean_text(value) if value else value


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class SignUpForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[
        InputRequired(), Length(max=254), Email(message=_l("Enter an email address like name@example.org."))],
        filters=[strip])
    password = PasswordField(_l("Password"), validators=[
        InputRequired(), Length(min=MIN_PASSWORD, max=200,
                                message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[
        InputRequired(), Length(min=MIN_PASSWORD, max=200,
                                message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("What is this token for?"), validators=[
        DataRequired(message=_l("Give the token a name, such as the dashboard that will use it.")),
        Length(max=100)], filters=[strip])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[InputRequired(), Length(max=200)])
