"""A required value that is empty once cleaned (spaces, zero-width or control characters only) is
refused as missing; invisible characters inside real text are kept (issue #23)."""

from __future__ import annotations

import pytest

from questionnaire.forms import clean_text

INVISIBLE = ["   ", "\u200b", "\u200b \u2060\ufeff", "\u00a0\u3000", "\x00\x01 ", "\u2028\u2029", "\u200d\u200c"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_value_with_nothing_visible_cleans_to_nothing(value):
    assert clean_text(value) == ""


def test_real_text_keeps_its_joiners():
    assert clean_text("  Vallée\u00a0de la Drôme \u200d ") == "Vallée\u00a0de la Drôme \u200d"
    assert clean_text("a\x00b") == "ab"


@pytest.mark.parametrize("value", INVISIBLE)
def test_a_partnership_needs_a_visible_name(signed_in, value):
    client = signed_in("facilitator@example.org")
    refused = client.post("/facilitator/partnerships", data={"name": value, "region": "",
                                                            "region_type": "network_small_medium_cities"})
    assert refused.status_code == 400 and "This field is required." in refused.text
    named = client.post("/facilitator/partnerships", data={"name": "Green Valley", "region": "",
                                                          "region_type": "network_small_medium_cities"})
    assert named.status_code == 303
