"""A page's questionnaire items as HTML, built once per page and language and then only filled in.

The largest page has 33 items of six options each: running the item macros and escaping every option
on every request was the page's main cost (bench/README.md). The macros in templates/_macros/items.html
stay the one description of the markup: a page's item list is rendered once per language with marks
where each option's ``checked`` and each text answer go, and a request joins the pieces. A page with
error messages is rendered by the macros directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from questionnaire import item_bank
from questionnaire.content import Item, Section

MARK = "\x00"  # delimits a mark in the rendered template; never in content (the loader refuses controls)


class Marked:
    """Stands for an item's answer while the page is rendered once: options get a mark where ``checked``
    would go, a text answer a mark where its escaped text goes."""

    def __init__(self, item_id: str):
        self.item_id = item_id

    def __html__(self) -> str:
        return f"{MARK}{self.item_id}{MARK}"


def choice_options(item: Item, lang: str, dont_know_label: str, chosen: Iterable[Any] | None) -> Markup:
    """The radio buttons or check boxes of an item, the ``chosen`` values checked."""
    marked = next((value for value in chosen if isinstance(value, Marked)), None) if chosen else None
    chosen = set() if marked else {str(value) for value in chosen or () if value is not None}
    kind = "checkbox" if item.kind.widget == "checkboxes" else "radio"
    name = escape(item.id)
    options = [(str(option.value), "option", escape(option.label[lang])) for option in item.options]
    if item.allows_dont_know:
        options.append((item_bank.DONT_KNOW, "option option-dont-know", escape(dont_know_label)))
    html = []
    for index, (value, css, label) in enumerate(options):
        first = f' id="f-{name}"' if index == 0 else ""
        mark = f"{MARK}{item.id}{MARK}{value}{MARK}" if marked else (" checked" if value in chosen else "")
        html.append(f'<label class="{css}"><input type="{kind}" name="{name}" value="{escape(value)}"{first}{mark}>'
                    f"<span>{label}</span></label>")
    return Markup("\n".join(html))  # noqa: S704 (every piece escaped above)


def _pieces(section: Section, items: tuple[Item, ...], lang: str, dont_know_label: str) -> list[Any]:
    """The page's markup as [static, (item id, value or None), static, ...], rendered once."""
    cache = section.__dict__.setdefault("_html", {})  # a frozen dataclass's own __dict__ still takes it
    key = (tuple(item.id for item in items), lang, dont_know_label)
    if key not in cache:
        macro = getattr(current_app.jinja_env.get_template("_macros/items.html").module, "item_list")  # noqa: B009
        marked = {item.id: [Marked(item.id)] if item.kind.widget == "checkboxes" else Marked(item.id)
                  for item in items}
        parts = str(macro(items, marked, lang, dont_know_label, {})).split(MARK)
        widgets = {item.id: item.kind.widget for item in items}
        pieces: list[Any] = [parts[0]]
        index = 1
        while index < len(parts):
            item_id = parts[index]
            if widgets[item_id] == "textarea":  # MARK id MARK: where the escaped answer goes
                pieces += [(item_id, None), parts[index + 1]]
                index += 2
            else:  # MARK id MARK value MARK: where this option's " checked" goes
                pieces += [(item_id, parts[index + 1]), parts[index + 2]]
                index += 3
        cache[key] = pieces
    found: list[Any] = cache[key]
    return found


def items_html(section: Section, items: tuple[Item, ...], data: dict[str, Any], lang: str,
               dont_know_label: str) -> Markup:
    """A page's items without error messages, as the item_list macro renders them, from the page's cache."""
    pieces = _pieces(section, items, lang, dont_know_label)
    chosen = {(item_id, str(value)) for item_id, answer in data.items()
              for value in (answer if isinstance(answer, list) else [answer]) if value is not None}
    html = [pieces[0]]
    for index in range(1, len(pieces), 2):
        item_id, value = pieces[index]
        if value is None:
            html.append(str(escape(data.get(item_id) or "")))
        elif (item_id, value) in chosen:
            html.append(" checked")
        html.append(pieces[index + 1])
    return Markup("".join(html))  # noqa: S704 (the macro escaped the markup, the answers are escaped here)
