"""What an extractor gives: a value at an observation path, and where in the application's output it was read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

from testbench.fmt import os_reason, visible_controls

#: An excerpt is one line or one record, cut to this length.
EXCERPT_CHARS = 200


def bench_time(wall: float) -> str:
    """A time on the bench's clock as the trace beside it writes it: HH:MM:SS.mmm, in UTC."""
    second = int(wall // 1)  # as testbench.report.labels.clock_text: the same line, the same milliseconds
    return f"{datetime.fromtimestamp(second, tz=UTC):%H:%M:%S}.{int((wall - second) * 1000):03d}"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a value was read: enough for a person to open the file and find it again.

    ``locator`` says where inside the source in the source's own terms: the XPath expression, the
    concrete JSON pointer (``/lines/0/base``), or a log line's own timestamp (« heure du journal »: the
    application's clock and time zone, as written). ``wall``: when the bench captured the log line, on its own
    clock (POSIX seconds; said in UTC, as every time of the book and the trace beside it): the one time comparable
    with the others, whatever the application's clock was off by; None for a line the bench did not capture
    (``sut check`` reads the file as it is) and for a file.
    """

    source: str  # file path (as captured) or trace channel name ("app", "syslog")
    kind: str  # "log" | "xml" | "fixed" | "json"
    offset: int | None = None  # byte offset of the value in the file (fixed; xml: the attribute's value or
    # the element's text, else its start tag)
    line: int | None = None  # 1-based line number in the file (xml)
    record: int | None = None  # fixed-width: 1-based record number
    columns: tuple[int, int] | None = None  # 1-based inclusive columns (fixed record, or log line)
    excerpt: str = ""  # the raw text the value was read from (one line / record, ≤ 200 chars)
    locator: str = ""  # XPath expression, JSON pointer, or the log line's own timestamp
    wall: float | None = None  # log: the line's capture time on the bench's clock (POSIX seconds)

    def describe(self, t: Callable[[str], str]) -> str:
        """« lot 000015.b2, enregistrement 3, colonnes 45–52 », « app.log, ligne capturée à 12:00:04.883 UTC
        (heure du journal : 05/12/2026 13:01:59,883), colonnes 65–71 », in the language of ``t``."""
        parts = [PurePath(self.source).name or self.source]
        if self.kind == "log" and self.wall is not None:
            captured = t("ligne capturée à {time} UTC").format(time=bench_time(self.wall))
            if self.locator:
                captured += " " + t("(heure du journal : {time})").format(time=self.locator)
            parts.append(captured)
        elif self.kind == "log" and self.locator:  # a line read in the file as it is (sut check), an older session's
            parts.append(t("ligne de {time}").format(time=self.locator))
        if self.line is not None:
            parts.append(t("ligne {line}").format(line=self.line))
        if self.record is not None:
            parts.append(t("enregistrement {record}").format(record=self.record))
        if self.columns is not None:
            first, last = self.columns
            parts.append(t("colonnes {first}–{last}").format(first=first, last=last))
        if self.offset is not None and self.kind != "fixed":
            parts.append(t("octet {offset}").format(offset=self.offset))
        if self.kind in ("xml", "json") and self.locator:
            parts.append(self.locator)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for the store and the report); :meth:`from_dict` reads it back."""
        out = asdict(self)
        out["columns"] = list(self.columns) if self.columns else None
        if self.wall is None:  # a file's, or a line the bench did not capture: as written before lines had one
            del out["wall"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if known.get("columns") is not None:
            known["columns"] = tuple(known["columns"])
        return cls(**known)


@dataclass(frozen=True, slots=True)
class Extracted:
    path: str  # observation path, the casebook's own: "invoice.totals.amo", "invoice.lines[0].base"
    value: str  # as read; decimals normalised with a dot ("163.80")
    provenance: Provenance


# A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` for each field, which doubles the
# cost of reading a 10 MB lot (hundreds of thousands of values): these two set the slots directly and
# make the very same instances.
_new = object.__new__
_SET_PROVENANCE = tuple(Provenance.__dict__[f].__set__ for f in Provenance.__dataclass_fields__)
_SET_EXTRACTED = tuple(Extracted.__dict__[f].__set__ for f in Extracted.__dataclass_fields__)


def fixed_value(
    path: str, value: str, source: str, offset: int, record: int, columns: tuple[int, int], shown: str
) -> Extracted:
    """``Extracted(path, value, Provenance(source, "fixed", offset, None, record, columns, shown))``, twice as fast."""
    s_source, s_kind, s_offset, s_line, s_record, s_columns, s_excerpt, s_locator, s_wall = _SET_PROVENANCE
    p = _new(Provenance)
    s_source(p, source)
    s_kind(p, "fixed")
    s_offset(p, offset)
    s_line(p, None)
    s_record(p, record)
    s_columns(p, columns)
    s_excerpt(p, shown)
    s_locator(p, "")
    s_wall(p, None)
    s_path, s_value, s_provenance = _SET_EXTRACTED
    e = _new(Extracted)
    s_path(e, path)
    s_value(e, value)
    s_provenance(e, p)
    return e


class ExtractError(Exception):
    """A file or record the extractor cannot read; the message (French) names the file and the offset.

    ``reason`` is a French sentence; with an ``offset`` the message is « file, [enregistrement n,]
    octet k : reason », without one ``reason`` must name the file itself. ``t(str(exc))`` gives the
    English (the catalogue's templates read it back).
    """

    def __init__(self, source: str, reason: str, *, offset: int | None = None, record: int | None = None) -> None:
        self.source, self.reason, self.offset, self.record = source, reason, offset, record
        if offset is None:
            message = reason
        elif record is None:
            message = f"{source}, octet {offset} : {reason}"
        else:
            message = f"{source}, enregistrement {record}, octet {offset} : {reason}"
        super().__init__(visible_controls(message))  # a file name or a value the application wrote: never raw


def unreadable(path: str, exc: OSError) -> ExtractError:
    """The error for a file that cannot be opened or read (no offset to give)."""
    reason = f"{path} : lecture impossible ({os_reason(exc)})"
    return ExtractError(path, reason)


def undecodable(encoding: str, data: bytes) -> str:
    """Why ``data`` (a file, or its record) cannot be read in ``encoding``: an application on Windows often writes
    cp1252 where the profile says UTF-8 (the default), and the person reading the error should learn which key of
    the extractor to write, not only which byte failed."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        encoding = "utf-8"  # a BOM is no part of what the person wrote (or left out) in the profile
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return UNDECODABLE_CP1252.format(encoding=encoding)
    return UNDECODABLE.format(encoding=encoding)


#: the reasons :func:`undecodable` gives (French; the catalogue reads them back in English)
UNDECODABLE = "octet illisible en {encoding}"
UNDECODABLE_CP1252 = (
    "octet illisible en {encoding} (le fichier semble écrit en cp1252 : écrivez encoding = \"cp1252\" dans son "
    "extracteur)"
)


#: MS-DOS's end-of-file mark, which some writers still put after a text file's last line: no part of a record
DOS_EOF = "\x1a"


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
