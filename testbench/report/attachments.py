"""The full traces the PDF exam book carries as attached files (one per case attempt), and their text format.

The printed book keeps the failures' trace excerpts and no trace of the passed cases: a reviewer opens a
case's full trace from the PDF's attachments, by the name the case's section prints. The text is the
redacted one the evidence folder holds (same bytes as ``evidence/traces/…``, or the whole trace when it was
short enough to fit in the excerpt), so redaction covers the attachments like every other export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any


def trace_text(rows: Iterable[tuple[str, str, str, str]]) -> str:
    """A trace as a file: one line per row, time, channel, step and text separated by tabs."""
    return "".join(f"{t}\t{c}\t{st}\t{x}\n" for t, c, st, x in rows)


def attachment_name(case: dict[str, Any]) -> str | None:
    """The attached file holding the case's full trace, or None when the case has no trace line."""
    trace = case["trace"]
    if trace["file"]:
        return PurePosixPath(trace["file"]["path"]).name
    if not trace["excerpt"] or not case["attempts"]:
        return None
    return f"{case['anchor']}-t{case['attempts'][-1]['number']}.txt"


def trace_attachments(cases: list[dict[str, Any]], folder: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each case's full trace: the evidence file, else the excerpt, which is then the whole."""
    for case in cases:
        name = attachment_name(case)
        if name is None:
            continue
        trace = case["trace"]
        if trace["file"]:
            yield name, (folder / trace["file"]["path"]).read_bytes()
        else:
            rows = ((x["time"], x["channel"], x["step"], x["text"]) for x in trace["excerpt"])
            yield name, trace_text(rows).encode("utf-8")
