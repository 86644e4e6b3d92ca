"""Load and validate the questionnaire content files.

The instrument is data: ``content/<version>/questionnaire.yaml`` names the scales and the section
files, one section a page. Loading checks the whole tree like a compiler and raises
:class:`ContentError` naming the file, the path inside it and the fault, so that a broken content file
stops the app at start-up instead of confusing a respondent later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

import yaml

from questionnaire import item_bank
from questionnaire.item_types import ITEM_TYPES, ItemType
from typography import typeset

CONTENT_DIR = Path(__file__).parent / "content"
LANGUAGES = ("en", "fr")  # the languages every content and rule file translates, each text checked
FALLBACK_LANGUAGE = "en"
# A text may also be given in further languages (a translation under way, e.g. "de"): each such text is
# used where it exists, the fallback language's elsewhere. Their codes are checked for shape only.
FURTHER_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


class Localised(dict[str, str]):
    """A text in each of LANGUAGES; asked for another language (one that RUPA_LANGUAGES adds before its
    content is translated), the fallback language's text instead of a KeyError."""

    def __missing__(self, lang: str) -> str:
        return str(self[FALLBACK_LANGUAGE])

# libyaml's parser where PyYAML was built with it (the wheels are): the same documents, parsed several
# times faster than by the pure-Python one (the content and rule files took a third of a second).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """A YAML document as plain data (safe: no Python objects), by the fastest safe loader there is."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader




Text = Mapping[str, str]
Value = int | str | list[str]


class ContentError(Exception):
    """A fault in a content file: where it is and what is wrong."""

    def __init__(self, file: Path | str, where: str, message: str) -> None:
        self.file, self.where, self.message = str(file), where, message
        super().__init__(f"{self.file}: {where}: {message}" if where else f"{self.file}: {message}")


@dataclass(frozen=True)
class Option:
    value: int | str
    label: Text


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    text: Text
    required: bool
    options: tuple[Option, ...] = ()
    scale: str | None = None
    allows_dont_know: bool = False
    max_length: int | None = None
    help: Text | None = None
    topic: Text | None = None
    exclusive: tuple[str, ...] = ()

    @cached_property
    def option_values(self) -> tuple[int | str, ...]:
        return tuple(option.value for option in self.options)

    @cached_property
    def accepted_values(self) -> frozenset[int | str]:
        """Every valid answer of a scale or single-choice item, \"don't know\" included where allowed."""
        return frozenset(self.option_values) | ({item_bank.DONT_KNOW} if self.allows_dont_know else frozenset())

    @cached_property
    def kind(self) -> ItemType:
        """What its ``type`` makes of it: values, forms, cells, widget, paper code, schema (item_types.py)."""
        return ITEM_TYPES[self.type]

    def value_fault(self, value: Any) -> str | None:
        """Why ``value`` is not a valid answer to this item, or None when it is."""
        if not isinstance(value, bool | list | dict) and value in self.accepted_values and self.kind.coded:
            return None  # the common case, checked first: scoring 10,000 respondents calls this 700,000 times
        return self.kind.value_fault(self, value)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text | None
    items: tuple[Item, ...]
    file: str


@dataclass(frozen=True)
class Questionnaire:
    version: str
    sections: tuple[Section, ...]
    dont_know: Text
    items: Mapping[str, Item] = field(repr=False)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def section_index(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.sections) if s.id == section_id)

    def section_of(self, item_id: str) -> Section:
        return next(s for s in self.sections if any(i.id == item_id for i in s.items))


