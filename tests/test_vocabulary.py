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
