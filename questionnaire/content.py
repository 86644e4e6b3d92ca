"""Load and validate the questionnaire content files.

The instrument is data: ``content/<version>/questionnaire.yaml`` names the scales and the section
files, one section a page. Loading checks the whole tree like a compiler and raises
:class:`ContentError` naming the file, the path inside it and the fault, so that a broken content file
stops the app at start-up instead of confusing a respondent later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NoReturn

import yaml

import formats
from questionnaire import item_bank
from questionnaire.item_types import ITEM_TYPES, ItemType
from typography import typeset

CONTENT_DIR = Path(__file__).parent / "content"
LANGUAGES = ("en", "fr")  # the languages every content and rule file translates, each text checked
FALLBACK_LANGUAGE = "en"
# A text may also be given in further languages (a translation under way, e.g. "de"): each such text is
# used where it exists, the fallback language's elsewhere. Their codes are checked for shape only, by the
# text format (formats/common.schema.yaml).


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


# Where a section's intro names the partnership being assessed.
PARTNERSHIP_PLACEHOLDER = "{partnership}"


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text | None
    items: tuple[Item, ...]
    file: str

    def intro_naming(self, lang: str, partnership: str) -> str | None:
        """The intro in ``lang`` with the partnership it names (PARTNERSHIP_PLACEHOLDER) filled in."""
        return self.intro[lang].replace(PARTNERSHIP_PLACEHOLDER, partnership) if self.intro else None


@dataclass(frozen=True)
class Term:
    """A term of the glossary, and the words the questionnaire's texts must not use for it."""

    id: str
    term: Text
    definition: Text
    avoid: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allowed_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    version: str
    sections: tuple[Section, ...]
    dont_know: Text
    items: Mapping[str, Item] = field(repr=False)
    glossary: tuple[Term, ...] = ()

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def section_index(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.sections) if s.id == section_id)

    def section_of(self, item_id: str) -> Section:
        return next(s for s in self.sections if any(i.id == item_id for i in s.items))


