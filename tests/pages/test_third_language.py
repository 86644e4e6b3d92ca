"""A language added in RUPA_LANGUAGES before its content is translated (issue #22, item 4): every page
answers, in the fallback language where no translation exists, never with a 500."""

from __future__ import annotations

import random

import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from bench.server import form_fields, sample_answers
from questionnaire.content import FALLBACK_LANGUAGE, Localised, load_all
from tests.conftest import dispose, make_test_app


def test_a_text_asked_for_in_an_untranslated_language_falls_back():
    text = Localised({"en": "Trust", "fr": "Confiance"})
    assert text["fr"] == "Confiance" and text["de"] == text[FALLBACK_LANGUAGE] == "Trust"


def test_a_language_code_babel_does_not_know_stops_start_up_with_a_message(database_url):
    with pytest.raises(SystemExit, match="RUPA_LANGUAGES lists 'xx'"):
        make_test_app(database_url, LANGUAGES=["en", "fr", "xx"])


def test_an_untranslated_third_language_walks_the_whole_self_assessment(database_url):
    app = make_test_app(database_url, LANGUAGES=["en", "fr", "de"])
    try:
        client = app.test_client()
        assert client.get("/?lang=de").status_code == 200
        started = client.post("/start?lang=de", data={})
        assert started.status_code == 303
        base = started.headers["Location"].rsplit("/", 1)[0]
        questionnaire = load_all()[max(load_all())]
        answers = sample_answers(questionnaire, random.Random(3))
        for section in questionnaire.sections:
            page = client.get(f"{base}/s/{section.id}")
            assert page.status_code == 200 and 'lang="de"' in page.text
            assert section.title["en"] in page.text  # the fallback language's words
            saved = client.post(f"{base}/s/{section.id}",
                                data=MultiDict([*form_fields(section, answers), ("action", "next")]))
            assert saved.status_code == 303
        assert client.get(f"{base}/review").status_code == 200
        assert client.post(f"{base}/submit").status_code == 303
        report = client.get(f"{base}/report")
        assert report.status_code == 200 and "Recommendations" in report.text
        pdf = client.get(f"{base}/report.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert client.get(f"{base}/report.pdf?lang=fr").status_code == 200  # the others still work
    finally:
        dispose(app)


def test_a_third_language_in_part_translated_shows_its_texts_and_the_fallback_for_the_rest(database_url, tmp_path):
    """Content with a German translation under way: the texts that have one show it, the others show the
    fallback language's, on the same page."""
    import shutil

    from questionnaire.content import CONTENT_DIR

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    enablers = content / max(load_all()) / "barriers.yaml"
    enablers.write_text(enablers.read_text(encoding="utf-8").replace(
        "  fr: Ce qui fait obstacle\n", "  fr: Ce qui fait obstacle\n"
        "  de: Was die Zusammenarbeit behindert\n", 1), encoding="utf-8")
    questionnaire = load_all(content)[max(load_all())]
    assert questionnaire.section("barriers").title["de"] == "Was die Zusammenarbeit behindert"
    app = make_test_app(database_url, LANGUAGES=["en", "fr", "de"], CONTENT_DIR=str(content))
    try:
        client = app.test_client()
        base = client.post("/start?lang=de", data={}).headers["Location"].rsplit("/", 1)[0]
        page = client.get(f"{base}/s/barriers")
        assert page.status_code == 200 and 'lang="de"' in page.text
        assert "Was die Zusammenarbeit behindert" in page.text  # translated
        item = questionnaire.section("barriers").items[0]
        assert str(escape(item.text["en"])) in page.text  # not yet translated: the fallback's words
    finally:
        dispose(app)


def test_a_content_text_in_a_language_code_of_the_wrong_shape_is_a_fault(tmp_path):
    import shutil

    from questionnaire.content import CONTENT_DIR, ContentError

    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    enablers = content / max(load_all()) / "barriers.yaml"
    enablers.write_text(enablers.read_text(encoding="utf-8").replace(
        "  fr: Ce qui fait obstacle\n", "  fr: Ce qui favorise la coopération\n  German: Was\n", 1),
        encoding="utf-8")
    with pytest.raises(ContentError, match="unknown language 'German'"):
        load_all(content)
