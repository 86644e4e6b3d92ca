"""The facilitator's invitations to a round: email invitations and reminders, the closing date, and the
printable invitation for a notice board. The domain is partnerships.invitations."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale, ngettext
from flask_babel import gettext as _

from authorisation.access import RoundAccess, policy
from database import db, utcnow
from partnerships import invitations, service
from partnerships.forms import ClosingDateForm
from partnerships.pages import dashboard_page, invitation_form
from partnerships.rounds import invite_url
from reports.downloads import download_name, requested_paper
from reports.pdf import PAPER_SIZES, render_pdf, static_path
from web.once import once

bp = Blueprint("invitations", __name__, url_prefix="/facilitator/p/<int:partnership_id>/rounds/<int:number>")

FAULTS = {
    "address": lambda number, line: _("Line %(number)d (%(line)s) is not an email address.", number=number,
                                      line=line),
    "group": lambda number, line: _("Line %(number)d (%(line)s) names no stakeholder group RUPA knows.",
                                    number=number, line=line),
    "too_many": lambda number, line: _("At most %(num)d addresses at once: send the list in parts.",
                                       num=invitations.MAX_ADDRESSES),
}


@bp.post("/invitations")
@once
@policy("member")
def send_invitations(partnership_id: int, number: int, access: RoundAccess):
    """Invite the pasted addresses: each gets its own link, in the chosen language. Nothing is sent when
    any line is wrong: the list comes back with the faults named."""
    partnership, round_ = access.partnership, access.round
    form = invitation_form(request.form)
    if not round_.is_open:
        form.addresses.errors = [_("The round is closed: reopen it to invite respondents.")]
    elif form.validate():
        pasted = invitations.read_pasted(form.addresses.data)
        if pasted.faults:
            form.addresses.errors = [FAULTS[kind](line_number, line) for line_number, line, kind in pasted.faults]
        else:
            added, known = invitations.invite(round_, pasted.entries, form.lang.data)
            round_.link_base = request.url_root
            db.session.commit()
            invitations.send(round_, added, "invitation")
            db.session.commit()
            flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(added))
                  + (" " + ngettext("%(num)d address was invited before and got nothing new.",
                                    "%(num)d addresses were invited before and got nothing new.", known)
                     if known else ""))
            return redirect(url_for("partnerships.dashboard", partnership_id=partnership.id, number=number,
                                    _anchor="invitations-title"), 303)
    return dashboard_page(access, invitation=form), 400


@bp.post("/invitations/remind")
@once
@policy("member")
def remind(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    if round_.is_open:
        waiting = invitations.not_submitted(round_)
        round_.link_base = request.url_root
        invitations.send(round_, waiting, "reminder")
        db.session.commit()
        flash(ngettext("A reminder was sent to %(num)d address.", "A reminder was sent to %(num)d addresses.",
                       len(waiting)))
    else:
        flash(_("The round is closed: its addresses have been deleted, so no reminder can be sent."))
    return redirect(url_for("partnerships.dashboard", partnership_id=partnership.id, number=number,
                            _anchor="invitations-title"), 303)


@bp.post("/closing-date")
@once
@policy("member")
def closing_date(partnership_id: int, number: int, access: RoundAccess):
    partnership, round_ = access.partnership, access.round
    form = ClosingDateForm()
    if form.validate():
        if form.closes_on.data is not None and form.closes_on.data < utcnow().date():
            form.closes_on.errors = [_("Choose today or a later day.")]
        else:
            if round_.closes_on != form.closes_on.data:
                round_.closing_reminder_at = None  # a new date gets its own reminder
            round_.closes_on, round_.link_base = form.closes_on.data, request.url_root
            db.session.commit()
            flash(_("The round closes itself after %(date)s.", date=format_date(form.closes_on.data, "long"))
                  if form.closes_on.data
                  else _("The round has no closing date: close it by hand."))
            return redirect(url_for("partnerships.dashboard", partnership_id=partnership.id, number=number,
                                    _anchor="closing-title"), 303)
    return dashboard_page(access, closing=form), 400


@bp.get("/invitation.pdf")
@policy("member")
def printable(partnership_id: int, number: int, access: RoundAccess):
    """An A4 (or US Letter) invitation to pin on a village hall's notice board: the partnership, the round,
    the QR code, the join code and the link, in the page's language."""
    partnership, round_ = access.partnership, access.round
    size, lang = requested_paper(), str(get_locale())
    link = invite_url(round_)
    with force_locale(lang):
        html = render_template(
            "partnerships/invitation_print.html", partnership=partnership, round=round_, lang=lang,
            paper=PAPER_SIZES[size], invite_url=link, join_url=url_for("join.enter_code", _external=True),
            qr_svg=service.invitation_qr_svg(link, "70mm", _("QR code of the invitation link")))
    pdf, _refused = render_pdf(html, static_path(), "invitation-print.css")
    filename = download_name(partnership.name, f"round-{round_.number}", "invitation", lang, size, suffix="pdf")
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, max-age=0"})
