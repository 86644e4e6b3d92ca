"""The answer options of a choice or scale item as HTML, escaped once per item and language.

The largest page has 33 items of six options each: building every option's markup in the template on
every request was the page's main cost (bench/README.md). The escaped pieces are kept on the item; a
request only joins them, putting ``checked`` on the chosen ones.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from questionnaire import item_bank
from questionnaire.content import Item

CHECKED = " checked"


def _pieces(item: Item, lang: str, dont_know_label: str) -> tuple[tuple[str, str, str], ...]:
    """(value, markup before the checked mark, markup after it) for every option of the item."""
    cache = item.__dict__.setdefault("_option_markup", {})  # frozen dataclass: its own __dict__ still works
    key = (lang, dont_know_label)
    if key not in cache:
        kind = "checkbox" if item.type == "multi" else "radio"
        name = escape(item.id)
        pieces = []
        for index, option in enumerate(item.options):
            first = f' id="f-{name}"' if index == 0 else ""
            pieces.append((str(option.value),
                           f'<label class="option"><input type="{kind}" name="{name}" '
                           f'value="{escape(option.value)}"{first}',
                           f"><span>{escape(option.label[lang])}</span></label>"))
        if item.allows_dont_know:
            pieces.append((item_bank.DONT_KNOW,
                           f'<label class="option option-dont-know"><input type="radio" name="{name}" '
                           f'value="{item_bank.DONT_KNOW}"',
                           f"><span>{escape(dont_know_label)}</span></label>"))
        cache[key] = tuple(pieces)
    return cache[key]


def choice_options(item: Item, lang: str, dont_know_label: str, chosen) -> Markup:
    """The radio buttons or check boxes of an item, the ``chosen`` values (strings) checked."""
    chosen = {str(value) for value in chosen if value is not None}
    return Markup("\n".join(before + (CHECKED if value in chosen else "") + after  # noqa: S704 (escaped above)
                            for value, before, after in _pieces(item, lang, dont_know_label)))