class _Reader:
    """One YAML file of the content, its structure checked against its declared format (formats/) when
    read; the loaders then check what the format cannot know and report it with the path inside it."""

    def __init__(self, file: Path, format_: formats.Format) -> None:
        self.file = file
        try:
            self.data = load_yaml(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContentError(file, "", "file not found") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else ""
            raise ContentError(file, where, f"not valid YAML ({getattr(exc, 'problem', exc)})") from None
        faults = format_.faults(self.data)
        if faults:
            raise ContentError(file, faults[0].where(self.data), faults[0].message)

    def options(self, raw: Mapping[str, Any], where: str) -> tuple[Option, ...]:
        return load_options(self, raw, where)

    def fail(self, where: str, message: str) -> NoReturn:
        raise ContentError(self.file, where, message)

    @staticmethod
    def text(mapping: Mapping[str, Any], key: str) -> Text:
        """A text the format requires, in every language it gives, typeset for each."""
        return Localised({lang: typeset(text, lang) for lang, text in mapping[key].items()})

    @classmethod
    def optional_text(cls, mapping: Mapping[str, Any], key: str) -> Text | None:
        return cls.text(mapping, key) if key in mapping else None


@cache
def manifest_format() -> formats.Format:
    """The format of a questionnaire.yaml (formats/questionnaire.schema.yaml)."""
    return formats.Format(formats.schema("questionnaire", LANGUAGES))


@cache
def glossary_format() -> formats.Format:
    """The format of a glossary file (formats/glossary.schema.yaml)."""
    return formats.Format(formats.schema("glossary", LANGUAGES))


def section_format() -> formats.Format:
    """The format of a section file (formats/section.schema.yaml), with each item type's own fields."""
    return _section_format(tuple(ITEM_TYPES.values()))


@cache
def _section_format(kinds: tuple[ItemType, ...]) -> formats.Format:
    schema = formats.schema("section", LANGUAGES)
    item = schema["$defs"]["item"]
    item["properties"]["type"]["enum"] = [kind.name for kind in kinds]
    fields = {name: kind for kind in kinds for name in kind.fields.get("properties", {})}
    for name in fields:
        item["properties"].setdefault(name, True)  # a field of some type; whether of this one, below
    for kind in kinds:
        own = kind.fields.get("properties", {})
        refused = {"not": {}, "x-faults": {"not": f"is not a field of a {kind.name} item"}}
        when = {"required": ["type"], "properties": {"type": {"const": kind.name}}}
        then = {**kind.fields, "properties": {**{name: refused for name in fields if name not in own}, **own}}
        item.setdefault("allOf", []).append({"if": when, "then": then})
    return formats.Format(schema)


def load_questionnaire(directory: Path) -> Questionnaire:
    """Load and validate one questionnaire version from its directory."""
    manifest = _Reader(directory / "questionnaire.yaml", manifest_format())
    version = manifest.data["version"]
    dont_know = manifest.text(manifest.data, "dont_know")
    scales = _load_scales(manifest)
    sections: list[Section] = []
    items: dict[str, Item] = {}
    seen_files: dict[str, Path] = {}
    for index, name in enumerate(manifest.data["sections"]):
        section = _load_section(_Reader(directory / name, section_format()), scales)
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
    glossary = _load_glossary(_Reader(directory / manifest.data["glossary"], glossary_format()), items) \
        if "glossary" in manifest.data else ()
    return Questionnaire(version=version, sections=tuple(sections), dont_know=dont_know, items=items,
                         glossary=glossary)


def _load_glossary(reader: _Reader, items: Mapping[str, Item]) -> tuple[Term, ...]:
    terms: list[Term] = []
    for n, raw in enumerate(reader.data["terms"]):
        where = f"terms[{n}] ({raw['id']})"
        if raw["id"] in {term.id for term in terms}:
            reader.fail(where, "duplicate term id")
        for item_id in raw.get("allowed_in", ()):
            if item_id not in items:
                reader.fail(f"{where}.allowed_in", f"unknown item id {item_id!r}")
        terms.append(Term(id=raw["id"], term=reader.text(raw, "term"), definition=reader.text(raw, "definition"),
                          avoid={lang: tuple(words) for lang, words in raw.get("avoid", {}).items()},
                          allowed_in=tuple(raw.get("allowed_in", ()))))
    return tuple(terms)


def _load_scales(manifest: _Reader) -> dict[str, tuple[tuple[Option, ...], bool]]:
    scales: dict[str, tuple[tuple[Option, ...], bool]] = {}
    for scale_id, spec in manifest.data["scales"].items():
        where = f"scales.{scale_id}"
        if scale_id not in item_bank.SCALES:
            manifest.fail(where, f"unknown scale (known: {', '.join(item_bank.SCALES)})")
        options = tuple(Option(value=point["value"], label=manifest.text(point, "label")) for point in spec["values"])
        if tuple(o.value for o in options) != item_bank.SCALES[scale_id]:
            manifest.fail(f"{where}.values", f"must be exactly {list(item_bank.SCALES[scale_id])}")
        scales[scale_id] = (options, spec.get("dont_know", False))
    return scales


def _load_section(reader: _Reader, scales: Mapping[str, tuple[tuple[Option, ...], bool]]) -> Section:
    data = reader.data
    items: list[Item] = []
    for n, raw in enumerate(data["items"]):
        where = f"items[{n}] ({raw['id']})"
        fields: dict[str, Any] = {
            "id": raw["id"], "type": raw["type"], "text": reader.text(raw, "text"),
            "help": reader.optional_text(raw, "help"), "topic": reader.optional_text(raw, "topic"),
            "required": raw.get("required", False),
        }
        fields.update(ITEM_TYPES[raw["type"]].read(reader, raw, where, scales))
        items.append(Item(**fields))
    return Section(id=data["id"], title=reader.text(data, "title"), intro=reader.optional_text(data, "intro"),
                   items=tuple(items), file=str(reader.file))


def load_options(reader: _Reader, raw: Mapping[str, Any], where: str) -> tuple[Option, ...]:
    options: list[Option] = []
    for n, option in enumerate(raw["options"]):
        if option["id"] in {o.value for o in options}:
            reader.fail(f"{where}.options[{n}]", f"duplicate option id {option['id']!r}")
        options.append(Option(value=option["id"], label=reader.text(option, "label")))
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
        # A version may add options to a profile item (the profile is described, not scored), never drop one.
        extra_allowed = item_id.startswith("profile.")
        if item_type in ("choice", "multi") and (
                not options <= set(item.option_values) or set(item.option_values) != options and not extra_allowed):
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
