"""One rounding rule for every number RUPA shows or stores rounded: half up (62.5 → 63, 67.5 → 68, 62.25
→ 62.3), on the number as written (``repr``), never the binary float's nearest tie-breaking. Numbers are
written with the reader's decimal separator (62,5 in French)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal


def half_up(value: float, places: int = 1) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero."""
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def written(value: float, lang: str, places: int = 1) -> str:
    """``value`` rounded half up to at most ``places`` decimals, as the reader's language writes it."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, "0." + "#" * places if places else "0", locale=lang)
