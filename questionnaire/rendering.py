"""Questionnaire items as HTML, built once per item and language and then only filled in.

The largest page has 33 items of six options each: running the item macro and escaping every option on
every request was the page's main cost (bench/README.md). The macro in templates/_macros/items.html
stays the one description of an item's markup: it is rendered once per item and language with a
placeholder where each option's ``checked`` goes, and a request joins the pieces.
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup, escape

from questionnaire import item_bank
from questionnaire.content import Item

# Stands for "every option": the macro marks where each option's " checked" would go.
PLACEHOLDER = object()
MARK = "\x00"


def choice_options(item: Item, lang: str, dont_know_label: str, chosen) -> Markup:
    """The radio buttons or check boxes of an item, the ``chosen`` values checked."""
    every = chosen is PLACEHOLDER or PLACEHOLDER in chosen
    chosen = set() if every else {str(value) for value in chosen if value is not None}
    kind = "checkbox" if item.type == "multi" else "radio"
    name = escape(item.id)
    options = [(str(option.value), "option", escape(option.label[lang])) for option in item.options]
    if item.allows_dont_know:
        options.append((item_bank.DONT_KNOW, "option option-dont-know", escape(dont_know_label)))
    html = []
    for index, (value, css, label) in enumerate(options):
        first = f' id="f-{name}"' if index == 0 else ""
        mark = f"{MARK}{value}{MARK}" if every else (" checked" if value in chosen else "")
        html.append(f'<label class="{css}"><input type="{kind}" name="{name}" value="{escape(value)}"{first}{mark}>'
                    f"<span>{label}</span></label>")
    return Markup("\n".join(html))  # noqa: S704 (every piece escaped above)


def item_html(item: Item, data, lang: str, dont_know_label: str) -> Markup:
    """An item without an error message, as the item_field macro renders it, from the item's cache."""
    macro = current_app.jinja_env.get_template("_macros/items.html").module.item_field
    if item.type == "text":
        return macro(item, data, lang, dont_know_label)
    cache = item.__dict__.setdefault("_html", {})  # a frozen dataclass's own __dict__ still takes it
    key = (lang, dont_know_label)
    if key not in cache:
        cache[key] = str(macro(item, PLACEHOLDER, lang, dont_know_label)).split(MARK)
    pieces = cache[key]
    chosen = {str(value) for value in (data if isinstance(data, list) else [data]) if value is not None}
    html = [pieces[0]]
    for index in range(1, len(pieces), 2):  # value, then the markup up to the next option's mark
        html.append(" checked" if pieces[index] in chosen else "")
        html.append(pieces[index + 1])
    return Markup("".join(html))  # noqa: S704 (the macro escaped it)
