"""Field maps on fixed-width records (B2, NOEMIE): one record per line, a type code, typed fields.

Each layout differs from one engine to the next and no official one ships with the bench, so the
layout is data (the profile's ``[[extractors.records]]``). Only the fields the extractor maps are
read; a record shorter than a mapped field, a number that is not one, a record of the wrong length or
an undecodable byte is an :class:`ExtractError` naming the file, the record and the byte offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from testbench.extract.model import Extracted, ExtractError, Provenance, excerpt
from testbench.extract.spec import ExtractorSpec, FixedField
from testbench.extract.values import Ranks, scaled

_DIGITS = frozenset("0123456789")


def records(data: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(1-based record number, byte offset, record bytes without its line end) for each non-empty line."""
    start, number, size = 0, 0, len(data)
    while start < size:
        end = data.find(b"\n", start)
        stop = size if end < 0 else end
        line = data[start:stop]
        if line.endswith(b"\r"):
            line = line[:-1]
        number += 1
        if line:
            yield number, start, line
        start = stop + 1


def _plan(spec: ExtractorSpec) -> dict[str, list[tuple[FixedField, str]]]:
    """Record type -> the mapped fields of that type and their path templates."""
    plan: dict[str, list[tuple[FixedField, str]]] = {}
    for record in spec.records:
        for f in record.fields:
            template = spec.fields.get(f"{record.type}.{f.name}")
            if template is not None:
                plan.setdefault(record.type, []).append((f, template))
    return plan


def _value(f: FixedField, raw: str) -> str | None:
    """The field's value as an observation holds it; None for a blank number (absent); ValueError if not a number."""
    if f.type == "text":
        return raw.strip()
    digits = raw.strip()
    if not digits:
        return None
    sign = ""
    if digits[0] in "+-":
        sign, digits = ("-" if digits[0] == "-" else ""), digits[1:]
    if not digits or not _DIGITS.issuperset(digits):
        raise ValueError(raw)
    value = scaled(digits, f.scale) if f.type == "decimal" else str(int(digits))
    return f"-{value}" if sign and value.strip("0.") else value


def extract_fixed(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    source = str(path)
    plan = _plan(spec)
    type_start, type_length = spec.record_type
    type_from, type_to = type_start - 1, type_start - 1 + type_length
    ascii_only = spec.encoding in ("ascii", "utf-8", "latin-1", "iso8859-1", "cp1252")
    ranks = Ranks()
    out: list[Extracted] = []
    for number, offset, raw in records(data):
        try:
            record = raw.decode(spec.encoding)
        except UnicodeDecodeError as exc:
            reason = f"octet illisible en {spec.encoding}"
            raise ExtractError(source, reason, offset=offset + exc.start, record=number) from None
        if spec.record_length is not None and len(record) != spec.record_length:
            reason = f"{len(record)} caractères au lieu de {spec.record_length}"
            raise ExtractError(source, reason, offset=offset, record=number)
        rtype = record[type_from:type_to].strip()
        if rtype == spec.group:
            ranks.restart()
        mapped = plan.get(rtype)
        if not mapped:
            continue
        same_width = ascii_only and len(record) == len(raw)  # one byte per character: columns are bytes
        for f, template in mapped:
            first, last = f.columns
            if last > len(record):
                reason = f"enregistrement trop court ({len(record)} caractères) pour le champ {f.name} (colonnes {first}–{last})"  # noqa: E501
                raise ExtractError(source, reason, offset=offset + len(raw), record=number)
            text = record[first - 1 : last]
            at = offset + (first - 1 if same_width else len(record[: first - 1].encode(spec.encoding)))
            try:
                value = _value(f, text)
            except ValueError:
                reason = f"champ {f.name} (colonnes {first}–{last}) : « {text} » n'est pas un nombre"
                raise ExtractError(source, reason, offset=at, record=number) from None
            if value is None:
                continue
            provenance = Provenance(
                source=source, kind="fixed", offset=at, record=number, columns=(first, last), excerpt=excerpt(record)
            )
            out.append(Extracted(ranks.path(template), value, provenance))
    return out
