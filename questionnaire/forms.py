"""WTForms classes built from the content files: one form a section, validated on every POST.

The fields only validate and convert; the templates render them through a Jinja macro from the
content (fieldset, legend, labels), which is lighter than WTForms widgets for 30+ radio groups.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from questionnaire import item_bank
from questionnaire.content import Item, Questionnaire, Value

# Control characters break PDFs and PostgreSQL text columns; tabs and line breaks are kept.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str | None:
    """Without control characters and surrounding spaces; a value with nothing visible in it (only spaces,
    zero-width or other invisible characters) becomes "" so that a required field says it is required."""
    if value is None:
        return None
    cleaned = CONTROL_CHARS.sub("", value.replace("\r\n", "\n")).strip()
    return cleaned if any(visible(ch) for ch in cleaned) else ""


def visible(ch: str) -> bool:
    """A character that shows: not a space of any kind, nor a format character such as a zero-width space."""
    return not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp")


class SectionForm(FlaskForm):
    """Base of every section form; subclasses carry one field per item."""

    class Meta:
        # CSRFProtect checks the token of every POST before any view runs; a second check (and a new
        # signed token) inside the form cost a twentieth of saving a page.
        csrf = False

    items: tuple[Item, ...] = ()

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """WTForms' checks, then the content's own: whatever slipped through (e.g. an empty first value
        that made a field look optional) cannot become a stored value outside its scale."""
        valid = bool(super().validate(extra_validators))
        for item in self.items:
            value = to_value(item, self[item.id].data)
            if value not in (None, [], "") and item.value_fault(value) and not self[item.id].errors:
                self[item.id].errors = [INVALID_CHOICE]
                valid = False
        return valid

    def answers(self) -> dict[str, Value | None]:
        """The page's answers as stored values (None = unanswered)."""
        return {item.id: to_value(item, self[item.id].data) for item in self.items}


class StartForm(FlaskForm):
    """Starting a self-assessment: the partnership's name, for the report's cover, is optional."""

    partnership = StringField(_l("Name of your partnership (optional)"), validators=[Optional(), Length(max=200)],
                              filters=[clean_text])


def to_value(item: Item, data: Any) -> Value | None:
    """What a form posted for ``item`` as a value (its type decides: questionnaire/item_types.py)."""
    return item.kind.from_form(item, data)


def from_value(item: Item, value: Value | None) -> Value | None:
    """A stored value as the form field's data (the inverse of :func:`to_value`)."""
    return item.kind.to_form(item, value)


def _exclusive_validator(item: Item) -> Callable[[Any, Field], None]:
    def validate(form: Any, field: Field) -> None:
        chosen = field.data or []
        if len(chosen) > 1 and any(option in item.exclusive for option in chosen):
            raise ValidationError(_l("“%(option)s” cannot be combined with other answers.",
                                     option=", ".join(item.exclusive)))
    return validate


INVALID_CHOICE = _l("This is not one of the answers offered. Please choose again.")


class ItemRadioField(RadioField):
    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(INVALID_CHOICE)


class ItemChoiceField(Field):
    """One of an item's values, or nothing. The page draws its own radio buttons from the content, so
    the field only takes the first value posted and checks it: a bare Field, built for each of a page's
    30+ items on every save at a fraction of what a RadioField with its choices and widgets costs."""

    def __init__(self, label: str | None = None, validators: Sequence[Any] | None = None,
                 allowed: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.allowed = allowed

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in self.allowed:
            raise ValidationError(INVALID_CHOICE)


class ItemCheckboxField(SelectMultipleField):
    def pre_validate(self, form: Any) -> None:
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(INVALID_CHOICE)


def _field(item: Item) -> Field:
    values = [str(value) for value in item.option_values]
    if item.allows_dont_know:
        values.append(item_bank.DONT_KNOW)
    widget = item.kind.widget  # one field per widget a type is drawn with
    if widget == "radios":
        return ItemChoiceField(item.id, validators=[Optional()], allowed=frozenset(values))
    if widget == "checkboxes":
        return ItemCheckboxField(
            item.id, choices=[SelectChoice(value=value, label=value) for value in values],
            validators=[Optional(), _exclusive_validator(item)]
        )
    return TextAreaField(
        item.id,
        validators=[Optional(), Length(max=item.max_length, message=_l(
            "Please shorten this answer to %(max)d characters at most.", max=item.max_length))],
        filters=[clean_text],
    )


_form_classes: dict[tuple[str, str, tuple[str, ...]], type[SectionForm]] = {}


def section_form_class(questionnaire: Questionnaire, section_id: str,
                       items: tuple[Item, ...] | None = None) -> type[SectionForm]:
    """The form class of one section (or of some of its items), built once per questionnaire version."""
    section = questionnaire.section(section_id)
    if section is None:
        raise KeyError(section_id)
    items = section.items if items is None else items
    key = (questionnaire.version, section_id, tuple(item.id for item in items))
    if key not in _form_classes:
        attrs: dict[str, Any] = {"items": items}
        attrs.update({item.id: _field(item) for item in items})
        _form_classes[key] = type(f"SectionForm_{section_id}", (SectionForm,), attrs)
    return _form_classes[key]