class _Reader:
    """Walks one YAML file and reports faults with their path inside it."""

    def __init__(self, file: Path) -> None:
        self.file = file
        try:
            self.data = load_yaml(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContentError(file, "", "file not found") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            raise ContentError(file, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
        if not isinstance(self.data, dict):
            raise ContentError(file, "", "must be a mapping at the top level")

    def options(self, raw: Mapping[str, Any], where: str) -> tuple[Option, ...]:
        return load_options(self, raw, where)

    def fail(self, where: str, message: str) -> NoReturn:
        raise ContentError(self.file, where, message)

    def get(self, mapping: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...],
            required: bool = True) -> Any:
        if key not in mapping:
            if required:
                self.fail(where, f"missing '{key}'")
            return None
        value = mapping[key]
        if not isinstance(value, kind) or isinstance(value, bool) and bool not in _as_tuple(kind):
            names = "/".join(k.__name__ for k in _as_tuple(kind))
            self.fail(f"{where}.{key}" if where else key, f"must be {names}, not {type(value).__name__}")
        return value

    def text(self, mapping: Mapping[str, Any], key: str, where: str) -> Text:
        """A required text in every language."""
        found = self.optional_text(mapping, key, where, required=True)
        if found is None:  # get() has failed already
            self.fail(where, f"missing '{key}'")
        return found

    def optional_text(self, mapping: Mapping[str, Any], key: str, where: str, required: bool = False) -> Text | None:
        value = self.get(mapping, key, where, dict, required)
        if value is None:
            return None
        path = f"{where}.{key}" if where else key
        for lang in LANGUAGES:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(path, f"missing {lang!r} translation")
        for lang in sorted(set(value) - set(LANGUAGES)):
            if not isinstance(lang, str) or not FURTHER_LANGUAGE.fullmatch(lang):
                self.fail(path, f"unknown language {lang!r} (a language code such as 'de' or 'pt_BR')")
            if not isinstance(value[lang], str) or not value[lang].strip():
                self.fail(path, f"empty {lang!r} translation")
        return Localised({lang: typeset(text, lang) for lang, text in value.items()})


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def load_questionnaire(directory: Path) -> Questionnaire:
    """Load and validate one questionnaire version from its directory."""
    manifest = _Reader(directory / "questionnaire.yaml")
    version = manifest.get(manifest.data, "version", "", str)
    dont_know = manifest.text(manifest.data, "dont_know", "")
    scales = _load_scales(manifest)
    sections: list[Section] = []
    items: dict[str, Item] = {}
    seen_files: dict[str, Path] = {}
    for index, name in enumerate(manifest.get(manifest.data, "sections", "", list)):
        if not isinstance(name, str):
            manifest.fail(f"sections[{index}]", "must be a file name")
        section = _load_section(_Reader(directory / name), scales)
        if section.id in {s.id for s in sections}:
            manifest.fail(f"sections[{index}]", f"duplicate section id {section.id!r}")
        for item in section.items:
            if item.id in items:
                raise ContentError(
                    directory / name, f"items ({item.id})",
                    f"duplicate item id (already in {seen_files[item.id].name})",
                )
            items[item.id] = item
            seen_files[item.id] = directory / name
        sections.append(section)
    _check_item_bank(directory, items, seen_files)
    return Questionnaire(version=version, sections=tuple(sections), dont_know=dont_know, items=items)


def _load_scales(manifest: _Reader) -> dict[str, tuple[tuple[Option, ...], bool]]:
    scales: dict[str, tuple[tuple[Option, ...], bool]] = {}
    for scale_id, spec in manifest.get(manifest.data, "scales", "", dict).items():
        where = f"scales.{scale_id}"
        if scale_id not in item_bank.SCALES:
            manifest.fail(where, f"unknown scale (known: {', '.join(item_bank.SCALES)})")
        if not isinstance(spec, dict):
            manifest.fail(where, "must be a mapping")
        options: list[Option] = []
        for n, point in enumerate(manifest.get(spec, "values", where, list)):
            point_where = f"{where}.values[{n}]"
            if not isinstance(point, dict):
                manifest.fail(point_where, "malformed option: must be a mapping with value and label")
            value = manifest.get(point, "value", point_where, (int, str))
            options.append(Option(value=value, label=manifest.text(point, "label", point_where)))
        if tuple(o.value for o in options) != item_bank.SCALES[scale_id]:
            manifest.fail(f"{where}.values", f"must be exactly {list(item_bank.SCALES[scale_id])}")
        scales[scale_id] = (tuple(options), bool(manifest.get(spec, "dont_know", where, bool, False)))
    return scales


def _load_section(reader: _Reader, scales: Mapping[str, tuple[tuple[Option, ...], bool]]) -> Section:
    data = reader.data
    section_id = reader.get(data, "id", "", str)
    items: list[Item] = []
    for n, raw in enumerate(reader.get(data, "items", "", list)):
        where = f"items[{n}]"
        if not isinstance(raw, dict):
            reader.fail(where, "must be a mapping")
        item_id = reader.get(raw, "id", where, str)
        where = f"items[{n}] ({item_id})"
        item_type = reader.get(raw, "type", where, str)
        if item_type not in ITEM_TYPES:
            reader.fail(where, f"unknown type {item_type!r} (known: {', '.join(ITEM_TYPES)})")
        fields: dict[str, Any] = {
            "id": item_id,
            "type": item_type,
            "text": reader.text(raw, "text", where),
            "help": reader.optional_text(raw, "help", where),
            "topic": reader.optional_text(raw, "topic", where),
            "required": reader.get(raw, "required", where, bool, required=False) or False,
        }
        fields.update(ITEM_TYPES[item_type].read(reader, raw, where, scales))
        items.append(Item(**fields))
    return Section(
        id=section_id,
        title=reader.text(data, "title", ""),
        intro=reader.optional_text(data, "intro", ""),
        items=tuple(items),
        file=str(reader.file),
    )


def load_options(reader: _Reader, raw: Mapping[str, Any], where: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for n, option in enumerate(reader.get(raw, "options", where, list)):
        option_where = f"{where}.options[{n}]"
        if not isinstance(option, dict):
            reader.fail(option_where, "malformed option: must be a mapping with id and label")
        option_id = reader.get(option, "id", option_where, str)
        if option_id in {o.value for o in options}:
            reader.fail(option_where, f"duplicate option id {option_id!r}")
        options.append(Option(value=option_id, label=reader.text(option, "label", option_where)))
    if not options:
        reader.fail(where, "has no options")
    return tuple(options)


def _check_item_bank(directory: Path, items: Mapping[str, Item], files: Mapping[str, Path]) -> None:
    """Every stable id of docs/assessment-model.md §6 is present with its type and scale or option ids."""
    for item_id, (item_type, spec) in item_bank.required_shape().items():
        item = items.get(item_id)
        if item is None:
            raise ContentError(directory, item_id, "stable item id missing from every section")
        where = f"items ({item_id})"
        if item.type != item_type:
            raise ContentError(files[item_id], where, f"must be of type {item_type!r}, not {item.type!r}")
        if item_type == "scale" and item.scale != spec:
            raise ContentError(files[item_id], where, f"must use scale {spec!r}, not {item.scale!r}")
        options = set(spec) if isinstance(spec, tuple) else set()
        if item_type in ("choice", "multi") and set(item.option_values) != options:
            missing = sorted(options - set(item.option_values))
            extra = sorted(map(str, set(item.option_values) - options))
            raise ContentError(
                files[item_id], where, f"options must be the stable ids (missing {missing}, unknown {extra})"
            )


def load_all(content_dir: Path = CONTENT_DIR) -> dict[str, Questionnaire]:
    """Every shipped questionnaire version, keyed by version: answers saved on an older one stay readable."""
    versions = {}
    for directory in sorted(p for p in content_dir.iterdir() if (p / "questionnaire.yaml").exists()):
        questionnaire = load_questionnaire(directory)
        if questionnaire.version != directory.name:
            raise ContentError(directory / "questionnaire.yaml", "version",
                               f"{questionnaire.version!r} does not match its folder {directory.name!r}")
        versions[questionnaire.version] = questionnaire
    if not versions:
        raise ContentError(content_dir, "", "no questionnaire version found")
    return versions
