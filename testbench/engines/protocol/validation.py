"""Check protocol messages against their published JSON Schemas (Draft 2020-12) with ``jsonschema``.

The schemas in ``schemas/`` are the contract a vendor shim is written against; the bench checks every
result it receives with the same files and a standard validator, so what the conformance kit accepts
and what a campaign accepts cannot drift apart. Violations read in French, each with the JSON path of
the offending value (``$.lines[0].amo``) and JSON names for types and values, never Python ones.
:func:`nonconforming` says it as one sentence, and :data:`EN_SHAPES` reads that sentence back in English
(``testbench.i18n``), each violation on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from testbench.fmt import shown
from testbench.i18n import tn

if TYPE_CHECKING:  # imported when a first message is checked: reading EN_SHAPES (i18n) stays cheap
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_JSON_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "boolean"),  # before int: True is an int in Python
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (dict, "object"),
    (list, "array"),
    (type(None), "null"),
)


def has_schema(name: str) -> bool:
    """True when a schema named ``name`` (e.g. ``create_invoice.result``) is published."""
    return resources.files("testbench.engines.protocol").joinpath(f"schemas/{name}.json").is_file()


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``testbench/engines/protocol/schemas`` (e.g. ``create_invoice.result``)."""
    text = resources.files("testbench.engines.protocol").joinpath(f"schemas/{name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(_inline_refs(schema, schema.get("$defs", {}), ()))


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    """The schema with its local ``#/$defs/…`` references replaced by their targets.

    Same answers, about half the time: resolving a reference on every value is what a validator spends most
    on, and every result of a campaign is validated. Our schemas have no recursive definition.
    """
    if isinstance(node, list):
        return [_inline_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        target = ref.removeprefix("#/$defs/")
        if target in seen or target not in defs:
            return node  # recursive or unknown: left to the validator
        return _inline_refs(defs[target], defs, (*seen, target))
    return {key: _inline_refs(value, defs, seen) for key, value in node.items()}


@cache
def _fast_check(name: str) -> Callable[[Any], Any]:
    """The schema compiled to Python by ``fastjsonschema``: the yes/no answer of every result, cheaply.

    Our schemas use only Draft 7 keywords once their references are inlined, so the compiled check gives
    the answer ``jsonschema`` gives; ``jsonschema`` still words the violations when there are some.
    """
    import fastjsonschema

    original = load_schema(name)
    schema = _inline_refs(original, original.get("$defs", {}), ())
    schema.pop("$defs", None)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def check(value: Any, name: str, root: str = "$") -> list[str]:
    """The violations of ``value`` against the schema ``name`` (empty when it conforms), each one's path
    from ``root`` (``trace.params.channel`` says which part of a message a violation is in)."""
    from fastjsonschema import JsonSchemaValueException

    try:
        _fast_check(name)(value)
    except JsonSchemaValueException:
        return _messages(_validator(name).iter_errors(value), root)
    return []


def nonconforming(method: str, schema: str, errors: list[str], shown: int = 5) -> str:
    """The reason for a result that does not conform: the method, its schema, the first violations."""
    rest = len(errors) - shown
    more = (" (et 1 autre)" if rest == 1 else f" (et {rest} autres)") if rest > 0 else ""
    return f"{method} : résultat non conforme au schéma {schema}.json : " + _SEPARATOR.join(errors[:shown]) + more


_SEPARATOR = " ; "
_NONCONFORMING = re.compile(
    r"(?P<method>[\w.]+) : résultat non conforme au schéma (?P<schema>[\w.]+) : (?P<errors>.+?)"
    r"(?: \(et (?P<more>\d+) autres?(?:\(s\))?\))?",  # « autre(s) »: the wording of older sessions
    re.DOTALL,
)


def _nonconforming_en(match: re.Match[str], t: Callable[[str], str]) -> str:
    errors = "; ".join(t(error) for error in match["errors"].split(_SEPARATOR))
    more = f" (and {match['more']} more)" if match["more"] else ""
    return f"{match['method']}: result does not conform to schema {match['schema']}: {errors}{more}"


def violations(errors: list[str], shown: int = 4) -> str:
    """The first violations of a message, as the conformance kit's detail of a check."""
    return "schéma : " + _SEPARATOR.join(errors[:shown])


_VIOLATIONS = re.compile(r"schéma : (?P<errors>.+)", re.DOTALL)


def _violations_en(match: re.Match[str], t: Callable[[str], str]) -> str:
    return "schema: " + "; ".join(t(error) for error in match["errors"].split(_SEPARATOR))


#: Sentences of this module that ``testbench.i18n`` reads back in English (each violation is a template there).
EN_SHAPES = ((_NONCONFORMING, _nonconforming_en), (_VIOLATIONS, _violations_en))


def json_path(parts: Iterable[str | int], root: str = "$") -> str:
    """``["lines", 0, "amo"]`` → ``$.lines[0].amo``."""
    out = root
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _type_name(value: Any) -> str:
    for py_type, name in _JSON_TYPES:
        if isinstance(value, py_type):
            return name
    return type(value).__name__


def _show(value: Any, limit: int = 60) -> str:
    """A value of the message, as JSON cut short, its control characters made visible (testbench.fmt)."""
    return shown(json.dumps(value, ensure_ascii=False, default=str), limit)


def _describe(error: ValidationError, path: str) -> list[str]:
    """The violations ``error`` stands for, each a sentence about ``path`` (a count agrees with its number)."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        names = expected if isinstance(expected, list) else [expected]
        return [f"{path} : type {_type_name(value)} au lieu de {'|'.join(names)}"]
    if keyword == "required":
        return [f"{path} : champ obligatoire absent « {name} »" for name in expected if name not in value]
    if keyword == "additionalProperties":
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [f"{path} : champ inattendu « {name} »" for name in value if name not in known]
    if keyword == "const":
        return [f"{path} : {_show(value)} au lieu de {_show(expected)}"]
    if keyword == "enum":
        return [f"{path} : {_show(value)} hors de {', '.join(_show(v) for v in expected)}"]
    if keyword == "pattern":
        return [f"{path} : {_show(value)} ne suit pas le motif {expected}"]
    if keyword == "minLength":
        return [
            tn(
                "{path} : chaîne de moins de {count} caractère",
                "{path} : chaîne de moins de {count} caractères",
                expected,
                "fr",
                path=path,
            )
        ]
    if keyword == "maxLength":
        return [
            tn(
                "{path} : chaîne de plus de {count} caractère",
                "{path} : chaîne de plus de {count} caractères",
                expected,
                "fr",
                path=path,
            )
        ]
    if keyword == "minimum":
        return [f"{path} : {_show(value)} inférieur au minimum {expected}"]
    if keyword == "maximum":
        return [f"{path} : {_show(value)} supérieur au maximum {expected}"]
    if keyword == "minItems":
        return [
            tn("{path} : moins de {count} élément", "{path} : moins de {count} éléments", expected, "fr", path=path)
        ]
    if keyword in ("oneOf", "anyOf") and error.context:
        return _nearest_form(error.context, path) or [f"{path} : ne correspond à aucune des formes permises"]
    if keyword == "oneOf":
        return [f"{path} : correspond à plusieurs formes au lieu d'une seule"]
    return [f"{path} : non conforme ({keyword})"]


def _nearest_form(context: list[ValidationError], path: str) -> list[str]:
    """The violations of the one permitted form the value misses by least: first the form whose members it has
    all (a response whose ``error`` is malformed: that ``error``, not a request missing its ``method``), then the
    fewest violations (a response with one member too many: that member, not « no form »); empty when two forms
    come equally near, none of them then being the one meant."""
    forms: dict[Any, tuple[list[str], list[ValidationError]]] = {}
    for sub in context:
        said, subs = forms.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else None, ([], []))
        subs.append(sub)
        for message in _describe(sub, path + json_path(sub.relative_path, "")):
            if message not in said:
                said.append(message)

    def distance(form: tuple[list[str], list[ValidationError]]) -> tuple[int, int]:
        said, subs = form
        return sum(sub.validator == "required" and not sub.relative_path for sub in subs), len(said)

    ranked = sorted(forms.values(), key=distance)
    if len(ranked) > 1 and distance(ranked[0]) == distance(ranked[1]):
        return []
    return ranked[0][0]


def _messages(errors: Iterable[ValidationError], root: str = "$") -> list[str]:
    out: list[str] = []
    for error in errors:
        for message in _describe(error, json_path(error.absolute_path, root)):
            if message not in out:
                out.append(message)
    return out
