"""``testbench diff`` in the language asked: the bench's trace lines, an APDU's status word and a boolean value.

Two runs of the demo's paper-sheet case, the second attesting that the sheet was not printed: the diff shows
the changed value and the changed bench lines; one APDU line of the second session is made to answer
otherwise (as another card would), so the diff shows APDU lines too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from shard_content import ATTESTATIONS, DEMO, run_demo

from testbench.cli.main import main

#: How the bench's French lines start (testbench/runner/runner.py writes them).
FRENCH = ("bench début du cas", "bench fin du cas", "bench carte ", "bench étape", "bench contrôle de la carte")


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("diff-lang")
    not_printed = json.loads(ATTESTATIONS.read_text(encoding="utf-8"))
    not_printed["DEMO-FSE-030/m-paper"]["values"]["manual.paper_printed"] = "false"
    (work / "not-printed.json").write_text(json.dumps(not_printed), encoding="utf-8")
    a, b = work / "a.tbsession", work / "b.tbsession"
    assert run_demo(a, "-k", "DEMO-FSE-030") == 0
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(work / "not-printed.json")]
    assert main(["run", str(DEMO), "--session", str(b), *bench, "-k", "DEMO-FSE-030"]) == 1
    with sqlite3.connect(b) as db:  # another card's answer to the first SELECT
        (line_id,) = db.execute("SELECT min(id) FROM trace_lines WHERE channel = 'apdu' AND text LIKE '%9000 succès%'")
        db.execute(
            "UPDATE trace_lines SET text = replace(text, '9000 succès', '6A82 fichier ou application introuvable') "
            "WHERE id = ?",
            (line_id[0],),
        )
    return a, b


def diff_lines(sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str], *options: str) -> str:
    a, b = sessions
    # the case now fails (a regression), but B was edited in place: its chain does not verify, which wins (exit 2)
    assert main([*options, "diff", str(a), str(b)]) == 2
    return capsys.readouterr().out


def test_the_diff_reads_in_english_with_its_trace_lines_and_values(
    sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = diff_lines(sessions, capsys, "--lang", "en")
    trace = [line[5:] for line in out.splitlines() if line.startswith("    ") and line[4:5] in ("+", "-", " ")]
    bench = [line for line in trace if line.startswith("bench ")]
    assert bench and [line for line in bench if line.startswith(FRENCH)] == []
    assert "bench end of case DEMO-FSE-030: failed" in out
    apdu = [line for line in trace if line.startswith("apdu ")]
    assert any(" 9000 success " in line for line in apdu) and any(
        " 6A82 file or application not found" in x for x in apdu
    )
    assert "succès" not in out and "introuvable" not in out
    assert "manual.paper_printed: yes → no (expected yes)" in out


def test_the_diff_reads_in_french_by_default(sessions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out = diff_lines(sessions, capsys)
    assert "bench fin du cas DEMO-FSE-030 : échec" in out and " 6A82 fichier ou application introuvable" in out
    assert "manual.paper_printed : oui → non (attendu oui)" in out
