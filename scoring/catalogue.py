"""Load the scorer's data files (settings, governance models, recommendation catalogue) and check
them whole at start-up: a broken file stops the app with the file, the rule and the fault."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml

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
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data = load_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RuleError(str(path), "-", "file not found") from None
        except yaml.YAMLError as error:
            raise RuleError(str(path), "-", f"not valid YAML ({error})") from None

    def fail(self, rule: str, message: str) -> NoReturn:
        raise RuleError(str(self.path), rule, message)

    def get(self, mapping: Any, key: str, rule: str, kind: type | tuple[type, ...], required: bool = True) -> Any:
        if not isinstance(mapping, dict):
            self.fail(rule, "must be a mapping")
        if key not in mapping:
            if required:
                self.fail(rule, f"missing '{key}'")
            return None
        value = mapping[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(rule, f"'{key}' has the wrong type ({type(value).__name__})")
        return value

    def text(self, mapping: Any, key: str, rule: str) -> Mapping[str, str]:
        """A required text in every language."""
        found = self.optional_text(mapping, key, rule, required=True)
        if found is None:  # get() has failed already
            self.fail(rule, f"missing '{key}'")
        return found

    def optional_text(self, mapping: Any, key: str, rule: str, required: bool = False) -> Mapping[str, str] | None:
        value = self.get(mapping, key, rule, dict, required)
        if value is None:
            return None
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(rule, f"'{key}' is missing its {lang!r} text")
        return Localised({**value, **{lang: typeset(value[lang], lang) for lang in LANGUAGES}})


def load_rules(questionnaire: Questionnaire, directory: Path = RULES_DIR) -> RuleSet:
    """Load and check the three rule files against the questionnaire the rules refer to."""
    settings_file = _File(directory / "scoring.yaml")
    s = settings_file.get(settings_file.data, "settings", "settings", dict)
    settings = Settings(
        min_group_size=settings_file.get(s, "min_group_size", "settings", int),
        gap_flag_points=float(settings_file.get(s, "gap_flag_points", "settings", (int, float))),
        contested_sd_points=float(settings_file.get(s, "contested_sd_points", "settings", (int, float))),
        contested_split_share=float(settings_file.get(s, "contested_split_share", "settings", (int, float))),
        contested_min_respondents=settings_file.get(s, "contested_min_respondents", "settings", int),
        max_high=settings_file.get(s, "max_high", "settings", int),
        first_steps=_first_steps(settings_file, questionnaire),
        bands=_bands(settings_file, s),
    )
    version = settings_file.get(settings_file.data, "version", "version", str)
    models, factors, preconditions = _load_governance(_File(directory / "governance.yaml"), questionnaire)
    recommendations = _load_recommendations(_File(directory / "recommendations.yaml"), questionnaire)

    def fail(rule: str, message: str) -> NoReturn:
        raise RuleError(str(directory / WORDS_FILE), rule, message)

    words = load_words(directory, questionnaire, models, fail)
    return RuleSet(version=version, settings=settings, models=models, factors=factors,
                   recommendations=recommendations, words=words, preconditions=preconditions)


def _action(file: _File, raw: Any, level: str, rec_id: str) -> Mapping[str, str]:
    """An action's words and the level that carries it out (the recommendation's unless it names its own)."""
    text = file.text({"action": raw}, "action", f"{rec_id}.actions")
    own = raw.get("level", level) if isinstance(raw, dict) else level
    if own not in LEVELS:
        file.fail(f"{rec_id}.actions", f"level {own!r} is not one of {', '.join(LEVELS)}")
    return Localised({**{lang: text[lang] for lang in LANGUAGES}, "level": own})


def _bands(file: _File, settings: Any) -> BandThresholds:
    raw = file.get(settings, "bands", "settings.bands", dict)
    strength = file.get(raw, "strength", "settings.bands", (int, float))
    developing = file.get(raw, "developing", "settings.bands", (int, float))
    if set(raw) != {"strength", "developing"} or not 0 < developing < strength <= 100:
        file.fail("settings.bands", "must give the thresholds 'strength' and 'developing', with "
                                    "0 < developing < strength <= 100")
    return BandThresholds(strength=float(strength), developing=float(developing))


def _first_steps(file: _File, questionnaire: Questionnaire) -> dict[str, tuple[str, ...]]:
    raw = file.get(file.data, "first_steps", "first_steps", dict)
    stages = set(questionnaire.items["profile.stage"].option_values)
    if set(raw) != stages:
        file.fail("first_steps", f"must name every stage of profile.stage: {', '.join(sorted(map(str, stages)))}")
    for stage, dimensions in raw.items():
        if not isinstance(dimensions, list) or any(d not in DIMENSION_IDS for d in dimensions):
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
    raw_models = file.get(file.data, "models", "models", dict)
    if set(raw_models) != set(item_bank.MODELS):
        file.fail("models", f"must define exactly the four models {', '.join(item_bank.MODELS)}")
    models: dict[str, Model] = {}
    for model_id in item_bank.MODELS:
        raw = raw_models[model_id]
        rule = f"models.{model_id}"
        assessed_by = file.get(raw, "assessed_by", rule, str)
        if assessed_by not in ("oecd", "project"):
            file.fail(rule, "'assessed_by' must be 'oecd' or 'project'")
        models[model_id] = Model(
            id=model_id, name=file.text(raw, "name", rule), form=file.text(raw, "form", rule),
            strengths=file.text(raw, "strengths", rule), risks=file.text(raw, "risks", rule),
            assessed_by=assessed_by, base=file.get(raw, "base", rule, int),
        )
    seen: set[str] = set()

    def entry(raw: Any, place: str) -> tuple[str, dict[str, Any]]:
        """An entry's unique id and its checked rule (``why`` documents it for the maintainers)."""
        rule_id = file.get(raw, "id", place, str)
        if rule_id in seen:
            file.fail(rule_id, "duplicate rule id")
        seen.add(rule_id)
        file.get(raw, "why", rule_id, str)
        when = file.get(raw, "when", rule_id, dict)
        checker.check(when, rule_id)
        _no_recommended_model(when, file, rule_id)
        return rule_id, when

    factors = []
    for n, raw in enumerate(file.get(file.data, "factors", "factors", list)):
        factor_id, when = entry(raw, f"factors[{n}]")
        effects = file.get(raw, "effects", factor_id, dict)
        for model_id, points in effects.items():
            if model_id not in item_bank.MODELS:
                file.fail(factor_id, f"unknown model {model_id!r} in effects")
            if isinstance(points, bool) or not isinstance(points, int) or not -100 <= points <= 100:
                file.fail(factor_id, f"effect on {model_id} must be a whole number of points from -100 to 100")
        risk = file.get(raw, "risk", factor_id, bool, required=False) or False
        factors.append(Factor(id=factor_id, when=when, effects=effects, reason=file.text(raw, "reason", factor_id),
                              risk=risk))
    preconditions = []
    for n, raw in enumerate(file.get(file.data, "delegation_preconditions", "delegation_preconditions", list)):
        pre_id, when = entry(raw, f"delegation_preconditions[{n}]")
        preconditions.append(Precondition(id=pre_id, when=when, reason=file.text(raw, "reason", pre_id)))
    return models, tuple(factors), tuple(preconditions)


