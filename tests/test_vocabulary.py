"""One source for each list: the enumerations the models check are the ones forms offer, labels name and the
OpenAPI document publishes."""

from api.openapi import BANDS as OPENAPI_BANDS
from partnerships.forms import ActionForm, ConsensusForm
from partnerships.models import ActionStatus, Role
from questionnaire.models import Source
from reports import labels
from scoring.dimensions import SCORED_BANDS, Band


def test_every_band_and_status_has_its_words():
    for names in (labels.BANDS, labels.OBSTACLE_BANDS, labels.LINKAGE_BANDS):
        assert set(names) == set(Band)
    assert set(labels.STATUSES) == set(ActionStatus)


def test_forms_offer_the_enumerations(app):
    with app.test_request_context():
        assert [c.value for c in ConsensusForm(meta={"csrf": False}).agreed_band.choices] == list(SCORED_BANDS)
        assert [c.value for c in ActionForm(meta={"csrf": False}).status.choices] == list(ActionStatus)


def test_the_openapi_document_publishes_them(app):
    from api.openapi import document

    assert [band.value for band in Band] == OPENAPI_BANDS
    with app.test_request_context():
        text = str(document())
    assert all(role.value in text for role in Role) and Source.PAPER.value in text


def test_the_stable_groups_and_models_are_enumerations_everyone_reads():
    """Stakeholder groups and governance models (docs/assessment-model.md §2, §4) are StrEnums of the item
    bank: the content's options, the labels, the scorer's words, the rule files and the OpenAPI document
    name exactly their values."""
    from questionnaire.content import load_all
    from questionnaire.item_bank import GROUPS, Group, Model
    from scoring.assessment import file_schema
    from scoring.catalogue import load_rules

    questionnaire = load_all()["2026.1"]
    assert questionnaire.items["respondent.group"].option_values == GROUPS
    assert set(labels.GROUPS) == set(Group)
    rules = load_rules(questionnaire)
    assert set(rules.models) == set(Model) and set(rules.words.groups) == {*Group, "other_stakeholders"}
    schema = file_schema()
    assert schema["properties"]["respondents"]["items"]["properties"]["group"]["enum"] == list(GROUPS)
