"""The questionnaire on paper: the digit printed beside each tick box, and reading those digits back.

The same codes appear on the printed form, in the facilitator's entry form and in its error messages,
so whoever types a stack of forms in reads a digit and types it. Numeric scales keep their own values
(agree5 1–5, strength5 and severity5 0–4); other single-choice items number their options 1, 2, 3…;
"don't know" is 9 everywhere (no scale reaches it).
"""

from __future__ import annotations

from questionnaire import item_bank
from questionnaire.content import Item, Value

DONT_KNOW_CODE = "9"


def codes(item: Item) -> tuple[tuple[str, Value], ...]:
    """(code, stored value) for each answer a single-choice item offers, "don't know" last."""
    if all(isinstance(value, int) for value in item.option_values):
        pairs = [(str(value), value) for value in item.option_values]
    else:
        pairs = [(str(number), value) for number, value in enumerate(item.option_values, start=1)]
    if item.allows_dont_know:
        pairs.append((DONT_KNOW_CODE, item_bank.DONT_KNOW))
    return tuple(pairs)


def decode(item: Item, code: str) -> Value | None:
    """The stored value a typed code stands for; None when the code is not one of the item's."""
    return dict(codes(item)).get(code.strip())


def is_coded(item: Item) -> bool:
    """Items answered by ticking one box (and so typed in as one digit)."""
    return item.kind.coded
