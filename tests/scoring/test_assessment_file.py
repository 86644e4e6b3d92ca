"""A malformed assessment file is rejected whole, one line per fault naming respondent and item."""

from __future__ import annotations

import json

import pytest

from scoring import AssessmentError, parse_assessment
from tests.scoring.builders import answers
from tests.scoring.conftest import QUESTIONNAIRES


def parse(source):
    return parse_assessment(source, QUESTIONNAIRES, "2026.1")


def valid() -> dict:
    return {"respondents": [{"group": "rural_public", "answers": answers()}]}


@pytest.mark.parametrize(("mutate", "fault"), [
    (lambda d: d["respondents"][0]["answers"].update({"enabler.trust.9": 3}),
     "respondent 1 (rural_public): enabler.trust.9: unknown item id in questionnaire 2026.1"),
    (lambda d: d["respondents"][0]["answers"].update({"enabler.trust.1": 6}),
     "respondent 1 (rural_public): enabler.trust.1: value 6 is outside its scale"),
    (lambda d: d["respondents"][0]["answers"].update({"barrier.funding": "3"}),
     "respondent 1 (rural_public): barrier.funding: value '3' is outside its scale"),
    (lambda d: d["respondents"][0]["answers"].update({"practice.monitoring": True}),
     "respondent 1 (rural_public): practice.monitoring: value True is outside its scale"),
    (lambda d: d["respondents"][0]["answers"].update({"open.priorities": "x" * 4001}),
     "respondent 1 (rural_public): open.priorities: is longer than 4000 characters"),
    (lambda d: d["respondents"][0].update({"group": "mayors"}),
     "respondent 1 (mayors): group: 'mayors' is not one of"),
    (lambda d: d["respondents"][0].pop("group"), "respondent 1: group: missing"),
    (lambda d: d["respondents"][0].update({"organisation": 12}),
     "respondent 1 (rural_public): organisation: must be text"),
    (lambda d: d.update({"profile": {"profile.explicit": "maybe"}}), "profile: profile.explicit: value 'maybe'"),
    (lambda d: d.update({"profile": {"profile.delegated_functions": ["none", "transport"]}}),
     "profile: profile.delegated_functions: cannot combine none with other options"),
    (lambda d: d["respondents"][0]["answers"].update({"profile.stage": "mature"}),
     "respondent 1 (rural_public): profile.stage: belongs in the assessment's profile"),
    (lambda d: d.update({"respondents": []}), "respondents: must be a non-empty list"),
    (lambda d: d["respondents"].append("nobody"), "respondent 2: must be an object"),
])
def test_each_fault_is_named(mutate, fault):
    document = valid()
    mutate(document)
    with pytest.raises(AssessmentError) as caught:
        parse(json.dumps(document))
    assert any(line.startswith(fault) for line in caught.value.faults), caught.value.faults


def test_every_fault_is_reported_not_only_the_first():
    document = {"respondents": [
        {"group": "urban_public", "answers": {"enabler.trust.1": 0, "barrier.policy": 5}},
        {"group": "business", "answers": {"linkage.governance.managed": "sometimes"}},
    ]}
    with pytest.raises(AssessmentError) as caught:
        parse(json.dumps(document))
    assert [line.split(":")[0] + ":" + line.split(":")[1] for line in caught.value.faults] == [
        "respondent 1 (urban_public): enabler.trust.1",
        "respondent 1 (urban_public): barrier.policy",
        "respondent 2 (business): linkage.governance.managed",
    ]


@pytest.mark.parametrize(("source", "fault"), [
    ("{not json", "not valid JSON: line 1 column 2"),
    (b"\xff\xfe\x00", "not valid JSON"),
    ("[1, 2]", "the assessment must be a JSON object"),
    ('{"questionnaire": "1999.1", "respondents": []}', "questionnaire: unknown version '1999.1'"),
])
def test_broken_files(source, fault):
    with pytest.raises(AssessmentError) as caught:
        parse(source)
    assert caught.value.faults[0].startswith(fault)


def test_version_and_partnership_may_be_left_out_and_organisation_is_optional():
    assessment = parse(json.dumps(valid()))
    assert assessment.questionnaire == "2026.1" and assessment.partnership is None
    assert assessment.respondents[0].organisation is None
    assert assessment.respondents[0].cluster == "respondent:1"


def test_organisation_names_match_regardless_of_case_and_spaces():
    document = {"respondents": [{"group": "business", "organisation": "Chamber ", "answers": {}},
                                {"group": "business", "organisation": "chamber", "answers": {}}]}
    first, second = parse(json.dumps(document)).respondents
    assert first.cluster == second.cluster
