"""Pages built from the per-page cache are exactly what the item macros render."""

from __future__ import annotations

import pytest
from flask import render_template_string

from questionnaire.forms import from_value

SOURCE = ('{% from "_macros/items.html" import item_list %}'
          "{{ item_list(items, data, lang, dont_know, {}) }}"
          "\x1e{{ items_html(section, items, data, lang, dont_know) }}")


def answer_sets(section):
    """No answers; the first option (or a hostile text) everywhere; the second (or two) with don't know."""
    yield {}
    yield {item.id: ("<b>Bus & rail</b> \"x\"" if item.type == "text" else
                     [item.option_values[0]] if item.type == "multi" else item.option_values[0])
           for item in section.items}
    yield {item.id: (list(item.option_values[1:3]) if item.type == "multi" else
                     "dont_know" if item.allows_dont_know else
                     item.option_values[1] if item.options else "plain text")
           for item in section.items}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cached_pages_match_the_macros(app, questionnaire, lang):
    compared = 0
    with app.test_request_context():
        for section in questionnaire.sections:
            for answers in answer_sets(section):
                data = {item.id: from_value(item, answers.get(item.id)) for item in section.items}
                macro, cached = render_template_string(
                    SOURCE, section=section, items=section.items, data=data, lang=lang,
                    dont_know=questionnaire.dont_know[lang]).split("\x1e")
                assert cached == macro, section.id
                checked = sum(len(v) if isinstance(v, list) else 1 for k, v in answers.items()
                              if questionnaire.items[k].type != "text")
                assert cached.count(" checked") == checked
                if any(item.type == "text" for item in section.items) and answers:
                    assert "<b>" not in cached  # answers are escaped when filled in
                    assert "&lt;b&gt;Bus &amp; rail&lt;/b&gt;" in cached or "plain text" in cached
                compared += 1
            # a subset of the page's items (a round's respondents are not asked the profile) has its own cache
            subset = section.items[1:]
            data = {item.id: from_value(item, None) for item in subset}
            macro, cached = render_template_string(SOURCE, section=section, items=subset, data=data, lang=lang,
                                                   dont_know=questionnaire.dont_know[lang]).split("\x1e")
            assert cached == macro
    assert compared == 3 * len(questionnaire.sections)
