"""What two sessions must share to be "the same campaign": their report's content, minus what a run stamps.

Two serial runs of one casebook already differ in times, durations, the engine's invoice numbers (one
counter per engine process), its references (session tag, attempt id) and the hashes of the files that
carry them; those are masked, everything else (cases, order, verdicts, reasons, steps,
expected/observed, evidence names, trace text) must match. The card guard's own lines are left out: whether
it read a card or reused an earlier check depends on the bench's previous case (docs/cards.md §6), which a
serial run, a worker and a shard each see differently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]


def run_demo(session: Path, *extra: str) -> int:
    """The demo casebook run headless on the in-process bench into ``session`` (exit code)."""
    return main(["run", str(DEMO), "--session", str(session), *BENCH, *extra])


#: per attempt: what a rerun on another runner, at another time, changes
_ATTEMPT_TIMES = ("duration_ms", "ended", "started", "started_wall", "run_id")
_STAMPS = (
    (re.compile(r"\b[0-9a-f]{64}\b"), "‹sha256›"),
    (re.compile(r"\b(INV|LOT)-\d{6,}\b"), r"\1-‹n›"),
    (re.compile(r"\b\d{9}\b"), "‹n›"),  # an invoice's number
    (re.compile(r"\bref=[0-9a-f]{8}-\d+-\d+"), "ref=‹ref›"),  # the session's tag and the attempt's id
    (re.compile(r"\(\d+(\.\d+)? [mµ]s\)"), "(‹ms›)"),  # an APDU's (µs) or a téléservice's time
    (re.compile(r"\d{8} \d\d:\d\d:\d\d\.\d+"), "‹time›"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?"), "‹time›"),  # an attestation's time
)


def _guard_line(line: dict[str, Any]) -> bool:
    """A line of the card guard: its reads (APDUs before any step) or the check it reused."""
    outside = line.get("step") == ""
    return outside and (line.get("channel") == "apdu" or str(line.get("text")).startswith("contrôle de la carte "))


def report_content(session: Path, out: Path) -> dict[str, Any]:
    """The report's cases and summary, with what a run stamps masked (every trace line in the excerpt)."""
    build_report(session, out, BuildOptions(lang="fr", excerpt=1_000_000))
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cases = []
    for case in data["cases"]:
        case = dict(case)
        case["attempts"] = [{k: v for k, v in a.items() if k not in _ATTEMPT_TIMES} for a in case["attempts"]]
        trace = case.pop("trace")
        lines = [line for line in trace.get("excerpt", []) if not _guard_line(line)]
        case["trace"] = [{k: v for k, v in line.items() if k != "time"} for line in lines]
        for item in case["evidence"]:
            item.get("file", {}).pop("size", None)  # an invoice number's digits
            item.pop("size", None)
        cases.append(case)
    text = json.dumps({"title": data["title"], "summary": data["summary"], "cases": cases}, ensure_ascii=False)
    for pattern, mask in _STAMPS:
        text = pattern.sub(mask, text)
    return json.loads(text)
