"""The kinds of question a content file may use (an item's ``type``), each one object that owns what
differs between them: what its content entry holds, which values are answers, how a posted form, a
spreadsheet cell and a stored value turn into one another, the widget the page draws (and so the form
field), whether it has a paper code, and the JSON Schema of its answers.

Adding a kind of question is a class here and its entry in ``ITEM_TYPES``; a kind drawn with a widget of
its own also needs that widget in ``templates/_macros/items.html`` (README, "Layout"). Nothing here
imports Flask: the scorer (``python -m scoring``) checks answers with it. The form field is built on
demand by ``questionnaire.forms``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from questionnaire import item_bank

if TYPE_CHECKING:
    from questionnaire.content import Item, Option, Value

# Several options of one answer in a spreadsheet cell: "transport;water".
MULTI_SEPARATOR = ";"
# Control characters no free-text answer holds (tab and line breaks are text): PostgreSQL refuses NUL and
# they would break a PDF.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ItemType:
    """What every kind of question answers to; the defaults are those of a question with one answer
    picked from its options (a scale or a choice)."""

    name = ""
    # Drawn as: "radios" (one of the options), "checkboxes" (several) or "textarea" (words).
    widget = "radios"
    # One box ticked: typed in from paper as one digit, and printed on it as a grid of boxes.
    coded = True
    # Counted option by option in a report's distribution of answers.
    distributed = False
    # A page posted without an answer to it clears the answer kept before (a text emptied, every box
    # unticked); a radio group cannot be emptied, so sent empty it leaves the stored answer alone.
    emptied_by_the_page = False

    # The JSON Schema of the fields an entry of this kind has beside id, type, text, help, topic and
    # required (formats/section.schema.yaml): here, its own options and those among them that stand alone.
    fields: dict[str, Any] = {
        "required": ["options"],
        "properties": {"options": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/option"},
                                   "x-faults": {"minItems": "has no options"}},
                       "exclusive": {"type": "array", "items": {"type": "string"}}}}

    def read(self, reader: Any, raw: Mapping[str, Any], where: str,
             scales: Mapping[str, tuple[tuple[Option, ...], bool]]) -> dict[str, Any]:
        """The fields of an item of this kind from its content file entry, its structure already checked
        against ``fields`` (``reader`` reports what else is wrong, with the file and the place)."""
        options = reader.options(raw, where)
        exclusive = raw.get("exclusive", [])
        values = {option.value for option in options}
        for option_id in exclusive:
            if option_id not in values:
                reader.fail(f"{where}.exclusive", f"unknown option {option_id!r}")
        return {"options": options, "exclusive": tuple(exclusive)}

    def value_fault(self, item: Item, value: Any) -> str | None:
        """Why ``value`` is not an answer to ``item``, or None when it is."""
        if value == item_bank.DONT_KNOW and item.allows_dont_know:
            return None
        # bool is an int in Python; True must not pass for 1.
        if isinstance(value, bool | list | dict) or value not in item.option_values:
            allowed = ", ".join(map(repr, item.option_values))
            extra = f" or {item_bank.DONT_KNOW!r}" if item.allows_dont_know else ""
            return f"value {value!r} is outside its scale (allowed: {allowed}{extra})"
        return None

    def from_form(self, item: Item, data: Any) -> Value | None:
        """What a form posted for ``item`` as a value (None: no answer)."""
        if data in (None, ""):
            return None
        if data == item_bank.DONT_KNOW:
            return item_bank.DONT_KNOW
        for value in item.option_values:
            if str(value) == data:
                return value
        return None

    def to_form(self, item: Item, value: Value | None) -> Value | None:
        """A stored value as the form field's data (the inverse of ``from_form``)."""
        return None if value is None else str(value)

    def from_cell(self, item: Item, text: str) -> Value:
        """A spreadsheet cell's text (not empty) as the value it stands for; checked afterwards."""
        text = text.strip()
        if all(isinstance(v, int) for v in item.option_values) and text.lstrip("-").isdigit():
            return int(text)
        return text

    def to_cell(self, value: Value) -> Any:
        """A stored value as a spreadsheet cell."""
        return value

    def json_schema(self, item: Item) -> dict[str, Any]:
        """The JSON Schema of an answer (the API's assessment file)."""
        return {"enum": sorted(item.accepted_values, key=str)}


