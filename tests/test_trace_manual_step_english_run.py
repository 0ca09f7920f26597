"""A campaign run headless in English with a manual step attested from a prepared file: the bench's line for that
step (« étape manuelle … confirmée par … ») reads in English in the report, from the session that keeps the French
it was written in; the operator's name and note as typed. End to end: ``run --attestations`` then ``report``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
VALUES = {"manual.paper_printed": "true", "manual.paper_total": "5.90"}


@pytest.mark.parametrize(
    ("confirmed", "note", "line"),
    [
        (True, "vu à l'écran", "manual step m-paper confirmed by Alice Martin: vu à l'écran"),
        (False, "", "manual step m-paper rejected by Alice Martin: no reason given"),
    ],
)
def test_the_manual_step_line_reads_in_english(
    confirmed: bool, note: str, line: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = {"operator": "Alice Martin", "DEMO-FSE-030/m-paper": {"confirmed": confirmed, "note": note}}
    answers["DEMO-FSE-030/m-paper"]["values"] = VALUES
    (tmp_path / "att.json").write_text(json.dumps(answers), encoding="utf-8")
    session, folder = tmp_path / "s.tbsession", tmp_path / "rep"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    run += ["-k", "DEMO-FSE-030", "--attestations", str(tmp_path / "att.json"), "--lang", "en"]
    assert main(run) == (0 if confirmed else 1)
    assert main(["report", str(session), "-o", str(folder), "--no-redact", "--lang", "en"]) == 0
    capsys.readouterr()
    (case,) = json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"]
    bench = [row["text"] for row in case["trace"]["excerpt"] if row.get("channel") == "bench"]
    assert line in bench, bench
    assert "step m-paper: manual" in bench, bench
    assert not [text for text in bench if text.startswith(("étape", "début", "fin du cas", "carte "))], bench
