"""Evidence as data, rendered in words (docs/assessment-model.md §8).

Rules produce evidence items without any language: what was looked at (a question, the profile, a
dimension, a gap, a contested dimension, the governance model), its value, score and band. The words
come last, from the questionnaire's own texts and the scorer's vocabulary (rules/words.yaml) in the
reader's language: "You answered ‘Strongly disagree’ to ‘Partners know how much …’", "Trust and
dialogue: 37.5 out of 100, a concern". No id and no English word reach a French reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

import formats
from questionnaire import item_bank
from questionnaire.content import LANGUAGES, Item, Localised, Questionnaire, load_yaml
from scoring.dimensions import DIMENSION_IDS, SCORED_BANDS
from typography import listed, typeset, written

WORDS_FILE = "words.yaml"
SUBJECTS = ("question", "dimension", "profile", "gap", "contested", "governance")


def item(subject: str, id: str | None, value: Any = None, score: float | None = None, band: str | None = None,
         groups: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """One evidence item as data (its ``text`` is added by :class:`Words`)."""
    found = {"subject": subject, "id": id, "value": value, "score": score, "band": band}
    if groups is not None:
        found["groups"] = groups
    found.update(extra)
    return found


@dataclass(frozen=True)
class Words:
    """The scorer's vocabulary in every language, and the questionnaire its items' words come from."""

    dimensions: Mapping[str, Mapping[str, str]]
    groups: Mapping[str, Mapping[str, str]]
    bands: Mapping[str, Mapping[str, Mapping[str, str]]]
    sentences: Mapping[str, Mapping[str, str]]
    models: Mapping[str, Mapping[str, str]]
    questionnaire: Questionnaire

    def dimension(self, dimension_id: str, lang: str) -> str:
        return self.dimensions[dimension_id][lang]

    def band(self, dimension_id: str, band: str, lang: str) -> str:
        kind = dimension_id.split(".")[0]
        return self.bands[kind][band][lang]

    def render(self, evidence: Mapping[str, Any], lang: str, respondents: int) -> dict[str, Any]:
        """The evidence item with its ``text`` in ``lang``."""
        return {**evidence, "text": self._sentence(evidence, lang, respondents)}

    def _say(self, key: str, lang: str, **values: Any) -> str:
        return self.sentences[key][lang].format(**values)

    def _number(self, value: float, lang: str) -> str:
        return written(value, lang)

    def _sentence(self, e: Mapping[str, Any], lang: str, respondents: int) -> str:
        subject = e["subject"]
        if subject in ("question", "profile"):
            question = self.questionnaire.items.get(e["id"])
            text = question.text[lang] if question else e["id"]
            if e["value"] in (None, "", []):
                return self._say(f"{subject}_unanswered", lang, question=text)
            answer = self.answer(question, e["value"], lang)
            key = "profile" if subject == "profile" else "question_one" if respondents <= 1 else "question_group"
            return self._say(key, lang, answer=answer, question=text)
        if subject == "dimension":
            name = self.dimension(e["id"], lang)
            if e["score"] is None:
                return self._say("dimension_no_score", lang, name=name)
            return self._say("dimension", lang, name=name, score=self._number(e["score"], lang),
                             band=self.band(e["id"], e["band"], lang))
        if subject == "gap":
            name = self.dimension(e["id"], lang)
            if e["score"] is None:
                return self._say("no_gap", lang, name=name)
            first, second = e["groups"]
            scores = e.get("scores") or {}
            if scores.get(first) is None:
                higher = e.get("higher") or first
                lower = second if higher == first else first
                return self._say("gap_difference_only", lang, name=name, difference=self._number(e["score"], lang),
                                 higher=self.groups[higher][lang], lower=self.groups[lower][lang])
            return self._say("gap", lang, name=name, first=self.groups[first][lang],
                             first_score=self._number(scores[first], lang), second=self.groups[second][lang],
                             second_score=self._number(scores[second], lang),
                             difference=self._number(e["score"], lang))
        if subject == "contested":
            if e["id"] is None:
                return self._say("not_contested", lang)
            return self._say("contested", lang, name=self.dimension(e["id"], lang))
        if e["id"] is None:
            return self._say("governance_none", lang)
        return self._say(f"governance_{e['value']}", lang, model=self.models[e["id"]][lang])

    def answer(self, question: Item | None, value: Any, lang: str) -> str:
        """An answer's label in ``lang``: an option's label, "don't know", a mean shown as its nearest option."""
        if value == item_bank.DONT_KNOW:
            return self.questionnaire.dont_know[lang]
        labels = {option.value: option.label[lang] for option in question.options} if question else {}
        if isinstance(value, list):
            return listed((labels.get(v, str(v)) for v in value), lang)
        if isinstance(value, float) and not value.is_integer():
            nearest = min((v for v in labels if isinstance(v, int)), key=lambda v: abs(v - value), default=None)
            return f"{labels[nearest]} ({self._number(value, lang)})" if nearest is not None else str(value)
        if isinstance(value, float):
            value = int(value)
        return str(labels.get(value, value))


def load_words(directory: Path, questionnaire: Questionnaire, models: Mapping[str, Any],
               fail: Callable[[str, str], NoReturn]) -> Words:
    """Read rules/words.yaml, its structure checked by its format (formats/words.schema.yaml), and check
    that it covers every dimension, group, band and sentence (``fail(rule, message)`` stops start-up
    naming the file and the entry)."""
    try:
        data = load_yaml((directory / WORDS_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        fail("-", f"cannot be read ({error})")
    faults = _words_format().faults(data)
    if faults:
        fail(faults[0].where(data) or "-", faults[0].message)

    def localised(entry: Mapping[str, str]) -> Mapping[str, str]:
        return Localised({lang: typeset(text, lang) for lang, text in entry.items()})

    def texts(section: str, keys: Iterable[str]) -> dict[str, Mapping[str, str]]:
        found = data[section]
        for key in keys:
            if key not in found:
                fail(f"{section}.{key}", "is missing")
        return {key: localised(entry) for key, entry in found.items()}

    dimensions = texts("dimensions", DIMENSION_IDS)
    groups = texts("groups", (*item_bank.GROUPS, "other_stakeholders"))
    bands: dict[str, dict[str, Mapping[str, str]]] = {}
    for kind in ("enabler", "barrier", "linkage", "practices"):
        if kind not in data["bands"]:
            fail(f"bands.{kind}", "is missing")
        bands[kind] = {band: localised(entry) for band, entry in data["bands"][kind].items()}
        for band in SCORED_BANDS:
            if band not in bands[kind]:
                fail(f"bands.{kind}.{band}", "is missing")
    sentences = texts("sentences", ("question_one", "question_group", "question_unanswered", "profile",
                                    "profile_unanswered", "dimension", "dimension_no_score", "gap",
                                    "gap_difference_only", "no_gap", "contested", "not_contested", "governance_current",
                                    "governance_recommended", "governance_none"))
    return Words(dimensions=dimensions, groups=groups, bands=bands, sentences=sentences,
                 models={model_id: model.name for model_id, model in models.items()}, questionnaire=questionnaire)


@cache
def _words_format() -> formats.Format:
    return formats.Format(formats.schema("words", LANGUAGES))