class Scale(ItemType):
    """A position on one of the content's scales (agree5, severity5, strength5, ...)."""

    name = "scale"
    distributed = True
    fields: dict[str, Any] = {"required": ["scale"], "properties": {"scale": {"type": "string"}}}

    def read(self, reader: Any, raw: Mapping[str, Any], where: str,
             scales: Mapping[str, tuple[tuple[Option, ...], bool]]) -> dict[str, Any]:
        scale = raw["scale"]
        if scale not in scales:
            reader.fail(where, f"unknown scale {scale!r}")
        options, allows_dont_know = scales[scale]
        return {"scale": scale, "options": options, "allows_dont_know": allows_dont_know}


class Choice(ItemType):
    """One of the item's own options."""

    name = "choice"


class Multi(ItemType):
    """Any of the item's options, except that an exclusive one ("none") stands alone."""

    name = "multi"
    widget = "checkboxes"
    coded = False
    emptied_by_the_page = True

    def value_fault(self, item: Item, value: Any) -> str | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of option ids"
        unknown = [v for v in value if v not in item.option_values]
        if unknown:
            return f"has unknown options {', '.join(map(repr, unknown))}"
        if len(set(value)) != len(value):
            return "repeats an option"
        if any(v in item.exclusive for v in value) and len(value) > 1:
            return f"cannot combine {', '.join(item.exclusive)} with other options"
        return None

    def from_form(self, item: Item, data: Any) -> Value | None:
        return [value for value in data or [] if value]  # an empty value is no choice

    def to_form(self, item: Item, value: Value | None) -> Value | None:
        return [] if value is None else value

    def from_cell(self, item: Item, text: str) -> Value:
        return [part.strip() for part in text.split(MULTI_SEPARATOR) if part.strip()]

    def to_cell(self, value: Value) -> Any:
        return MULTI_SEPARATOR.join(value) if isinstance(value, list) else value

    def json_schema(self, item: Item) -> dict[str, Any]:
        free = [value for value in item.option_values if value not in item.exclusive]
        several = {"type": "array", "items": {"enum": free}, "uniqueItems": True}
        if not item.exclusive:
            return several
        return {"oneOf": [several, {"type": "array", "items": {"enum": list(item.exclusive)},
                                    "minItems": 1, "maxItems": 1}]}


class Text(ItemType):
    """An answer in the respondent's own words, up to the item's ``max_length``."""

    name = "text"
    widget = "textarea"
    coded = False
    emptied_by_the_page = True
    fields: dict[str, Any] = {"properties": {"max_length": {"type": "integer", "minimum": 1}}}

    def read(self, reader: Any, raw: Mapping[str, Any], where: str,
             scales: Mapping[str, tuple[tuple[Option, ...], bool]]) -> dict[str, Any]:
        return {"max_length": raw.get("max_length", item_bank.OPEN_TEXT_MAX)}

    def value_fault(self, item: Item, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be text"
        if item.max_length is not None and len(value) > item.max_length:
            return f"is longer than {item.max_length} characters"
        control = CONTROL.search(value)
        if control:
            return f"contains a control character (U+{ord(control.group()):04X}), which no answer can hold"
        return None

    def from_form(self, item: Item, data: Any) -> Value | None:
        return str(data) if data else None

    def to_form(self, item: Item, value: Value | None) -> Value | None:
        return value

    def from_cell(self, item: Item, text: str) -> Value:
        return text

    def json_schema(self, item: Item) -> dict[str, Any]:
        return {"type": "string", "maxLength": item.max_length} if item.max_length else {"type": "string"}


ITEM_TYPES: dict[str, ItemType] = {kind.name: kind for kind in (Scale(), Choice(), Multi(), Text())}
