"""Deleting one's own account: a facilitator's departure touches every partnership they facilitate (owned
ones pass to a co-facilitator, or are deleted with their data when nobody else facilitates them), so it
is a partnerships page, at the account's address."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from accounts.forms import DeleteAccountForm
from authorisation.access import policy
from database import db
from partnerships import service
from reports.service import forget_pdfs
from web.once import once

bp = Blueprint("departure", __name__, url_prefix="/account")


@bp.route("/delete", methods=["GET", "POST"])
@once
@policy("facilitator")
def delete_account() -> ResponseReturnValue:
    """Delete one's own account after seeing what happens to each partnership, and confirming with the
    password: owned partnerships pass to a co-facilitator, or are deleted with their data when nobody
    else facilitates them."""
    form = DeleteAccountForm()
    plan = service.departure(current_user)
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("This is not your password. Nothing was deleted."))
        else:
            erased = service.delete_account(current_user._get_current_object())
            db.session.commit()
            forget_pdfs(erased)
            logout_user()
            session.clear()
            flash(_("Your account is deleted."))
            return redirect(url_for("pages.home"), 303)
    return render_template("accounts/delete.html", form=form, plan=plan), 400 if form.errors else 200
