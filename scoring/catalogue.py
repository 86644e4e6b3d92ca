"""Load the scorer's data files (settings, governance models, recommendation catalogue) and check
them whole at start-up: a broken file stops the app with the file, the rule and the fault."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

import formats
from questionnaire import item_bank
from questionnaire.content import LANGUAGES, Localised, Questionnaire, load_yaml
from scoring.dimensions import DEFAULT_BANDS, DIMENSION_IDS, BandThresholds
from scoring.evidence import WORDS_FILE, Words, load_words
from scoring.rules import RuleChecker, RuleError
from typography import typeset

RULES_DIR = Path(__file__).parent / "rules"
LEVELS = ("partnership", "local", "regional", "national")
PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Settings:
    min_group_size: int
    gap_flag_points: float
    contested_sd_points: float
    contested_split_share: float
    contested_min_respondents: int
    max_high: int
    first_steps: Mapping[str, tuple[str, ...]]
    bands: BandThresholds = DEFAULT_BANDS


@dataclass(frozen=True)
class Factor:
    id: str
    when: Mapping[str, Any]
    effects: Mapping[str, int]
    reason: Mapping[str, str]
    risk: bool = False  # a risk of delegating: on the model in use, a safeguard to add, not points


@dataclass(frozen=True)
class Precondition:
    """One condition that must hold before RUPA recommends a delegated model the partnership does not use."""

    id: str
    when: Mapping[str, Any]
    reason: Mapping[str, str]


@dataclass(frozen=True)
class Model:
    id: str
    name: Mapping[str, str]
    form: Mapping[str, str]
    strengths: Mapping[str, str]
    risks: Mapping[str, str]
    assessed_by: str  # "oecd" or "project": whose reading the strengths and risks are
    base: int


@dataclass(frozen=True)
class RecommendationRule:
    id: str
    priority: str
    when: Mapping[str, Any]


@dataclass(frozen=True)
class Recommendation:
    id: str
    title: Mapping[str, str]
    explanation: Mapping[str, str]
    actions: tuple[Mapping[str, str], ...]
    level: str
    addresses: tuple[str, ...]
    example: Mapping[str, str] | None
    rules: tuple[RecommendationRule, ...]
    overlaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    version: str
    settings: Settings
    models: Mapping[str, Model]
    factors: tuple[Factor, ...]
    recommendations: tuple[Recommendation, ...]
    words: Words
    preconditions: tuple[Precondition, ...] = ()


class _File:
    """One rule file, its structure checked against its declared format (formats/<name>.schema.yaml) when
    read; the loaders then check what only the questionnaire and the other files can tell."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        try:
            self.data = load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RuleError(str(path), "-", "file not found") from None
        except yaml.YAMLError as error:
            raise RuleError(str(path), "-", f"not valid YAML ({error})") from None
        faults = rule_format(name).faults(self.data)
        if faults:
            raise RuleError(str(path), faults[0].where(self.data) or "-", faults[0].message)

    def fail(self, rule: str, message: str) -> NoReturn:
        raise RuleError(str(self.path), rule, message)

    @staticmethod
    def text(mapping: Mapping[str, Any], key: str) -> Mapping[str, str]:
        """A text the format requires, typeset in each language it gives."""
        return Localised({lang: typeset(text, lang) if isinstance(text, str) else text
                          for lang, text in mapping[key].items()})

    @classmethod
    def optional_text(cls, mapping: Mapping[str, Any], key: str) -> Mapping[str, str] | None:
        return cls.text(mapping, key) if key in mapping else None


@cache
def rule_format(name: str) -> formats.Format:
    """The declared format of a rule file (formats/<name>.schema.yaml), its texts in every language."""
    return formats.Format(formats.schema(name, LANGUAGES))


def load_rules(questionnaire: Questionnaire, directory: Path = RULES_DIR) -> RuleSet:
    """Load and check the three rule files against the questionnaire the rules refer to."""
    settings_file = _File(directory / "scoring.yaml", "scoring")
    s = settings_file.data["settings"]
    settings = Settings(
        min_group_size=s["min_group_size"],
        gap_flag_points=float(s["gap_flag_points"]),
        contested_sd_points=float(s["contested_sd_points"]),
        contested_split_share=float(s["contested_split_share"]),
        contested_min_respondents=s["contested_min_respondents"],
        max_high=s["max_high"],
        first_steps=_first_steps(settings_file, questionnaire),
        bands=_bands(settings_file, s),
    )
    version = settings_file.data["version"]
    models, factors, preconditions = _load_governance(_File(directory / "governance.yaml", "governance"), questionnaire)
    recommendations = _load_recommendations(_File(directory / "recommendations.yaml", "recommendations"), questionnaire)

    def fail(rule: str, message: str) -> NoReturn:
        raise RuleError(str(directory / WORDS_FILE), rule, message)

    words = load_words(directory, questionnaire, models, fail)
    return RuleSet(version=version, settings=settings, models=models, factors=factors,
                   recommendations=recommendations, words=words, preconditions=preconditions)


def _action(file: _File, raw: Any, level: str, rec_id: str) -> Mapping[str, str]:
    """An action's words and the level that carries it out (the recommendation's unless it names its own)."""
    text = file.text({"action": {lang: words for lang, words in raw.items() if lang != "level"}}, "action")
    own = raw.get("level", level)
    if own not in LEVELS:
        file.fail(f"{rec_id}.actions", f"level {own!r} is not one of {', '.join(LEVELS)}")
    return Localised({**{lang: text[lang] for lang in LANGUAGES}, "level": own})


