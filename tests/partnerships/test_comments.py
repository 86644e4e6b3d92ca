"""The comments wall: the round's open answers reviewed by the facilitator, nothing shown unapproved, no
group named under three people, approved comments on the projector and in the group report's chapter
"What partners said"."""

from __future__ import annotations

import html
import io
import re

import pypdf
import pytest
from sqlalchemy import select

from database import db
from questionnaire import journey
from questionnaire.models import Answer, Respondent

WRITTEN = {
    0: ("open.obstacles", "The bus to the valley stops at six."),            # rural (4 people)
    4: ("open.achievements", "The joint water board works well."),            # urban (3 people)
    5: ("open.priorities", "A shared land-use plan <b>now</b>."),             # urban
}


@pytest.fixture
def commented_round(app, full_round):
    with app.app_context():
        for index, (item_id, text) in WRITTEN.items():
            respondent = db.session.execute(select(Respondent).where(
                Respondent.token_hash == journey.hash_token(full_round["tokens"][index]))).scalar_one()
            db.session.add(Answer(respondent_id=respondent.id, item_id=item_id, value=text))
        db.session.commit()
    return full_round


def _keys(page: str) -> dict[str, str]:
    """Each comment's text → its key on the wall page."""
    found = re.findall(r'<li class="comment [^"]+" id="comment-(\d+)">\s*<blockquote><p>([^<]*(?:&lt;[^<]*)*)</p>',
                       page)
    return {html.unescape(text): key for key, text in found}


def _decide(client, base, key, decision):
    return client.post(f"{base}/comments", data={"answer": key, "decision": decision})


def test_nothing_is_shown_until_approved(commented_round):
    client, base = commented_round["client"], commented_round["base"]
    wall = client.get(f"{base}/comments")
    assert wall.status_code == 200
    keys = _keys(wall.text)
    assert set(keys) == {text for _item, text in WRITTEN.values()}
    assert "&lt;b&gt;now&lt;/b&gt;" in wall.text  # escaped, never markup
    assert wall.text.count("Not reviewed yet: shown nowhere") == 3
    while client.get(f"{base}/projector.json").get_json()["step"] != "comments":
        client.post(f"{base}/projector/next")
    assert "No comment has been approved for showing yet." in client.get(f"{base}/projector").text
    assert "What partners said" not in client.get(f"{base}/results").text.split("</nav>", 1)[1]

    assert _decide(client, base, keys["The bus to the valley stops at six."], "approve").status_code == 303
    assert _decide(client, base, keys["The joint water board works well."], "hide").status_code == 303
    projector = client.get(f"{base}/projector").text
    assert "The bus to the valley stops at six." in projector
    assert "The joint water board works well." not in projector and "land-use" not in projector
    # Rural public bodies have four respondents: the group may be named.
    assert "Rural public bodies" in projector.split("What partners said", 1)[1]

    assert _decide(client, base, keys["A shared land-use plan <b>now</b>."], "spotlight").status_code == 303
    alone = client.get(f"{base}/projector").text
    assert "projector-spotlight" in alone and "A shared land-use plan &lt;b&gt;now&lt;/b&gt;." in alone
    assert "The bus to the valley" not in alone
    # The page's script reloads when the stored step differs from the page's: a spotlight must not loop.
    shown_step = re.search(r'data-step="([^"]+)"', alone).group(1)
    assert shown_step == client.get(f"{base}/projector.json").get_json()["step"]
    assert shown_step.startswith("comments:")
    report = client.get(f"{base}/results").text
    chapter = report[report.index('id="said"'):report.index("</section>", report.index('id="said"'))]
    assert "The bus to the valley stops at six." in chapter and "land-use" in chapter
    assert "water board" not in chapter


def test_a_group_under_three_is_not_named(app, commented_round, respondent_stored):
    """Two business respondents more would not matter; one civil-society respondent is never named."""
    client, base = commented_round["client"], commented_round["base"]
    token = respondent_stored(commented_round, "civil_society", "Friends of the Valley")
    with app.app_context():
        respondent = db.session.execute(select(Respondent).where(
            Respondent.token_hash == journey.hash_token(token))).scalar_one()
        db.session.add(Answer(respondent_id=respondent.id, item_id="open.priorities", value="Ask the youth club."))
        db.session.commit()
    keys = _keys(client.get(f"{base}/comments").text)
    _decide(client, base, keys["Ask the youth club."], "approve")
    wall = client.get(f"{base}/comments").text
    entry = wall[wall.index(f'id="comment-{keys["Ask the youth club."]}"'):]
    assert "Civil society" not in entry.split("</li>", 1)[0] and "Friends of the Valley" not in wall
    report = client.get(f"{base}/results").text
    chapter = report[report.index('id="said"'):report.index("</section>", report.index('id="said"'))]
    assert "Ask the youth club." in chapter and "Civil society" not in chapter


def test_reviews_are_checked_against_the_round(app, commented_round, make_round):
    client, base = commented_round["client"], commented_round["base"]
    keys = _keys(client.get(f"{base}/comments").text)
    key = keys["The bus to the valley stops at six."]
    assert _decide(client, base, key, "publish").status_code == 400
    assert _decide(client, base, "x1", "approve").status_code == 400
    other = make_round(email="other@example.org", name="Other Partnership")
    assert _decide(other["client"], other["base"], key, "approve").status_code == 404  # not that round's
    with app.app_context():  # a closed-question answer is not a comment
        closed = db.session.execute(select(Answer.id).where(Answer.item_id == "enabler.trust.1")).scalars().first()
    if closed is not None:
        assert _decide(client, base, closed, "approve").status_code == 404


def test_the_pdf_has_the_chapter(commented_round):
    client, base = commented_round["client"], commented_round["base"]
    keys = _keys(client.get(f"{base}/comments").text)
    _decide(client, base, keys["The bus to the valley stops at six."], "approve")
    pdf = client.get(f"{base}/report.pdf?lang=fr")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Ce que disent les partenaires" in text and "The bus to the valley stops at six." in text
