"""The extractors' entry points: log lines, or one complete output file of any kind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testbench.extract.complete import (
    CLOSED,
    OPEN,
    UNTERMINATED,
    closing_state,
    data_state,
    file_complete,
    wait_complete,
)
from testbench.extract.fixed import extract_fixed
from testbench.extract.jsonfile import extract_json
from testbench.extract.logs import extract_lines
from testbench.extract.model import Extracted, ExtractError, unreadable
from testbench.extract.spec import ExtractorSpec
from testbench.extract.xmlfile import WHOLE_MAX_BYTES, extract_xml, xml_whole

__all__ = [
    "extract_data",
    "extract_file",
    "extract_lines",
    "file_complete",
    "file_ready",
    "of_kind",
    "unclosed",
    "wait_complete",
]

_READERS = {"xpath": extract_xml, "fixed": extract_fixed, "json": extract_json}


def extract_file(spec: ExtractorSpec, path: Path) -> list[Extracted]:
    """The values ``spec`` reads in ``path`` (read once, whole: call it when :func:`file_complete` holds).

    A file the extractor cannot read raises :class:`~testbench.extract.model.ExtractError`, whose
    message names the file and the byte offset (and the record, for fixed-width files).
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise unreadable(str(path), exc) from None
    return extract_data(spec, Path(path), data)


def extract_data(spec: ExtractorSpec, path: Path, data: bytes) -> list[Extracted]:
    """The values ``spec`` reads in ``data``, the bytes of ``path`` as they were read (the evidence kept is
    the very bytes the values were read in, even when the application has moved or rewritten the file since)."""
    reader = _READERS.get(spec.kind)
    if reader is None:
        raise ValueError(f"extractor {spec.name}: kind {spec.kind} reads log lines, not files")
    return reader(spec, Path(path), data)


def file_ready(spec: ExtractorSpec, path: Path) -> bool:
    """Whether ``spec`` may read ``path`` now.

    A fixed-width file with a ``closing`` record: only once that record is its last line (ended by a
    newline, or of ``record_length`` characters; a last line not ended yet also needs its size stable for
    ``stable_for``) — however long it stays unchanged before, as an application pauses between the parts it
    writes. An XML document (XPath) or a JSON one: once it parses whole, with no wait for a stable size; one
    that does not parse yet waits (for the step's timeout at most: its extraction then says what is wrong in
    it); one too large to be parsed at each poll once its size is stable. Any other file: once its size is
    stable for ``stable_for`` (:func:`file_complete`).
    """
    if spec.kind == "fixed" and spec.closing is not None:
        try:
            if path.stat().st_size == 0:
                return False
            state = closing_state(path, spec.closing, **_closing_of(spec))
        except (OSError, LookupError):
            return False
        if state == CLOSED:
            return file_complete(path, 0.0)
        return state == UNTERMINATED and file_complete(path, spec.stable_for)
    if spec.kind in ("xpath", "json"):
        try:
            size = path.stat().st_size
        except OSError:
            return False
        if size > WHOLE_MAX_BYTES:
            return file_complete(path, spec.stable_for)
        if spec.kind == "xpath":
            return xml_whole(path)
        try:
            extract_json(spec, path, path.read_bytes())
        except (OSError, ExtractError):
            return False
        return True
    return file_complete(path, spec.stable_for)


def _closing_of(spec: ExtractorSpec) -> dict[str, Any]:
    return {"encoding": spec.encoding or "utf-8", "type_at": spec.record_type, "record_length": spec.record_length}


def unclosed(spec: ExtractorSpec, data: bytes) -> bool:
    """Whether ``data``, a file ``spec`` reads, lacks its closing record as its last line (a fixed-width extractor
    with ``closing``): the application left its file unfinished. A last line of the closing type that no newline
    ends is not said unfinished without a ``record_length`` to tell (the extraction reads it)."""
    if spec.kind != "fixed" or spec.closing is None:
        return False
    try:
        return data_state(data, spec.closing, **_closing_of(spec)) == OPEN
    except LookupError:
        return False


#: what a file's bytes may start with before its first character: a BOM, a NUL of UTF-16/32, white space
_LEADING = b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n"


def of_kind(spec: ExtractorSpec, data: bytes) -> bool:
    """Whether ``data`` looks like a file ``spec`` reads at all (a PDF or an image beside the FSE does not): an
    XML document starts with « < », a JSON one with « { » or « [ » (after a BOM or white space), a fixed-width
    file is text (no NUL byte, unless its encoding is UTF-16 or UTF-32). A file of the kind that is malformed
    is of the kind: its extraction says what is wrong in it."""
    head = data[:4096]
    if spec.kind == "xpath":
        return head.lstrip(_LEADING).startswith(b"<")
    if spec.kind == "json":
        return head.lstrip(_LEADING).startswith((b"{", b"["))
    if spec.kind == "fixed":
        wide = (spec.encoding or "").replace("_", "-").startswith(("utf-16", "utf-32"))
        return wide or b"\x00" not in head
    return True
