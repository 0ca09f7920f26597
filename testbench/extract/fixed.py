"""Field maps on fixed-width records (B2, NOEMIE): one record per line, a type code, typed fields.

Each layout differs from one engine to the next and no official one ships with the bench, so the
layout is data (the profile's ``[[extractors.records]]``). Only the fields the extractor maps are
read; a record shorter than a mapped field, a number that is not one, a record of the wrong length or
an undecodable byte is an :class:`ExtractError` naming the file, the record and the byte offset.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path

from testbench.extract.model import DOS_EOF, EXCERPT_CHARS, Extracted, ExtractError, excerpt, fixed_value, undecodable
from testbench.extract.spec import RANK, ExtractorSpec, FixedField
from testbench.extract.values import Ranks, scaled
from testbench.i18n import _t, tn

#: why a fixed-width file starting with a UTF-8 byte order mark is refused (French; the catalogue reads it back):
#: the real receiver of a lot reads its columns from the first byte, so the bench does not hide the defect
STARTS_WITH_BOM = _t(
    "le fichier commence par une marque d'ordre des octets (BOM, EF BB BF) : un fichier à enregistrements de "
    "largeur fixe (lot B2, NOEMIE) n'en porte pas, ses colonnes en seraient décalées"
)


def records(data: bytes, encoding: str, source: str) -> Iterator[tuple[int, int, str, bool]]:
    """(1-based record number, byte offset, record text, one byte per character) for each non-empty line.

    An all-ASCII file (the usual B2) is decoded once and its columns are its bytes; any other is
    decoded record by record, so an undecodable byte is reported with its record and offset. A
    :data:`DOS_EOF` ending the file is not read as a record (nor as a character of the last one).
    """
    ascii_only = data.isascii() and "A".encode(encoding) == b"A"
    text = data.decode("ascii") if ascii_only else ""
    start, number, size = 0, 0, len(data)
    while start < size:
        end = data.find(b"\n", start)
        stop = size if end < 0 else end
        number += 1
        if stop > start:
            if ascii_only:
                record = text[start:stop]
            else:
                try:
                    record = data[start:stop].decode(encoding)
                except UnicodeDecodeError as exc:
                    reason = undecodable(encoding, data[start:stop])
                    raise ExtractError(source, reason, offset=start + exc.start, record=number) from None
            if stop == size:
                record = record.rstrip(DOS_EOF)
            if record.endswith("\r"):
                record = record[:-1]
            if record:
                yield number, start, record, ascii_only or record.isascii()
        start = stop + 1


#: One mapped field, ready for the loop: (field, first column, last column, type, scale, path template,
#: has a rank, its columns as one shared tuple).
_Step = tuple[FixedField, int, int, str, int, str, bool, tuple[int, int]]


def _plan(spec: ExtractorSpec) -> dict[str, list[_Step]]:
    """Record type -> the mapped fields of that type and their path templates."""
    plan: dict[str, list[_Step]] = {}
    for record in spec.records:
        for f in record.fields:
            template = spec.fields.get(f"{record.type}.{f.name}")
            if template is not None:
                first, last = f.columns
                step = (f, first, last, f.type, f.scale, template, RANK in template, (first, last))
                plan.setdefault(record.type, []).append(step)
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
    if not (digits.isascii() and digits.isdigit()):
        raise ValueError(raw)
    value = scaled(digits, f.scale) if f.type == "decimal" else str(int(digits))
    return f"-{value}" if sign and value.strip("0.") else value


@contextlib.contextmanager
def _without_gc_pauses() -> Iterator[None]:
    """Hold the cyclic garbage collector while a lot's values are built.

    Hundreds of thousands of new objects (none in a cycle) would otherwise trigger repeated full
    collections that walk all of them: half the time of a 10 MB lot. Restored as it was, even on error.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_fixed(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    with _without_gc_pauses():
        return _extract_fixed(spec, str(path), data)


def _extract_fixed(spec: ExtractorSpec, source: str, data: bytes) -> list[Extracted]:
    plan = _plan(spec)
    type_start, type_length = spec.record_type
    type_from, type_to = type_start - 1, type_start - 1 + type_length
    length, group, encoding = spec.record_length, spec.group, spec.encoding
    if data.startswith(codecs.BOM_UTF8):
        raise ExtractError(source, STARTS_WITH_BOM, offset=0, record=1)
    ranks = Ranks()
    out: list[Extracted] = []
    append = out.append
    for number, offset, record, same_width in records(data, encoding, source):
        if length is not None and len(record) != length:
            reason = tn(
                "{count} caractère au lieu de {expected}",
                "{count} caractères au lieu de {expected}",
                len(record),
                "fr",
                expected=length,
            )
            raise ExtractError(source, reason, offset=offset, record=number)
        rtype = record[type_from:type_to].strip()
        if rtype == group:
            ranks.restart()
        mapped = plan.get(rtype)
        if not mapped:
            continue
        shown = record if len(record) <= EXCERPT_CHARS else excerpt(record)
        for f, first, last, ftype, scale, template, ranked, columns in mapped:
            if last > len(record):
                reason = tn(
                    "enregistrement trop court ({count} caractère) pour le champ {field} (colonnes {first}–{last})",
                    "enregistrement trop court ({count} caractères) pour le champ {field} (colonnes {first}–{last})",
                    len(record),
                    "fr",
                    field=f.name,
                    first=first,
                    last=last,
                )
                raise ExtractError(source, reason, offset=offset + len(record.encode(encoding)), record=number)
            text = record[first - 1 : last]
            at = offset + (first - 1 if same_width else len(record[: first - 1].encode(encoding)))
            if ftype == "decimal" and scale and text.isdigit() and text.isascii():
                digits = text.lstrip("0").rjust(scale + 1, "0")  # the common case inline: an unsigned amount
                value: str | None = f"{digits[:-scale]}.{digits[-scale:]}"
            else:
                try:
                    value = _value(f, text)
                except ValueError:
                    reason = f"champ {f.name} (colonnes {first}–{last}) : « {text} » n'est pas un nombre"
                    raise ExtractError(source, reason, offset=at, record=number) from None
                if value is None:
                    continue
            append(fixed_value(ranks.path(template) if ranked else template, value, source, at, number, columns, shown))
    return out
