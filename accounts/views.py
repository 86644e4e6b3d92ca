"""Sign up (confirmed by email), sign in, sign out, change or reset a password, API tokens."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit, links, mail, tokens
from accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from accounts.models import Facilitator, hash_nobody, normalise_email, verify_nobody
from authorisation.access import policy
from database import db
from extensions import limiter, login_manager
from web.once import derived_token, once

bp = Blueprint("accounts", __name__, url_prefix="/account")


@login_manager.user_loader
def load_facilitator(session_id: str) -> Facilitator | None:
    if g.get("database_unavailable"):  # the 503 page of a failed database is shown as to anyone
        return None
    facilitator_id, _sep, version = session_id.partition(":")
    if not facilitator_id.isdigit():
        return None
    signed_in_at = session.get("signed_in_at")
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"]
    if not isinstance(signed_in_at, int) or time.time() - signed_in_at > lifetime:
        return None
    facilitator = db.session.get(Facilitator, int(facilitator_id))
    if facilitator is None or str(facilitator.session_version) != version:
        return None
    return facilitator


# What may not appear in a ?next= path: browsers drop tabs and line breaks and read a backslash as a
# slash, so "/\t/evil.example" or "/\\evil.example" would leave the site; encoded slashes and backslashes
# are refused too (a proxy or a later decode could turn them into "//").
_UNSAFE_IN_NEXT = re.compile(r"[\\\s\x00-\x1f\x7f]|%(?:2f|5c|09|0a|0d|00)", re.IGNORECASE)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: a crafted ?next= must not send people elsewhere, nor cause an error."""
    if (target and target.startswith("/") and not target.startswith("//") and not _UNSAFE_IN_NEXT.search(target)
            and not urlsplit(target).netloc and not urlsplit(target).scheme):
        return target
    return url_for("partnerships.index")


def _sign_in(facilitator: Facilitator) -> None:
    lang = session.get("lang")
    session.clear()  # a new session on sign-in: nothing from before survives (session fixation)
    if lang:
        session["lang"] = lang
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME without a request (idle)
    session["signed_in_at"] = int(time.time())  # and SESSION_ABSOLUTE_LIFETIME after sign-in, however active
    login_user(facilitator)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
@once
@policy("public")
def signup():
    """A new account works once the link emailed to its address is followed. The page that follows says
    the same, in the same time, whether the address had an account or not: its owner learns that from the
    email (OWASP ASVS 2.1, account enumeration)."""
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404, description=_("Sign-up is closed on this installation. Ask its administrator for an account."))
    form = SignUpForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        facilitator = db.session.execute(select(Facilitator).where(Facilitator.email == email)).scalar_one_or_none()
        if facilitator is not None and facilitator.email_confirmed:
            hash_nobody(form.password.data)  # as long as setting the password below
            mail.send_soon(email, "account_exists", str(get_locale()),
                           signin=url_for(".signin", _external=True),
                           forgot=url_for(".forgot_password", _external=True))
        else:
            if facilitator is None:
                facilitator = Facilitator(email=email, email_confirmed=False)
                db.session.add(facilitator)
            # A second sign-up before confirming sets the password anew and replaces the earlier link.
            facilitator.set_password(form.password.data)
            try:
                db.session.commit()
            except IntegrityError:  # the same address signed up at the same moment: that one's link stands
                db.session.rollback()
            else:
                _send_confirmation(facilitator)
        session["mail_sent"] = {"kind": "signup", "to": email}
        return redirect(url_for(".check_email"), 303)
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


