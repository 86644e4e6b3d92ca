"""RUPA's file formats, each declared once as a JSON Schema beside this file (``<name>.schema.yaml``):
the questionnaire's manifest and section files, the rule files, and the assessment file. The loaders,
``flask score``, ``python -m scoring`` and the API check a document's structure against its schema here
and nothing else checks it again; what one file says about another (an item id a rule names, a scale a
section uses, an answer the questionnaire allows) is checked in Python by the loader that knows both.

A fault names the path inside the document and says what is wrong in words: each keyword has a default
sentence (``MESSAGES``), and a schema node may say its own under ``x-faults`` (keyword: sentence, with
``{property}``, ``{value!r}``, ``{allowed}`` and ``{limit}`` filled in). Validation is by jsonschema-rs,
which checks a 100,000-respondent file's structure in milliseconds; nothing here imports Flask.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

FOLDER = Path(__file__).parent
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# What a JSON type is called in a fault, and what a Python value's type is called.
TYPE_NAMES = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
              "object": "a mapping", "array": "a list", "null": "empty"}
VALUE_TYPES = {str: "text", int: "a whole number", float: "a number", bool: "true or false", dict: "a mapping",
               list: "a list", type(None): "empty"}
MESSAGES = {
    "required": "missing '{property}'",
    "type": "must be {allowed}, not {actual}",
    "enum": "{value!r} is not one of {allowed}",
    "const": "must be {allowed}",
    "additionalProperties": "unknown key(s) {unexpected}",
    "unevaluatedProperties": "unknown key(s) {unexpected}",
    "minItems": "needs at least {limit} entries",
    "maxItems": "takes at most {limit} entries",
    "minLength": "must not be empty",
    "maxLength": "is longer than {limit} characters",
    "minimum": "must be {limit} or more",
    "maximum": "must be {limit} or less",
    "exclusiveMinimum": "must be more than {limit}",
    "pattern": "{value!r} is not of the expected form",
    "propertyNames": "{value!r} is not an allowed key",
    "uniqueItems": "repeats an entry",
}


class FormatError(ValueError):
    """An unknown format name or an unreadable schema file: a fault of RUPA itself, not of a document."""


@dataclass(frozen=True)
class Fault:
    """One place where a document departs from its format: the path inside it and what is wrong."""

    path: tuple[str | int, ...]
    message: str

    def where(self, document: Any = None) -> str:
        """The path as the content files' faults name it: ``items[3] (enabler.trust.1).text``; a list
        entry that has an ``id`` is named by it too."""
        return dotted(self.path, document)


def dotted(path: Sequence[str | int], document: Any = None) -> str:
    """``("items", 3, "text")`` as ``items[3] (its id).text`` (the id read from ``document``)."""
    out, node = "", document
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, Mapping) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, Mapping) else None
    return out


@functools.cache
def _declared(name: str) -> dict[str, Any]:
    schema = _read(name)
    if name != COMMON:
        schema["$defs"] = {**_read(COMMON)["$defs"], **schema.get("$defs", {})}
    return schema


COMMON = "common"  # definitions every format may refer to ("#/$defs/text")


def _read(name: str) -> dict[str, Any]:
    file = FOLDER / f"{name}.schema.yaml"
    try:
        schema = yaml.load(file.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise FormatError(f"no file format {name!r} (no {file.name} in {FOLDER})") from None
    except yaml.YAMLError as error:
        raise FormatError(f"{file}: not valid YAML ({error})") from None
    if not isinstance(schema, dict):
        raise FormatError(f"{file}: must be a JSON Schema mapping")
    return schema


def schema(name: str, languages: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON Schema of format ``name`` as declared, a copy the caller may extend (the OpenAPI document
    fills in the questionnaire's own items, the questionnaire loader each item type's fields). Each text
    (a definition marked ``x-languages: required``) must have every one of ``languages``."""
    declared = copy.deepcopy(_declared(name))
    for definition in declared.get("$defs", {}).values():
        if isinstance(definition, dict) and definition.get("x-languages") == "required":
            definition["required"] = list(languages)
    return declared


def published(schema: Any) -> Any:
    """A schema as published (in the OpenAPI document): without RUPA's own ``x-faults`` sentences."""
    if isinstance(schema, Mapping):
        return {key: published(value) for key, value in schema.items()
                if key not in ("x-faults", "x-languages", "$schema")}
    if isinstance(schema, list):
        return [published(value) for value in schema]
    return schema


class Format:
    """A schema made ready to check documents with; build it once (validators compile the schema)."""

    def __init__(self, declared: Mapping[str, Any]):
        self.schema = dict(declared)
        self._validator = jsonschema_rs.validator_for(self.schema)

    def faults(self, document: Any, limit: int | None = None) -> list[Fault]:
        """Where ``document`` departs from the format, in document order (at most ``limit``)."""
        if self._validator.is_valid(document):  # the common case, and the fastest check
            return []
        found = []
        for error in self._validator.iter_errors(document):
            found.append(Fault(tuple(error.instance_path), self._message(error)))
            if limit is not None and len(found) >= limit:
                break
        return sorted(found, key=lambda fault: tuple((0, p, "") if isinstance(p, int) else (1, 0, p)
                                                     for p in fault.path))

    def _message(self, error: Any) -> str:
        keyword = error.schema_path[-1] if error.schema_path else ""
        node = self._node(error.schema_path[:-1])
        details = error.kind.as_dict() if hasattr(error.kind, "as_dict") else {}
        template = (node.get("x-faults") or {}).get(keyword) or MESSAGES.get(str(keyword))
        if template is None:
            return str(error.message)
        # A key that breaks "propertyNames" is the value at fault, not the mapping that holds it.
        value = getattr(details.get("error"), "instance", error.instance)
        values: dict[str, Any] = {"property": details.get("property", ""), "value": value,
                                  "actual": VALUE_TYPES.get(type(error.instance), type(error.instance).__name__),
                                  "limit": details.get("limit", ""),
                                  "unexpected": ", ".join(map(repr, details.get("unexpected", ())))}
        if keyword == "type":
            types = node.get("type")
            names = types if isinstance(types, list) else [types]
            values["allowed"] = " or ".join(TYPE_NAMES.get(str(name), str(name)) for name in names)
        elif keyword == "enum":
            values["allowed"] = ", ".join(map(str, node.get("enum", ())))
        elif keyword == "const":
            values["allowed"] = repr(node.get("const"))
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return str(error.message)

    def _node(self, path: Sequence[str | int]) -> Mapping[str, Any]:
        """The schema node at ``path`` (jsonschema-rs gives a referenced node's own place, "$defs/...")."""
        node: Any = self.schema
        for part in path:
            if isinstance(node, Mapping):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return {}
        return node if isinstance(node, Mapping) else {}


def names() -> Iterator[str]:
    """Every declared format (not the common definitions)."""
    return (file.name.removesuffix(".schema.yaml") for file in sorted(FOLDER.glob("*.schema.yaml"))
            if file.name != f"{COMMON}.schema.yaml")
