"""Items built from the per-item cache are exactly what the item macro renders."""

from __future__ import annotations

import pytest
from flask import render_template_string

from questionnaire.forms import from_value


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cached_items_match_the_macro(app, questionnaire, lang):
    source = ('{% from "_macros/items.html" import item_field %}'
              "{{ item_field(item, data, lang, dont_know) }}|{{ item_html(item, data, lang, dont_know) }}")
    compared = 0
    with app.test_request_context():
        for item in questionnaire.items.values():
            values = [None, *item.option_values[:2]] if item.type != "text" else [None, "<b>Bus & rail</b>"]
            if item.allows_dont_know:
                values.append("dont_know")
            if item.type == "multi":
                values = [None, list(item.option_values[:1]), list(item.option_values[1:3])]
            for value in values:
                data = from_value(item, value)
                macro, cached = render_template_string(source, item=item, data=data, lang=lang,
                                                       dont_know=questionnaire.dont_know[lang]).split("|", 1)
                assert cached == macro, item.id
                compared += 1
                if value not in (None, []) and item.type != "text":
                    assert cached.count(" checked") == (len(value) if isinstance(value, list) else 1)
    assert compared > 150
