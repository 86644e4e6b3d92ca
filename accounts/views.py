"""Sign up, sign in, sign out and change password."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit, tokens
from accounts.forms import ApiTokenForm, ChangePasswordForm, SignInForm, SignUpForm
from accounts.models import Facilitator, normalise_email, verify_nobody
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
    if not current_app.config["ALLOW_SIGNUP"]:
        abort(404, description=_("Sign-up is closed on this installation. Ask its administrator for an account."))
    form = SignUpForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        exists = db.session.execute(select(Facilitator.id).where(Facilitator.email == email)).first()
        if exists:
            form.email.errors.append(_("An account with this email address already exists. Sign in instead."))
        else:
            facilitator = Facilitator(email=email)
            facilitator.set_password(form.password.data)
            db.session.add(facilitator)
            db.session.commit()
            _sign_in(facilitator)
            return redirect(url_for("partnerships.index"), 303)
    return render_template("accounts/signup.html", form=form), 400 if form.errors else 200


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
