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


def email_address() -> EmailField:
    return EmailField(_l("Email address"), validators=[
        InputRequired(), Length(max=254), Email(message=_l("Enter an email address like name@example.org."))],
        filters=[strip])


def new_password(label: str) -> PasswordField:
    return PasswordField(label, validators=[
        InputRequired(), Length(min=MIN_PASSWORD, max=200,
                                message=_l("Use at least %(min)d characters.", min=MIN_PASSWORD))])


def repeated(label: str) -> PasswordField:
    return PasswordField(label, validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords are not the same."))])


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[InputRequired(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class SignUpForm(FlaskForm):
    email = email_address()
    password = new_password(_l("Password"))
    confirm = repeated(_l("Repeat the password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=200)])
    password = new_password(_l("New password"))
    confirm = repeated(_l("Repeat the new password"))


class ForgotPasswordForm(FlaskForm):
    email = email_address()


class ResetPasswordForm(FlaskForm):
    password = new_password(_l("New password"))
    confirm = repeated(_l("Repeat the new password"))


class ApiTokenForm(FlaskForm):
    name = StringField(_l("What is this token for?"), validators=[
        DataRequired(message=_l("Give the token a name, such as the dashboard that will use it.")),
        Length(max=100)], filters=[strip])


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[InputRequired(), Length(max=200)])
