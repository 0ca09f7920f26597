"""The full traces the PDF exam book carries as attached files (one per case attempt), and their text format.

The printed book keeps the failures' trace excerpts and no trace of the passed cases: a reviewer opens a
case's full trace from the PDF's attachments, by the name the case's section prints. The text is the
redacted one the evidence folder holds (same bytes as ``evidence/traces/…``, or the whole trace when it was
short enough to fit in the excerpt), so redaction covers the attachments like every other export.

Each file opens with a short header, every line of it starting with ``#`` (no trace line does: a line starts
with its time), so that a file read alone is understood: the case and its casebook, the attempt and when it
started, the channels, the clock, whether the text was redacted, and how a line reads — in the report's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from testbench import fmt
from testbench.i18n import translator

#: what starts each line of a trace file's header (a trace line starts with its time, « 05:15:59.760 »)
HEADER_MARK = "#"


def trace_header(
    case_id: str, plan_id: str, attempt: int, started: str | None, channels: Iterable[str], redacted: bool, lang: str
) -> str:
    """The header of a case attempt's full trace file, in ``lang``: ``started`` is the attempt's start (ISO 8601,
    UTC, as ``report.json`` records it), ``channels`` those of its lines in their order, ``redacted`` whether the
    report was built with redaction on."""
    t = translator(lang)
    case = f"{case_id} ({plan_id})" if plan_id else case_id
    lines = (
        "testbench — "
        + t("trace complète du cas {case}, tentative {attempt}, commencée le {started}").format(
            case=case, attempt=attempt, started=fmt.timestamp(started, lang)
        ),
        t("canaux : {channels}").format(channels=", ".join(channels) or fmt.MISSING),
        t("heures : HH:MM:SS.mmm en UTC (temps universel, pas l'heure locale), comme partout dans le rapport"),
        t("anonymisée : oui, les données personnelles sont masquées (‹…›)")
        if redacted
        else t("anonymisée : non (--no-redact), seuls les codes PIN sont masqués"),
        t(
            "une ligne par événement : heure, canal, étape (vide hors d'une étape) et texte, séparés par une "
            "tabulation ; les lignes commençant par « # » sont cet en-tête"
        ),
    )
    return "".join(f"{HEADER_MARK} {line}\n" for line in lines)


def trace_text(rows: Iterable[tuple[str, str, str, str]], header: str = "") -> str:
    """A trace as a file: its ``header`` (:func:`trace_header`), then one line per row, time, channel, step and
    text separated by tabs."""
    return header + "".join(f"{t}\t{c}\t{st}\t{x}\n" for t, c, st, x in rows)


def attachment_name(case: dict[str, Any]) -> str | None:
    """The attached file holding the case's full trace, or None when the case has no trace line."""
    trace = case["trace"]
    if trace["file"]:
        return PurePosixPath(trace["file"]["path"]).name
    if not trace["excerpt"] or not case["attempts"]:
        return None
    return f"{case['anchor']}-t{case['attempts'][-1]['number']}.txt"


def trace_attachments(
    cases: list[dict[str, Any]], folder: Path, lang: str = "fr", redacted: bool = True
) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each case's full trace: the evidence file, else the excerpt, which is then the whole
    (with the same header as an evidence file: ``lang`` and ``redacted`` are the report's)."""
    for case in cases:
        name = attachment_name(case)
        if name is None:
            continue
        trace = case["trace"]
        if trace["file"]:
            yield name, (folder / trace["file"]["path"]).read_bytes()
        else:
            rows = [(x["time"], x["channel"], x["step"], x["text"]) for x in trace["excerpt"]]
            attempt = case["attempts"][-1]
            header = trace_header(
                case["key"]["case_id"],
                case["plan_id"],
                attempt["number"],
                attempt["started"],
                dict.fromkeys(row[1] for row in rows),
                redacted,
                lang,
            )
            yield name, trace_text(rows, header).encode("utf-8")
