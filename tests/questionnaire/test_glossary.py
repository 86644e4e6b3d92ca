"""Questionnaire 2026.2 (issue #24): its glossary, the French terms it applies everywhere, pages of at most
about 15 questions, and 2026.1 kept as it was for the rounds and files made on it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from database import db
from questionnaire.content import CONTENT_DIR, Questionnaire, load_all
from questionnaire.models import Assessment

CURRENT = "2026.2"


@pytest.fixture(scope="module")
def versions() -> dict[str, Questionnaire]:
    return load_all()


def french_texts(questionnaire: Questionnaire):
    """Every French text of a questionnaire, with the item it belongs to (None for pages and scales)."""
    yield None, questionnaire.dont_know["fr"]
    for section in questionnaire.sections:
        yield None, section.title["fr"]
        if section.intro:
            yield None, section.intro["fr"]
        for item in section.items:
            for text in (item.text, item.help, item.topic):
                if text:
                    yield item.id, text["fr"]
            for option in item.options:
                yield item.id, option.label["fr"]


def test_the_current_questionnaire_is_2026_2_and_2026_1_stays_loadable(app, versions):
    assert app.config["QUESTIONNAIRE_VERSION"] == CURRENT
    assert set(versions) >= {"2026.1", CURRENT}
    assert len(versions["2026.1"].section("enablers").items) == 33  # as it was


def test_no_page_has_more_than_fifteen_questions(versions):
    assert max(len(section.items) for section in versions[CURRENT].sections) <= 15
    enablers = [i.id for s in versions[CURRENT].sections if s.id.startswith("enablers") for i in s.items]
    assert sorted(enablers) == sorted(i.id for i in versions["2026.1"].section("enablers").items)


def test_every_stable_id_keeps_its_scale_and_a_new_question_has_a_new_id(versions):
    old, new = versions["2026.1"].items, versions[CURRENT].items
    for item_id, item in old.items():
        assert new[item_id].type == item.type and new[item_id].scale == item.scale, item_id
        assert set(item.option_values) <= set(new[item_id].option_values), item_id
    assert set(new) - set(old) == {"barrier.power_side"}
    assert "existing_bodies" in new["profile.form"].option_values


def test_the_french_texts_follow_the_glossary(versions):
    """One term for the rural-urban relationship, compétences only for legal powers, no softer scale points
    and no calques: each term's `avoid` words appear in no French text, except where `allowed_in` says."""
    questionnaire = versions[CURRENT]
    rules = [(term, word) for term in questionnaire.glossary for word in term.avoid.get("fr", ())]
    assert rules, "the glossary names the French words to avoid"
    broken = [(item_id, word, text) for item_id, text in french_texts(questionnaire) for term, word in rules
              if word.casefold() in text.casefold() and item_id not in term.allowed_in]
    assert broken == []
    # ... and the check does find such a word (2026.1 had them, which is why 2026.2 was written).
    found = {word for _item, text in french_texts(versions["2026.1"]) for _term, word in rules
             if word.casefold() in text.casefold()}
    assert {"Plutôt d'accord", "Obstacle sérieux", "compétence"} <= found


def test_every_glossary_term_is_translated(versions):
    """The French completeness check extended to the glossary: a term and its definition in French, and
    not the English words left in place."""
    for term in versions[CURRENT].glossary:
        assert term.term["fr"].strip() and term.definition["fr"].strip(), term.id
        assert term.definition["fr"] != term.definition["en"], term.id


def test_every_question_that_presupposes_a_fact_says_what_to_answer(versions):
    questionnaire = versions[CURRENT]
    for item_id in ("enabler.shared_vision.2", "enabler.shared_vision.3", "enabler.leadership.2",
                    "enabler.benefit_sharing.3", "enabler.upper_level_support.3"):
        item = questionnaire.items[item_id]
        for lang in ("en", "fr"):  # the help names the answer to give, in the scale's own words
            answers = [questionnaire.dont_know[lang], *(option.label[lang] for option in item.options)]
            assert item.help and any(answer in item.help[lang] for answer in answers), (item_id, lang)


@pytest.mark.parametrize(("lang", "title", "term"), [("en", "Glossary", "Functional area"),
                                                     ("fr", "Glossaire", "Territoire fonctionnel")])
def test_the_glossary_page_lists_every_term_and_each_page_links_to_it(client, start_respondent, versions, lang,
                                                                      title, term):
    page = client.get(f"/glossary?lang={lang}")
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text and term in page.text
    for glossary_term in versions[CURRENT].glossary:
        assert f'id="term-{glossary_term.id}"' in page.text
    token = start_respondent()
    for section in versions[CURRENT].sections:
        html = client.get(f"/r/{token}/s/{section.id}?lang={lang}").text
        assert f'href="/glossary?version={CURRENT}"' in html, section.id


def test_the_profile_intro_names_the_partnership_being_assessed(client):
    started = client.post("/start", data={"partnership": "Vallée <de> la Drôme"})
    base = started.location.rsplit("/", 1)[0]
    page = client.get(f"{base}/s/profile").text
    assert "the partnership you are assessing: Vallée &lt;de&gt; la Drôme." in page
    assert "{partnership}" not in page
    unnamed = client.post("/start", data={}).location.rsplit("/", 1)[0]
    assert "the partnership you are assessing: your partnership." in client.get(f"{unnamed}/s/profile").text


def test_an_assessment_opened_on_2026_1_continues_on_it(app, client, start_respondent):
    token = start_respondent()
    with app.app_context():
        db.session.execute(update(Assessment).values(questionnaire_version="2026.1"))
        db.session.commit()
    enablers = client.get(f"/r/{token}/s/enablers").text
    assert len(set(re.findall(r'name="(enabler\.[a-z_]+\.\d)"', enablers))) == 33
    assert "Plutôt d'accord" not in enablers  # English page; the French one keeps 2026.1's own labels
    assert client.get(f"/r/{token}/s/enablers_people").status_code == 404
    assert "Plutôt d&#39;accord" in client.get(f"/r/{token}/s/enablers?lang=fr").text


def test_the_change_record_names_every_changed_item():
    record = (CONTENT_DIR.parent.parent / "docs" / "questionnaire-2026.2.md").read_text(encoding="utf-8")
    old, new = load_all()["2026.1"], load_all()[CURRENT]
    for item_id, item in new.items.items():
        before = old.items.get(item_id)
        if before is None or before.text != item.text or before.help != item.help:
            assert f"`{item_id}`" in record, item_id
