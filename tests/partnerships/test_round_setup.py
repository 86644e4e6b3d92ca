"""The small tools around a round: a QR code a phone reads from paper, the printable invitation,
renaming a partnership, and a round set up from the previous one."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from flask import render_template

from partnerships import service
from reports.pdf import PAPER_SIZES, render_document
from tests.reports.test_report import boxes_of

MM_PER_CSS_PX = 25.4 / 96


def test_the_dashboard_qr_code_is_drawn_at_its_size_and_scales(make_round):
    round_ = make_round()
    page = round_["client"].get(round_["base"]).text
    svg = re.search(r'<div class="qr"><svg ([^>]+)>', page).group(1)
    # 240 CSS pixels (63 mm on paper) with a viewBox: a style sheet can scale it without cropping a module.
    assert 'width="240"' in svg and 'height="240"' in svg and re.search(r'viewBox="0 0 (\d+) \1"', svg)
    assert 'role="img"' in svg


def test_the_printable_invitation(app, make_round):
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    response = client.get(f"{base}/invitation.pdf?lang=fr&paper=letter")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert re.search(r'filename="rupa-green-valley-partnership-round-1-invitation-fr-letter\.pdf"',
                     response.headers["Content-Disposition"], re.IGNORECASE)
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Green Valley Partnership" in text and round_["code"] in text and "Scannez le code QR" in text
    assert "/j/" in text.replace("\n", "")


def test_the_printed_qr_code_is_large_enough(app, make_round):
    """On paper the code is 70 mm wide: a phone reads it from a notice board at arm's length."""
    with app.test_request_context("/"):
        html = render_template(
            "partnerships/invitation_print.html", partnership={"name": "P"}, round={"number": 1, "join_code": "ABC123",
                                                                                    "closes_on": None},
            lang="en", paper=PAPER_SIZES["a4"], invite_url="https://rupa.example.org/j/" + "x" * 32,
            join_url="https://rupa.example.org/join",
            qr_svg=service.invitation_qr_svg("https://rupa.example.org/j/" + "x" * 32, "70mm", "QR"))
        pages = render_document(html, Path(app.static_folder), "invitation-print.css").pages
    [page] = pages
    [qr] = [box for box in boxes_of(page._page_box) if type(box).__name__ == "InlineReplacedBox"]
    assert qr.width * MM_PER_CSS_PX == pytest.approx(70, abs=0.5)


def test_the_owner_renames_the_partnership(app, make_round, respondent_stored):
    round_ = make_round()
    client, p = round_["client"], f"/facilitator/p/{round_['partnership_id']}"
    assert "Change the name or region" in client.get(p).text
    assert client.post(f"{p}/name", data={"name": "", "region": ""}).status_code == 400
    assert client.post(f"{p}/name", data={"name": "Blue River Partnership", "region": "Upper Valley"}
                       ).status_code == 303
    detail = client.get(p).text
    assert "<h1>Blue River Partnership</h1>" in detail and "Upper Valley" in detail
    for organisation in ("A", "B", "C"):
        respondent_stored(round_, "rural_public", organisation)
    report = client.get(f"{p}/rounds/1/results").text
    assert "Blue River Partnership" in report and "Green Valley" not in report
    assert "Renamed the partnership from Green Valley Partnership to Blue River Partnership" in \
        client.get(f"{p}/activity").text


def test_a_new_round_starts_from_the_previous_invitation_list(make_round):
    """Profile and action plan come along with every new round; the invitation list too, to check and send,
    while the earlier round is open (closing it deletes its addresses)."""
    round_ = make_round()
    client, base = round_["client"], round_["base"]
    client.post(f"{base}/invitations", data={"addresses": "a@example.org, business\nb@example.org", "lang": "en"})
    opened = client.post(f"/facilitator/p/{round_['partnership_id']}/rounds")
    second = client.get(opened.location).text
    assert "The invitation list of round 1 is filled in below" in second
    assert "a@example.org, Business\nb@example.org</textarea>" in second
    assert ">invited<" not in second  # nothing is stored or sent for round 2 until the facilitator sends
