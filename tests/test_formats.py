"""The file formats are declared once (formats/*.schema.yaml, issue #22 item 5): the loaders, the score
commands and the API check documents against them, and the OpenAPI document publishes the same one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema_rs
import pytest

import formats
from questionnaire.content import CONTENT_DIR, ContentError, load_all, load_questionnaire
from scoring.assessment import file_schema, parse_assessment

SHIPPED = CONTENT_DIR / "2026.1"


@pytest.mark.parametrize("name", list(formats.names()))
def test_every_declared_format_is_a_valid_json_schema(name):
    declared = formats.schema(name)
    assert jsonschema_rs.meta.is_valid(declared), name
    assert declared.get("title") and declared.get("type") == "object"


def test_the_formats_cover_every_kind_of_file():
    assert set(formats.names()) >= {"assessment", "questionnaire", "section", "scoring", "governance",
                                    "recommendations", "words"}


def test_a_fault_names_the_path_and_says_what_is_wrong_in_words():
    checked = formats.Format({"type": "object", "required": ["items"], "properties": {"items": {
        "type": "array", "items": {"type": "object", "required": ["id", "n"], "properties": {
            "id": {"type": "string"}, "n": {"type": "integer", "x-faults": {"type": "must be counted"}}}}}}})
    document = {"items": [{"id": "first", "n": 1}, {"id": "second", "n": "two"}, {"n": 3}]}
    assert [(fault.where(document), fault.message) for fault in checked.faults(document)] == [
        ("items[1] (second).n", "must be counted"),
        ("items[2]", "missing 'id'"),
    ]
    assert checked.faults({"items": []}) == []
    assert [fault.message for fault in checked.faults([])] == ["must be a mapping, not a list"]


def test_the_api_publishes_the_declared_assessment_format(client):
    published = client.get("/api/v1/openapi.json").json["components"]["schemas"]["AssessmentFile"]
    declared = formats.schema("assessment")
    assert set(published["properties"]) == set(declared["properties"])
    respondent = published["properties"]["respondents"]["items"]
    assert set(respondent["properties"]) == set(declared["properties"]["respondents"]["items"]["properties"])
    assert "x-faults" not in json.dumps(published)
    # ... filled in with what only the questionnaire knows: the groups and every item's answers.
    assert "rural_public" in respondent["properties"]["group"]["enum"]
    assert respondent["properties"]["answers"]["properties"]["enabler.trust.1"]["enum"][0] == 1


def test_the_openapi_schema_accepts_what_the_parser_accepts(questionnaires):
    """The published schema and the parser agree on a valid file (the demo data) and on a wrong answer."""
    questionnaire = questionnaires["2026.1"]
    validator = jsonschema_rs.validator_for(formats.published(file_schema(questionnaire)))
    demo = json.loads((Path(__file__).parents[1] / "questionnaire" / "demo_data" / "example-valley.json").read_text())
    assert parse_assessment(demo, questionnaires, "2026.1").respondents
    assert validator.is_valid(demo)
    demo["respondents"][0]["answers"]["enabler.trust.1"] = 9
    assert not validator.is_valid(demo)


@pytest.fixture
def questionnaires():
    return load_all()


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "2026.1"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.mark.parametrize(("file", "old", "new", "where", "fault"), [
    ("open.yaml", "    required: false\n", "    requird: false\n", "items[0] (open.achievements)",
     "unknown key(s) 'requird'"),
    ("open.yaml", "    max_length: 4000\n", "    max_length: 4000\n    scale: agree5\n",
     "items[0] (open.achievements).scale", "is not a field of a text item"),
    ("linkages.yaml", "    scale: strength5\n", "", "items[0] (linkage.demography_labour.strength)",
     "missing 'scale'"),
    ("linkages.yaml", "  en: Links between urban and rural areas\n", "  en: '  '\n", "title.en", "empty translation"),
    ("linkages.yaml", "  en: Links between urban and rural areas\n",
     "  en: Links between urban and rural areas\n  EN: Links\n", "title", "unknown language 'EN'"),
    ("questionnaire.yaml", "sections:\n", "sections: profile.yaml\nold_sections:\n", "", "unknown key(s)"),
    ("questionnaire.yaml", "    dont_know: true\n", "    dont_know: yes please\n", "scales.agree5.dont_know",
     "must be true or false, not text"),
])
def test_a_content_file_departing_from_its_format_is_named_with_the_place(content_copy, file, old, new, where,
                                                                          fault):
    path = content_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_questionnaire(content_copy)
    assert caught.value.file.endswith(file) and caught.value.where.startswith(where), str(caught.value)
    assert fault in caught.value.message, str(caught.value)


@pytest.mark.parametrize(("file", "change", "fault"), [
    ("recommendations.yaml", lambda d: d["recommendations"][0].update({"titel": d["recommendations"][0]["title"]}),
     "rule recommendations[0] (rec.awareness): unknown key(s) 'titel'"),
    ("recommendations.yaml", lambda d: d["recommendations"][0]["actions"][0].update({"levle": "national"}),
     "rule recommendations[0] (rec.awareness).actions[0]: unknown key 'levle'"),
    ("governance.yaml", lambda d: d["factors"][0]["effects"].update({"explicit_delegated": 300}),
     "rule factors[0] (gov.continuity.explicit_delegated).effects.explicit_delegated: must be a whole number"),
    ("scoring.yaml", lambda d: d["settings"].update({"contested_split_share": 25}),
     "rule settings.contested_split_share: must be 1 or less"),
    ("words.yaml", lambda d: d["sentences"].update({"gap": "a gap"}),
     "rule sentences.gap: must be a text in each language"),
])
def test_a_rule_file_departing_from_its_format_is_named_with_the_place(tmp_path, file, change, fault):
    import yaml

    from scoring.catalogue import RULES_DIR, load_rules
    from scoring.rules import RuleError

    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    data = yaml.safe_load((rules / file).read_text(encoding="utf-8"))
    change(data)
    (rules / file).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(load_all()["2026.1"], rules)
    assert file in str(caught.value) and fault in str(caught.value), str(caught.value)
