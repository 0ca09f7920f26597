"""A full trace file read alone says what it is (audit of the exam book, item 3).

Each evidence trace file (``evidence/traces/…``), and each trace the PDF attaches, opens with a header in the
report's language: the case and its casebook, the attempt and when it started, its channels, the clock, whether
it was redacted, how a line reads. Every header line starts with « # », which no trace line does (a line starts
with its time), so the lines after it read as before.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_report_build import campaign

from testbench import fmt
from testbench.report.attachments import trace_attachments
from testbench.report.build import BuildOptions, build_report

HEADERS = {
    ("fr", True): [
        "# testbench — trace complète du cas OK-1 (PDT-TEST-001), tentative 1, commencée le {started}",
        "# canaux : {channels}",
        "# heures : HH:MM:SS.mmm en UTC (temps universel, pas l'heure locale), comme partout dans le rapport",
        "# anonymisée : oui, les données personnelles sont masquées (‹…›)",
        "# une ligne par événement : heure, canal, étape (vide hors d'une étape) et texte, séparés par une tabulation"
        " ; les lignes commençant par « # » sont cet en-tête",
    ],
    ("en", False): [
        "# testbench — full trace of case OK-1 (PDT-TEST-001), attempt 1, started {started}",
        "# channels: {channels}",
        "# times: HH:MM:SS.mmm in UTC (universal time, not local time), as everywhere in the report",
        "# redacted: no (--no-redact), only PIN codes are masked",
        "# one line per event: time, channel, step (empty outside a step) and text, separated by a tab; lines"
        " starting with “#” are this header",
    ],
}
LINE = re.compile(r"\d\d:\d\d:\d\d\.\d{3}\t[\w-]+\t[^\t]*\t.*")


def test_each_full_trace_file_opens_with_a_header_in_the_reports_language(tmp_path: Path) -> None:
    session = campaign(tmp_path, extra_lines=300)
    for (lang, redact), expected in HEADERS.items():
        folder = build_report(session, tmp_path / lang, BuildOptions(lang=lang, excerpt=20, redact=redact)).folder
        data = json.loads((folder / "report.json").read_bytes())
        case = next(c for c in data["cases"] if c["key"]["case_id"] == "OK-1")
        text = (folder / case["trace"]["file"]["path"]).read_text(encoding="utf-8")
        lines = text.splitlines()
        header, body = lines[: len(expected)], lines[len(expected) :]
        channels = list(dict.fromkeys(line.split("\t")[1] for line in body))
        assert {"bench", "engine", "app"} <= set(channels), channels
        started = fmt.timestamp(case["attempts"][-1]["started"], lang)
        assert header == [h.format(started=started, channels=", ".join(channels)) for h in expected], header
        assert len(body) == case["trace"]["count"] and all(LINE.fullmatch(line) for line in body), body[:3]
        assert not any(line.startswith("#") for line in body)


def test_a_trace_the_pdf_attaches_whole_has_the_same_header(tmp_path: Path) -> None:
    """A short trace has no evidence file: the PDF attaches the excerpt, which is the whole, with its header."""
    session = campaign(tmp_path, extra_lines=300)
    folder = build_report(session, tmp_path / "r", BuildOptions(lang="en", excerpt=20, redact=False)).folder
    data = json.loads((folder / "report.json").read_bytes())
    attached = dict(trace_attachments(data["cases"], folder, "en", redacted=False))
    long, short = (next(c for c in data["cases"] if c["key"]["case_id"] == cid) for cid in ("OK-1", "KO-1"))
    assert attached[Path(long["trace"]["file"]["path"]).name] == (folder / long["trace"]["file"]["path"]).read_bytes()
    assert short["trace"]["file"] is None
    text = attached[f"{short['anchor']}-t1.txt"].decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == (
        f"# testbench — full trace of case KO-1 (PDT-TEST-001), attempt 1, started "
        f"{fmt.timestamp(short['attempts'][-1]['started'], 'en')}"
    )
    assert lines[3] == HEADERS[("en", False)][3] and len([line for line in lines if line[:1] == "#"]) == 5
    rows = ["\t".join((x["time"], x["channel"], x["step"], x["text"])) for x in short["trace"]["excerpt"]]
    assert lines[5:] == rows
