"""The kinds of question are one registry (questionnaire/item_types.py, issue #22 item 3): each kind owns
its content fields, its answers, forms, cells, widget, paper code and schema, and a new kind is a class
and its entry there."""

from __future__ import annotations

import shutil

import pytest

from api.openapi import answer_schema
from questionnaire import paper
from questionnaire.content import CONTENT_DIR, ContentError, load_all
from questionnaire.forms import from_value, to_value
from questionnaire.item_types import ITEM_TYPES, Choice
from tests.conftest import dispose, make_test_app

STARS = """  - id: open.stars
    type: stars
    required: false
    text:
      en: How many stars would you give the partnership?
      fr: Combien d'étoiles donneriez-vous au partenariat ?
    options:
      - {id: one, label: {en: One star, fr: Une étoile}}
      - {id: two, label: {en: Two stars, fr: Deux étoiles}}
      - {id: three, label: {en: Three stars, fr: Trois étoiles}}
"""


class Stars(Choice):
    """A kind of question made up for the test: one of three stars, drawn as radio buttons."""

    name = "stars"


@pytest.fixture
def content_with_stars(tmp_path, monkeypatch):
    monkeypatch.setitem(ITEM_TYPES, "stars", Stars())
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    with (content / max(load_all()) / "open.yaml").open("a", encoding="utf-8") as handle:
        handle.write(STARS)
    return content


def test_every_item_gets_its_kind_from_the_registry():
    questionnaire = load_all()["2026.1"]
    assert {item.kind.name for item in questionnaire.items.values()} == {"scale", "choice", "multi", "text"}
    assert all(item.kind is ITEM_TYPES[item.type] for item in questionnaire.items.values())


def test_an_unknown_kind_is_a_fault_that_lists_the_known_ones(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    with (content / max(load_all()) / "open.yaml").open("a", encoding="utf-8") as handle:
        handle.write(STARS)
    with pytest.raises(ContentError, match=r"unknown type 'stars' \(known: scale, choice, multi, text\)"):
        load_all(content)


def test_a_new_kind_is_one_class_and_its_entry(content_with_stars, database_url):
    questionnaire = load_all(content_with_stars)[max(load_all())]
    item = questionnaire.items["open.stars"]
    assert item.kind.name == "stars" and item.option_values == ("one", "two", "three")
    assert item.value_fault("two") is None and "outside its scale" in item.value_fault("four")
    assert to_value(item, "three") == "three" and from_value(item, "three") == "three"
    assert answer_schema(item) == {"enum": ["one", "three", "two"]}
    assert paper.is_coded(item) and paper.decode(item, "2") == "two"
    app = make_test_app(database_url, CONTENT_DIR=str(content_with_stars))
    try:
        client = app.test_client()
        base = client.post("/start", data={}).headers["Location"].rsplit("/", 1)[0]
        page = client.get(f"{base}/s/open")
        assert page.status_code == 200
        assert 'type="radio" name="open.stars" value="two"' in page.text and "Two stars" in page.text
        saved = client.post(f"{base}/s/open", data={"open.stars": "two", "action": "save"})
        assert saved.status_code == 303
        assert 'value="two" checked' in client.get(f"{base}/s/open").text
        wrong = client.post(f"{base}/s/open", data={"open.stars": "four", "action": "save"})
        assert wrong.status_code == 400
    finally:
        dispose(app)
