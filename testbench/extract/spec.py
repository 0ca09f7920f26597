"""An extractor's declaration (a ``[[extractors]]`` table of the application profile), checked once.

Every problem is a ``ValueError`` whose French message starts with ``where`` (the profile's file and
table), so the profile loader reports it as it reports its own; the catalogue reads it back in English.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from testbench.domain.vocabulary import ENGINE_CALLS, known_path
from testbench.fmt import REGEX_ERRORS, regex_reason

KINDS = ("regex", "xpath", "fixed", "json")
FIELD_TYPES = ("text", "int", "decimal")
#: The one placeholder of an observation path: the rank of the value among those of the same path (docs/extractors.md).
RANK = "{n}"
_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\[(?:\d+|\{n\})\])*(?:\.[A-Za-z_][\w-]*(?:\[(?:\d+|\{n\})\])*)*")


@dataclass(frozen=True, slots=True)
class FixedField:
    name: str
    start: int  # 1-based column of the first character
    length: int
    type: str = "text"  # text | int | decimal
    scale: int = 0  # decimal: implied decimals ("0016380" with scale 2 is 163.80)

    @property
    def columns(self) -> tuple[int, int]:
        return self.start, self.start + self.length - 1


@dataclass(frozen=True, slots=True)
class FixedRecord:
    type: str  # the record type code, read at the spec's ``record_type`` columns
    fields: tuple[FixedField, ...]
    label: str = ""


@dataclass(frozen=True)
class ExtractorSpec:
    name: str
    kind: str  # "regex" | "xpath" | "fixed" | "json"
    applies_to: tuple[str, ...]  # engine calls (domain.vocabulary.ENGINE_CALLS)
    channel: str | None = None  # regex: trace channel ("app" when not given)
    files: str | None = None  # xpath/fixed/json: output folder key of the profile ("fse", "lots") or a glob
    pattern: str | None = None  # regex with named groups
    fields: Mapping[str, str] = field(default_factory=dict)  # group / XPath / pointer / "TYPE.field" -> path
    records: tuple[FixedRecord, ...] = ()  # fixed: record layouts
    namespaces: Mapping[str, str] = field(default_factory=dict)  # xpath: prefix -> URI
    encoding: str | None = None  # fixed, json: the files' text encoding (None: fixed utf-8, JSON says it)
    record_type: tuple[int, int] = (1, 3)  # fixed: (start column, length) of the record type code
    record_length: int | None = None  # fixed: every record has exactly this many characters
    closing: str | None = None  # fixed: type of the closing record; a file is complete once it is seen
    group: str | None = None  # fixed: a record of this type restarts the {n} ranks (an invoice header)
    stable_for: float = 0.2  # seconds a file's size must stay unchanged before it is read

    def closing_bytes(self) -> bytes | None:
        """What the last line of a complete file starts with (when the type code starts the record)."""
        if self.closing is None or self.record_type[0] != 1 or "A".encode(self.encoding or "utf-8") != b"A":
            return None  # the type elsewhere in the record, or an encoding whose bytes are not ASCII's (UTF-16)
        return self.closing.encode(self.encoding or "utf-8")


_COMMON = {"name", "kind", "applies_to", "fields", "stable_for"}
_KEYS = {
    "regex": _COMMON | {"channel", "pattern"},
    "xpath": _COMMON | {"files", "namespaces"},
    "json": _COMMON | {"files", "encoding"},
    "fixed": _COMMON | {"files", "records", "encoding", "record_type", "record_length", "closing", "group"},
}
_RECORD_KEYS = {"type", "label", "fields"}
_FIELD_KEYS = {"name", "start", "length", "type", "scale"}


def _problem(template: str, **parts: Any) -> ValueError:
    return ValueError(template.format(**parts))


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise _problem("{where} : clé obligatoire absente « {key} »", where=where, key=key)
        return None
    if not isinstance(value, str) or not value:
        raise _problem("{where} : « {key} » doit être un texte non vide", where=where, key=key)
    return value


def _count(table: Mapping[str, Any], key: str, where: str, default: int | None, minimum: int = 1) -> int | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _problem("{where} : « {key} » doit être un entier ≥ {minimum}", where=where, key=key, minimum=minimum)
    return value


def _texts(table: Mapping[str, Any], key: str, where: str) -> Mapping[str, str]:
    value = table.get(key, {})
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _problem("{where} : « {key} » doit être une table de textes", where=where, key=key)
    return dict(value)


def _check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise _problem("{where} : clé inconnue « {key} »", where=where, key=key)


def parse_extractor(table: Mapping[str, Any], where: str) -> ExtractorSpec:
    """The extractor a profile's ``[[extractors]]`` table declares; ``ValueError(f"{where} : …")`` if invalid.
    Its targets are observation paths a casebook can expect, once the rest of it reads."""
    spec = _declared(table, where)
    for path in spec.fields.values():
        if not known_path(path.replace("{n}", "0")):  # a typo (« invoice.totals.amoo ») no expectation reads
            raise _problem(
                "{where} : chemin d'observation inconnu « {path} » (docs/casebook-format.md, chemins d'observation)",
                where=where,
                path=path,
            )
    return spec


def _declared(table: Mapping[str, Any], where: str) -> ExtractorSpec:
    if not isinstance(table, Mapping):
        raise _problem("{where} : un extracteur est une table", where=where)
    name = _text(table, "name", where)
    kind = _text(table, "kind", where)
    if kind not in KINDS:
        raise _problem(
            "{where} : genre d'extracteur inconnu « {kind} » (attendu : regex, xpath, fixed, json)",
            where=where,
            kind=kind,
        )
    if kind == "xpath" and "encoding" in table:
        raise _problem(
            "{where} : « encoding » ne s'applique pas à un fichier XML : il déclare le sien "
            '(<?xml version="1.0" encoding="…"?>, utf-8 sinon)',
            where=where,
        )
    _check_keys(table, _KEYS[kind], where)
    calls = table.get("applies_to")
    if isinstance(calls, str):
        calls = [calls]
    if not isinstance(calls, list) or not calls or not all(isinstance(c, str) for c in calls):
        raise _problem("{where} : « {key} » doit être une liste de textes", where=where, key="applies_to")
    for call in calls:
        if call not in ENGINE_CALLS:
            raise _problem(
                "{where} : appel moteur inconnu « {call} » (attendu : {calls})",
                where=where,
                call=call,
                calls=", ".join(ENGINE_CALLS),
            )
    fields = _texts(table, "fields", where)
    if not fields:
        raise _problem("{where} : clé obligatoire absente « {key} »", where=where, key="fields")
    for path in fields.values():
        if not _PATH.fullmatch(path):
            raise _problem("{where} : chemin d'observation invalide « {path} »", where=where, path=path)
    stable = table.get("stable_for", 0.2)
    if isinstance(stable, bool) or not isinstance(stable, int | float) or not 0 <= stable < math.inf:  # nan, inf too
        raise _problem("{where} : « {key} » doit être un nombre de secondes ≥ 0", where=where, key="stable_for")
    base: dict[str, Any] = {"name": name, "kind": kind, "applies_to": tuple(calls), "fields": fields}
    base["stable_for"] = float(stable)
    if kind == "regex":
        return ExtractorSpec(**base, **_regex(table, fields, where))
    base["files"] = _text(table, "files", where)
    if kind == "xpath":
        return ExtractorSpec(**base, **_xpath(table, fields, where))
    if kind == "json":
        for pointer in fields:
            if pointer and not pointer.startswith("/"):
                raise _problem(
                    "{where} : pointeur JSON invalide « {pointer} » (il commence par « / »)",
                    where=where,
                    pointer=pointer,
                )
        return ExtractorSpec(**base, encoding=_encoding(table, where, None))
    return ExtractorSpec(**base, **_fixed(table, fields, where))


def _regex(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    pattern = _text(table, "pattern", where)
    assert pattern is not None
    try:
        compiled = re.compile(pattern)
    except REGEX_ERRORS as exc:
        reason = regex_reason(exc)
        raise _problem("{where} : expression régulière invalide : {reason}", where=where, reason=reason) from None
    for group in fields:
        if group not in compiled.groupindex:
            raise _problem(
                "{where} : le groupe « {group} » n'est pas dans l'expression régulière", where=where, group=group
            )
    return {"pattern": pattern, "channel": _text(table, "channel", where, required=False) or "app"}


def _xpath(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    namespaces = _texts(table, "namespaces", where)
    for expression in fields:
        try:
            etree.XPath(expression, namespaces=namespaces)
        except etree.XPathSyntaxError as exc:
            raise _problem(
                "{where} : expression XPath invalide « {expression} » : {reason}",
                where=where,
                expression=expression,
                reason=str(exc),
            ) from None
    return {"namespaces": namespaces}


def _encoding(table: Mapping[str, Any], where: str, default: str | None) -> str | None:
    encoding = _text(table, "encoding", where, required=False) or default
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise _problem("{where} : encodage inconnu « {encoding} »", where=where, encoding=encoding) from None


def _fixed(table: Mapping[str, Any], fields: Mapping[str, str], where: str) -> dict[str, Any]:
    encoding = _encoding(table, where, "utf-8")
    type_cols = table.get("record_type", [1, 3])
    if (
        not isinstance(type_cols, list)
        or len(type_cols) != 2
        or not all(isinstance(c, int) and not isinstance(c, bool) and c >= 1 for c in type_cols)
    ):
        raise _problem(
            "{where} : « {key} » doit être [colonne, longueur] (entiers ≥ 1)", where=where, key="record_type"
        )
    raw_records = table.get("records")
    if not isinstance(raw_records, list) or not raw_records:
        raise _problem("{where} : clé obligatoire absente « {key} »", where=where, key="records")
    records = tuple(_record(r, f"{where}.records[{i}]") for i, r in enumerate(raw_records))
    known = {f"{r.type}.{f.name}" for r in records for f in r.fields}
    for key in fields:
        if key not in known:
            raise _problem(
                "{where} : champ inconnu « {field} » (attendu : TYPE.nom d'un champ déclaré dans records)",
                where=where,
                field=key,
            )
    record_length = _count(table, "record_length", where, None)
    for record in records:
        for f in record.fields:
            if record_length is not None and f.columns[1] > record_length:  # it would read nothing, every time
                raise _problem(
                    "{where} : le champ {field} (colonnes {first}–{last}) dépasse la longueur des enregistrements"
                    " ({length})",
                    where=where,
                    field=f"{record.type}.{f.name}",
                    first=f.columns[0],
                    last=f.columns[1],
                    length=record_length,
                )
    return {
        "records": records,
        "encoding": encoding,
        "record_type": (type_cols[0], type_cols[1]),
        "record_length": record_length,
        "closing": _text(table, "closing", where, required=False),
        "group": _text(table, "group", where, required=False),
    }


def _record(table: Any, where: str) -> FixedRecord:
    if not isinstance(table, Mapping):
        raise _problem("{where} : un enregistrement est une table", where=where)
    _check_keys(table, _RECORD_KEYS, where)
    rtype = _text(table, "type", where)
    assert rtype is not None
    raw_fields = table.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise _problem("{where} : clé obligatoire absente « {key} »", where=where, key="fields")
    out = []
    for i, f in enumerate(raw_fields):
        here = f"{where}.fields[{i}]"
        if not isinstance(f, Mapping):
            raise _problem("{where} : un champ est une table", where=here)
        _check_keys(f, _FIELD_KEYS, here)
        ftype = f.get("type", "text")
        if ftype not in FIELD_TYPES:
            raise _problem(
                "{where} : type de champ inconnu « {type} » (attendu : text, int, decimal)", where=here, type=ftype
            )
        start, length = _count(f, "start", here, None), _count(f, "length", here, None)
        if start is None or length is None:
            raise _problem(
                "{where} : clé obligatoire absente « {key} »", where=here, key="start" if start is None else "length"
            )
        scale = _count(f, "scale", here, 0, minimum=0)
        assert scale is not None
        if scale > length:  # implied decimals among the field's own digits (99999999 wrote 100 MB of zeros)
            raise _problem(
                "{where} : « {key} » doit être un entier de 0 à {length} (la longueur du champ)",
                where=here,
                key="scale",
                length=length,
            )
        out.append(FixedField(_text(f, "name", here) or "", start, length, ftype, scale))
    return FixedRecord(rtype, tuple(out), _text(table, "label", where, required=False) or "")