def _load_recommendations(file: _File, questionnaire: Questionnaire) -> tuple[Recommendation, ...]:
    checker = RuleChecker(questionnaire, str(file.path))
    entries = []
    ids: set[str] = set()
    for n, raw in enumerate(file.get(file.data, "recommendations", "recommendations", list)):
        rec_id = file.get(raw, "id", f"recommendations[{n}]", str)
        if rec_id in ids:
            file.fail(rec_id, "duplicate recommendation id")
        ids.add(rec_id)
        actions = file.get(raw, "actions", rec_id, list)
        if not 2 <= len(actions) <= 4:
            file.fail(rec_id, f"needs two to four actions, has {len(actions)}")
        level = file.get(raw, "level", rec_id, str)
        if level not in LEVELS:
            file.fail(rec_id, f"level {level!r} is not one of {', '.join(LEVELS)}")
        addresses = file.get(raw, "addresses", rec_id, list)
        for dimension_id in addresses:
            if dimension_id not in DIMENSION_IDS:
                file.fail(rec_id, f"addresses unknown dimension {dimension_id!r}")
        rules = []
        for m, raw_rule in enumerate(file.get(raw, "rules", rec_id, list)):
            rule_id = file.get(raw_rule, "id", f"{rec_id}.rules[{m}]", str)
            if rule_id in ids:
                file.fail(rule_id, "duplicate rule id")
            ids.add(rule_id)
            file.get(raw_rule, "why", rule_id, str)
            priority = file.get(raw_rule, "priority", rule_id, str)
            if priority not in PRIORITIES:
                file.fail(rule_id, f"priority {priority!r} is not one of {', '.join(PRIORITIES)}")
            when = file.get(raw_rule, "when", rule_id, dict)
            checker.check(when, rule_id)
            rules.append(RecommendationRule(id=rule_id, priority=priority, when=when))
        if not rules:
            file.fail(rec_id, "needs at least one rule")
        entries.append(Recommendation(
            id=rec_id, title=file.text(raw, "title", rec_id), explanation=file.text(raw, "explanation", rec_id),
            actions=tuple(_action(file, a, level, rec_id) for a in actions),
            level=level, addresses=tuple(addresses), example=file.optional_text(raw, "example", rec_id),
            rules=tuple(rules), overlaps=tuple(file.get(raw, "overlaps", rec_id, list, required=False) or ()),
        ))
    known = {entry.id for entry in entries}
    for entry in entries:
        for other in entry.overlaps:
            if other not in known or other == entry.id:
                file.fail(entry.id, f"overlaps unknown recommendation {other!r}")
    return tuple(entries)
