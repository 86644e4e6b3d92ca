"""The content loader accepts the shipped questionnaire and names file, item and fault for each break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from questionnaire import item_bank
from questionnaire.content import CONTENT_DIR, ContentError, load_all, load_questionnaire

SHIPPED = CONTENT_DIR / "2026.1"


def test_shipped_questionnaire_carries_every_stable_item():
    questionnaire = load_questionnaire(SHIPPED)
    assert [s.id for s in questionnaire.sections] == [
        "profile", "linkages", "enablers", "barriers", "practices", "open"]
    for item_id, (item_type, _spec) in item_bank.required_shape().items():
        assert questionnaire.items[item_id].type == item_type
    assert len([i for i in questionnaire.items if i.startswith("enabler.")]) == 33
    for item in questionnaire.items.values():
        assert item.text["en"] and item.text["fr"] and item.text["en"] != item.text["fr"]


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "2026.1"
    shutil.copytree(SHIPPED, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


BREAKS = [
    pytest.param(
        "barriers.yaml", "id: barrier.information", "id: barrier.administrative",
        "barriers.yaml", "barrier.administrative", "duplicate item id", id="duplicate-id"),
    pytest.param(
        "barriers.yaml", "scale: severity5", "scale: severity7",
        "barriers.yaml", "barrier.administrative", "unknown scale 'severity7'", id="unknown-scale"),
    pytest.param(
        "practices.yaml", "      fr: Un accord écrit qui fixe les objectifs du partenariat et ses membres.\n", "",
        "practices.yaml", "practice.written_agreement", "missing 'fr' translation", id="missing-translation"),
    pytest.param(
        "profile.yaml", '- {id: "yes", label: {en: "Yes", fr: Oui}}', "- yes",
        "profile.yaml", "profile.explicit", "malformed option", id="malformed-option"),
    pytest.param(
        "profile.yaml", "{id: rural_public, label:", "{id: urban_public, label:",
        "profile.yaml", "respondent.group", "duplicate option id 'urban_public'", id="duplicate-option"),
    pytest.param(
        "open.yaml", "  - id: open.priorities", "  - id: open.wishes",
        "2026.1", "open.priorities", "stable item id missing", id="stable-id-missing"),
    pytest.param(
        "open.yaml", "type: text", "type: essay",
        "open.yaml", "open.achievements", "unknown type 'essay'", id="unknown-type"),
    pytest.param(
        "linkages.yaml", "scale: practice3", "scale: strength5",
        "linkages.yaml", "linkage.demography_labour.managed", "must use scale 'practice3'", id="wrong-scale"),
    pytest.param(
        "questionnaire.yaml", "- {value: 4, label: {en: Agree", "- {value: 6, label: {en: Agree",
        "questionnaire.yaml", "scales.agree5.values", "must be exactly [1, 2, 3, 4, 5]", id="scale-values"),
    pytest.param(
        "enablers.yaml", "items:", "items: [",
        "enablers.yaml", "line", "not valid YAML", id="broken-yaml"),
]


@pytest.mark.parametrize(("file", "old", "new", "named_file", "where", "fault"), BREAKS)
def test_each_fault_names_file_item_and_fault(content_copy, file, old, new, named_file, where, fault):
    edit(content_copy / file, old, new)
    with pytest.raises(ContentError) as caught:
        load_questionnaire(content_copy)
    message = str(caught.value)
    assert named_file in message
    assert where in message
    assert fault in message


def test_version_must_match_its_folder(tmp_path, content_copy):
    edit(content_copy / "questionnaire.yaml", 'version: "2026.1"', 'version: "2027.1"')
    with pytest.raises(ContentError, match="does not match its folder"):
        load_all(tmp_path)


def test_app_refuses_to_start_on_broken_content(tmp_path, content_copy):
    from app import create_app

    edit(content_copy / "barriers.yaml", "scale: severity5", "scale: nonsense")
    with pytest.raises(SystemExit) as caught:
        create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(tmp_path),
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "barriers.yaml" in str(caught.value) and "unknown scale 'nonsense'" in str(caught.value)


@pytest.mark.parametrize(("item_id", "value", "fault"), [
    ("enabler.trust.1", 6, "outside its scale"),
    ("enabler.trust.1", True, "outside its scale"),
    ("enabler.trust.1", "4", "outside its scale"),
    ("barrier.funding", -1, "outside its scale"),
    ("practice.monitoring", "maybe", "outside its scale"),
    ("profile.delegated_functions", ["none", "transport"], "cannot combine"),
    ("profile.delegated_functions", "transport", "must be a list"),
    ("profile.purposes", ["flying"], "unknown options"),
    ("open.priorities", "x" * 4001, "longer than 4000"),
])
def test_value_faults(item_id, value, fault):
    item = load_questionnaire(SHIPPED).items[item_id]
    assert fault in item.value_fault(value)


@pytest.mark.parametrize(("item_id", "value"), [
    ("enabler.trust.1", 1), ("enabler.trust.1", "dont_know"), ("barrier.funding", 0),
    ("practice.monitoring", "partly"), ("profile.delegated_functions", ["transport", "environment"]),
    ("open.priorities", "x" * 4000),
])
def test_valid_values(item_id, value):
    assert load_questionnaire(SHIPPED).items[item_id].value_fault(value) is None
