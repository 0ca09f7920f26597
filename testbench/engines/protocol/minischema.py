"""A small JSON Schema validator (the subset our schemas use), so the bench needs no extra package.

Supported keywords: type, properties, required, additionalProperties, items, enum, const, pattern,
minLength, maxLength, minimum, maximum, minItems, oneOf, anyOf, $ref (local ``#/$defs/...``). Our
schemas use nothing else, so any Draft 2020-12 validator gives the same answers.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = "$") -> list[str]:
    """Return the violations (empty list when ``value`` conforms)."""
    root = root if root is not None else schema
    errors: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        target: Any = root
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        return validate(value, target, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(value, t) for t in types):
            return [f"{path}: type {type(value).__name__} au lieu de {'|'.join(types)}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} au lieu de {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} hors de {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not _regex(schema["pattern"]).search(value):
            errors.append(f"{path}: {value[:60]!r} ne suit pas le motif {schema['pattern']}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path}: chaîne trop courte")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: chaîne trop longue")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} > {schema['maximum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: champ obligatoire absent « {name} »")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                errors.extend(validate(item, props[name], root, f"{path}.{name}"))
            elif extra is False:
                errors.append(f"{path}: champ inattendu « {name} »")
            elif isinstance(extra, dict):
                errors.extend(validate(item, extra, root, f"{path}.{name}"))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: moins de {schema['minItems']} éléments")
        if "items" in schema:
            for i, item in enumerate(value):
                errors.extend(validate(item, schema["items"], root, f"{path}[{i}]"))
    if "anyOf" in schema and not any(not validate(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: ne correspond à aucune des formes permises")
    if "oneOf" in schema:
        matches = sum(1 for s in schema["oneOf"] if not validate(value, s, root, path))
        if matches != 1:
            errors.append(f"{path}: correspond à {matches} formes au lieu d'une seule")
    return errors


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``testbench/engines/protocol/schemas`` (e.g. ``create_invoice.result``)."""
    text = resources.files("testbench.engines.protocol").joinpath(f"schemas/{name}.json").read_text("utf-8")
    return json.loads(text)


def check(value: Any, name: str) -> list[str]:
    schema = load_schema(name)
    return validate(value, schema, schema)
