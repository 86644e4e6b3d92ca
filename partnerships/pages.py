"""What the facilitator's pages share: the weighting a page asks for, the group report page and the round's
dashboard (what a URL names is loaded by its access policy, authorisation.access)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from authorisation.access import RoundAccess
from partnerships import invitations, service
from partnerships.exporters import EXPORTERS
from partnerships.forms import ClosingDateForm, InvitationForm
from partnerships.models import Round
from partnerships.rounds import compared, enough_respondents, invite_url, workshop_part
from reports import labels
from reports.service import report_body
from scoring.engine import WEIGHTINGS
from web.i18n import language_name


def requested_weighting() -> str:
    """The weighting a page asks for (organisation unless it says otherwise)."""
    weighting = request.args.get("weighting", "organisation")
    if weighting not in WEIGHTINGS:
        abort(400, description=_("Unknown weighting: choose organisation or respondent."))
    return weighting


def group_report_page(round_: Round, previous: Round | None, weighting: str, pdf_url: str | None,
                      pdf_letter_url: str | None, **extra: Any) -> str:
    stored, before = compared(round_, previous)
    if not enough_respondents(stored.count):
        return render_template("partnerships/no_results.html", round=round_,
                               minimum=current_app.extensions["rupa.rules"].settings.min_group_size,
                               submitted=stored.count)
    lang = str(get_locale())
    title, body = report_body(stored, weighting, lang, workshop_part(round_, before, weighting, lang))
    return render_template("reports/report_page.html", pdf_url=pdf_url, pdf_letter_url=pdf_letter_url,
                           weighting=weighting, report_title=title, report_body=body, **extra)


def invitation_form(formdata=None) -> InvitationForm:
    """The form for email invitations, its languages those the app serves (the page's by default)."""
    form = InvitationForm(formdata=formdata) if formdata is not None else InvitationForm(formdata=None)
    languages = current_app.config["LANGUAGES"]
    form.lang.choices = [SelectChoice(value=lang, label=language_name(lang)) for lang in languages]
    if form.lang.data is None:
        form.lang.data = str(get_locale())
    return form


def previous_list(round_: Round, previous: Round | None) -> str | None:
    """A new round set up from the one before: that round's invitation list (addresses and groups, no
    answers, no links), to check and send, while the earlier round is still open and so still has it."""
    if previous is None or round_.invitations or not previous.invitations:
        return None
    return "\n".join(f"{invitation.email}, {labels.GROUPS[invitation.group]}" if invitation.group
                     else invitation.email for invitation in previous.invitations)


def dashboard_page(access: RoundAccess, invitation: InvitationForm | None = None,
                   closing: ClosingDateForm | None = None) -> str:
    """A round's dashboard, with these forms as sent (and their errors) where given."""
    partnership, round_ = access.partnership, access.round
    invite = invite_url(round_)
    carried = None
    if invitation is None:
        invitation, carried = invitation_form(), previous_list(round_, access.previous)
        if carried:
            invitation.addresses.data = carried
    return render_template(
        "partnerships/dashboard.html", partnership=partnership, round=round_, invite_url=invite,
        exporters=EXPORTERS.values(),
        qr_svg=service.invitation_qr_svg(invite, "240", _("QR code of the invitation link")),
        progress=service.progress(round_), group_names=labels.GROUPS,
        join_url=url_for("join.enter_code", _external=True),
        invitation_form=invitation, carried_from=access.previous.number if carried and access.previous else None,
        closing_form=closing or ClosingDateForm(formdata=None, closes_on=round_.closes_on),
        invited=invitations.statuses(round_), mail_configured=current_app.config["MAIL_BACKEND"] != "file",
        language_names={lang: language_name(lang) for lang in current_app.config["LANGUAGES"]},
    )
