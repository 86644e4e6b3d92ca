"""The questionnaire as one JSON document, for other tools (and the paper form later)."""

from __future__ import annotations

from typing import Any

from questionnaire import item_bank
from questionnaire.content import Item, Questionnaire


def export_questionnaire(questionnaire: Questionnaire, lang: str, partnership: str = "") -> dict[str, Any]:
    """The questionnaire in ``lang``; an intro that names the partnership says ``partnership`` there (the
    caller's words for it, such as "your partnership" in that language)."""
    return {
        "version": questionnaire.version,
        "lang": lang,
        "sections": [
            {
                "id": section.id,
                "title": section.title[lang],
                "intro": section.intro_naming(lang, partnership),
                "items": [_item(item, questionnaire, lang) for item in section.items],
            }
            for section in questionnaire.sections
        ],
    }


def _item(item: Item, questionnaire: Questionnaire, lang: str) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "scale": item.scale,
        "required": item.required,
        "text": item.text[lang],
        "help": item.help[lang] if item.help else None,
        "options": [{"value": o.value, "label": o.label[lang]} for o in item.options],
    }
    if item.allows_dont_know:
        exported["options"].append({"value": item_bank.DONT_KNOW, "label": questionnaire.dont_know[lang]})
    if item.max_length is not None:
        exported["max_length"] = item.max_length
    if item.exclusive:
        exported["exclusive"] = list(item.exclusive)
    return exported