def _bands(file: _File, settings: Any) -> BandThresholds:
    raw = settings["bands"]
    strength, developing = raw["strength"], raw["developing"]
    if not 0 < developing < strength <= 100:
        file.fail("settings.bands", "must give the thresholds 'strength' and 'developing', with "
                                    "0 < developing < strength <= 100")
    return BandThresholds(strength=float(strength), developing=float(developing))


def _first_steps(file: _File, questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    raw = file.data["first_steps"]
    stages = set(questionnaire.items["profile.stage"].option_values)
    if set(raw) != stages:
        file.fail("first_steps", f"must name every stage of profile.stage: {', '.join(sorted(map(str, stages)))}")
    for stage, dimensions in raw.items():
        if any(d not in DIMENSION_IDS for d in dimensions):
            file.fail(f"first_steps.{stage}", "must be a list of dimension ids")
    return {stage: tuple(dimensions) for stage, dimensions in raw.items()}


def _no_recommended_model(node: Any, file: _File, rule: str) -> None:
    """The ranking cannot depend on its own outcome: governance rules may look at 'current' only."""
    if isinstance(node, dict):
        if node.get("governance") == "recommended":
            file.fail(rule, "governance factors may use 'governance: current' only, not 'recommended'")
        for child in node.values():
            _no_recommended_model(child, file, rule)
    elif isinstance(node, list):
        for child in node:
            _no_recommended_model(child, file, rule)


def _load_governance(file: _File, questionnaire: Questionnaire) -> tuple[
        dict[str, Model], tuple[Factor, ...], tuple[Precondition, ...]]:
    checker = RuleChecker(questionnaire, str(file.path))
    raw_models = file.data["models"]
    if set(raw_models) != set(item_bank.MODELS):
        file.fail("models", f"must define exactly the four models {', '.join(item_bank.MODELS)}")
    models: dict[str, Model] = {}
    for model_id in item_bank.MODELS:
        raw = raw_models[model_id]
        models[model_id] = Model(
            id=model_id, name=file.text(raw, "name"), form=file.text(raw, "form"),
            strengths=file.text(raw, "strengths"), risks=file.text(raw, "risks"),
            assessed_by=raw["assessed_by"], base=raw["base"],
        )
    seen: set[str] = set()

    def entry(raw: Any) -> tuple[str, dict[str, Any]]:
        """An entry's unique id and its checked rule (``why``, which the format requires, documents it for
        the maintainers)."""
        rule_id = raw["id"]
        if rule_id in seen:
            file.fail(rule_id, "duplicate rule id")
        seen.add(rule_id)
        when = raw["when"]
        checker.check(when, rule_id)
        _no_recommended_model(when, file, rule_id)
        return rule_id, when

    factors = []
    for raw in file.data["factors"]:
        factor_id, when = entry(raw)
        effects = raw["effects"]
        for model_id in effects:
            if model_id not in item_bank.MODELS:
                file.fail(factor_id, f"unknown model {model_id!r} in effects")
        factors.append(Factor(id=factor_id, when=when, effects=effects, reason=file.text(raw, "reason"),
                              risk=raw.get("risk", False)))
    preconditions = []
    for raw in file.data["delegation_preconditions"]:
        pre_id, when = entry(raw)
        preconditions.append(Precondition(id=pre_id, when=when, reason=file.text(raw, "reason")))
    return models, tuple(factors), tuple(preconditions)


def _load_recommendations(file: _File, questionnaire: Questionnaire) -> tuple[Recommendation, ...]:
    checker = RuleChecker(questionnaire, str(file.path))
    entries = []
    ids: set[str] = set()
    for raw in file.data["recommendations"]:
        rec_id = raw["id"]
        if rec_id in ids:
            file.fail(rec_id, "duplicate recommendation id")
        ids.add(rec_id)
        actions = raw["actions"]  # two to four, as the format says
        level = raw["level"]
        if level not in LEVELS:
            file.fail(rec_id, f"level {level!r} is not one of {', '.join(LEVELS)}")
        addresses = raw["addresses"]
        for dimension_id in addresses:
            if dimension_id not in DIMENSION_IDS:
                file.fail(rec_id, f"addresses unknown dimension {dimension_id!r}")
        rules = []
        for raw_rule in raw["rules"]:
            rule_id = raw_rule["id"]
            if rule_id in ids:
                file.fail(rule_id, "duplicate rule id")
            ids.add(rule_id)
            priority = raw_rule["priority"]
            if priority not in PRIORITIES:
                file.fail(rule_id, f"priority {priority!r} is not one of {', '.join(PRIORITIES)}")
            when = raw_rule["when"]
            checker.check(when, rule_id)
            rules.append(RecommendationRule(id=rule_id, priority=priority, when=when))
        entries.append(Recommendation(
            id=rec_id, title=file.text(raw, "title"), explanation=file.text(raw, "explanation"),
            actions=tuple(_action(file, a, level, rec_id) for a in actions),
            level=level, addresses=tuple(addresses), example=file.optional_text(raw, "example"),
            rules=tuple(rules), overlaps=tuple(raw.get("overlaps") or ()),
        ))
    known = {entry.id for entry in entries}
    for entry in entries:
        for other in entry.overlaps:
            if other not in known or other == entry.id:
                file.fail(entry.id, f"overlaps unknown recommendation {other!r}")
    return tuple(entries)
