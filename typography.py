"""How RUPA writes text and numbers in each language, in one place for the content, the scorer and the
pages: French spacing around punctuation, lists, and one rounding rule for every number RUPA shows or
stores rounded: half up (62.5 → 63, 67.5 → 68, 62.25 → 62.3), on the number as written (``repr``), never
the binary float's nearest tie-breaking. Numbers are written with the reader's decimal separator (62,5 in
French). Pure Python: the headless scorer imports it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

# French typography: a non-breaking space before : ; ? ! and inside « », where a plain space (or none)
# stands. Not before a colon or mark that does not end a phrase (https://, 10:30, ?x=1, !=).
_FRENCH_SPACING = (
    (re.compile(r"[ \t]+([:;?!»])"), "\u00a0\\1"),
    (re.compile(r"(?<=[\w)}\]’'\"%.])([:;?!])(?=\s|$|<|\))"), "\u00a0\\1"),
    (re.compile(r"(?<=[\w)}\]’'\"%.!?])»"), "\u00a0»"),
    (re.compile(r"«[ \t]*"), "«\u00a0"),
)


def typeset(text: str, lang: str) -> str:
    """``text`` with its language's spacing around punctuation (French: non-breaking spaces before
    ``: ; ? !`` and inside « »); other languages unchanged."""
    if lang != "fr":
        return text
    for pattern, replacement in _FRENCH_SPACING:
        text = pattern.sub(replacement, text)
    return text


def listed(texts: Iterable[str], lang: str) -> str:
    """Texts one after another, separated by semicolons as ``lang`` sets them."""
    return ("\u00a0; " if lang == "fr" else "; ").join(texts)


def half_up(value: float, places: int = 1) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def written(value: float, lang: str, places: int = 1) -> str:
    """``value`` rounded half up to at most ``places`` decimals, as the reader's language writes it."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, "0." + "#" * places if places else "0", locale=lang)