def _send_confirmation(facilitator: Facilitator) -> None:
    token = links.link_token(facilitator, "confirm")
    mail.send_soon(facilitator.email, "confirm_account", str(get_locale()),
                   link=url_for(".confirm_email", token=token, _external=True),
                   hours=current_app.config["ACCOUNT_CONFIRM_MAX_AGE"] // 3600)


@bp.get("/check-email")
@policy("public")
def check_email():
    sent = session.get("mail_sent")
    if not isinstance(sent, dict) or sent.get("kind") not in ("signup", "reset"):
        return redirect(url_for(".signin"), 303)
    return render_template("accounts/check_email.html", kind=sent["kind"], to=str(sent.get("to", "")),
                           outbox=current_app.config["MAIL_FILE_PATH"]
                           if current_app.config["MAIL_BACKEND"] == "file" else None,
                           hours=current_app.config["ACCOUNT_CONFIRM_MAX_AGE"] // 3600,
                           minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)


@bp.get("/confirm/<token>")
@policy("public")
def confirm_email(token: str):
    """The link of a confirmation email: the account can sign in from now on. It does not sign anyone in
    itself, so that a link left in a mailbox (or opened by a mail scanner) is no way into the account."""
    facilitator = links.facilitator_of(token, "confirm")
    if facilitator is None:
        return render_template("accounts/link_invalid.html", kind="confirm"), 400
    if not facilitator.email_confirmed:
        facilitator.email_confirmed = True
        db.session.commit()
    flash(_("Your email address is confirmed. Sign in to start."))
    return redirect(url_for(".signin"), 303)


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_RATE_LIMIT"], methods=["POST"])
@policy("public")
def signin():
    form = SignInForm()
    if form.validate_on_submit():
        facilitator = db.session.execute(
            select(Facilitator).where(Facilitator.email == normalise_email(form.email.data))
        ).scalar_one_or_none()
        if facilitator is None:
            verify_nobody(form.password.data)  # as slow as a wrong password for a real account
        elif facilitator.check_password(form.password.data):
            if not facilitator.email_confirmed:
                _send_confirmation(facilitator)  # only the password's holder learns that the account waits
                form.email.errors.append(_("This address is not confirmed yet. We have sent the link again: "
                                           "follow it, then sign in."))
                return render_template("accounts/signin.html", form=form), 400
            db.session.commit()  # a rehash with newer parameters, if any
            _sign_in(facilitator)
            return redirect(_safe_next(request.args.get("next")), 303)
        form.password.errors.append(_("The email address or the password is not right."))
    return render_template("accounts/signin.html", form=form), 400 if form.errors else 200


@bp.post("/signout")
@policy("public")
def signout():
    if current_user.is_authenticated:
        # The cookie is the session: a copy of it (another tab, a stolen one) must stop working too, so
        # signing out ends every session of the account, as a password change does.
        current_user.session_version += 1
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("pages.home"), 303)


@bp.route("/password", methods=["GET", "POST"])
@once
@policy("facilitator")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            current_user.set_password(form.password.data)
            db.session.commit()
            _sign_in(current_user)  # stay signed in here; every other session ends
            flash(_("Your password has been changed."))
            return redirect(url_for("partnerships.index"), 303)
    return render_template("accounts/password.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
@once
@policy("public")
def forgot_password():
    """A link to choose a new password, emailed to the address if it has an account. The page that follows
    is the same either way, and the email is sent beside it (accounts/mail.py)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        facilitator = db.session.execute(select(Facilitator).where(Facilitator.email == email)).scalar_one_or_none()
        if facilitator is not None:
            token = links.link_token(facilitator, "reset")
            mail.send_soon(email, "reset_password", str(get_locale()),
                           link=url_for(".reset_password", token=token, _external=True),
                           minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        session["mail_sent"] = {"kind": "reset", "to": email}
        return redirect(url_for(".check_email"), 303)
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@once
@policy("public")
def reset_password(token: str):
    """Choosing a new password from the emailed link: it works once (the new password changes the session
    version the link carries), ends every session of the account and confirms its address."""
    facilitator = links.facilitator_of(token, "reset")
    if facilitator is None:
        return render_template("accounts/link_invalid.html", kind="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        facilitator.set_password(form.password.data)
        facilitator.email_confirmed = True  # the link reached the address
        db.session.commit()
        flash(_("Your password has been changed and every session of your account has ended. Sign in with "
                "the new password."))
        return redirect(url_for(".signin"), 303)
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200


@bp.route("/tokens", methods=["GET", "POST"])
@policy("facilitator")
def api_tokens():
    """Personal API tokens: a new one is shown once, here, and never again."""
    form = ApiTokenForm()
    new_token = None
    if form.validate_on_submit():
        # A second click (or two at once) shows the same token again: its secret comes from the form.
        secret = derived_token("api-token", 32)
        new_token = tokens.PREFIX + secret if secret else None
        if new_token is None or not tokens.exists(new_token):
            try:
                _row, new_token = tokens.create_token(current_user, form.name.data, secret)
                audit.record("create_token", None, name=form.name.data.strip())
                db.session.commit()
            except IntegrityError:  # its twin made it first
                db.session.rollback()
        form = ApiTokenForm(formdata=None)
    response = current_app.make_response((render_template(
        "accounts/tokens.html", form=form, tokens=tokens.tokens_of(current_user), new_token=new_token,
        entries=audit.entries(facilitator_id=current_user.id),
        openapi_url=url_for("api.openapi", _external=True)), 400 if form.errors else 200))
    response.headers["Cache-Control"] = "no-store"  # the new token must not stay in a cache
    return response


@bp.post("/tokens/<int:token_id>/revoke")
@once
@policy("facilitator")
def revoke_api_token(token_id: int):
    name = tokens.revoke(current_user, token_id)
    if name is None:
        abort(404)
    audit.record("revoke_token", None, name=name)
    db.session.commit()
    flash(_("The token is revoked: programs using it can no longer read your partnerships."))
    return redirect(url_for(".api_tokens"), 303)
