"""``testbench diff`` of two runs where the card bay set a reader aside in one only (its vpcd port held by another
bench on a shared host, a reader unplugged): which reader a slot uses is the bench's, so the bay's line is not
compared (rule « lecteurs mis de côté ») and the case reads « identique »; the same words on another channel (an
application's line) are the product's and still show. A real run of the demo (in-process cards and engine); B is a
copy of A with the bay's line written into one case's trace, as a run on a busy host records it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.diff import diff_sessions

CASE = "DEMO-FSE-001"
SET_ASIDE = (
    "lecteur cps « Virtual PCD 00 01 » mis de côté : le port vpcd 35964 est déjà pris par un banc de test"
    " (processus 29418)"
)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("diff-set-aside")
    a = work / "a.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(a), "-k", CASE, "--cards", "inprocess"]
    assert main([*argv, "--engine", "inprocess", "--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]) == 0
    return a


def with_line(a: Path, channel: str, text: str) -> Path:
    """A copy of ``a`` whose case has ``text`` on ``channel`` right after its start line."""
    b = a.with_name(f"b-{channel}.tbsession")
    shutil.copyfile(a, b)
    with sqlite3.connect(b) as db:
        mono, wall, attempt = db.execute(
            "SELECT mono_ns, wall, attempt_id FROM trace_lines WHERE text LIKE 'début du cas %'"
        ).fetchone()
        db.execute(
            "INSERT INTO trace_lines (channel, mono_ns, wall, text, attempt_id) VALUES (?, ?, ?, ?, ?)",
            (channel, mono + 1, wall, text, attempt),
        )
    return b


def test_a_reader_set_aside_on_one_side_is_the_bench_s(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = with_line(session, "bench", SET_ASIDE)
    (case,) = diff_sessions(session, b).cases
    assert (case.kind, case.trace_diff) == ("same", [])
    main(["diff", str(session), str(b), "--lang", "en"])  # B was edited in place: its chain says so (exit 2)
    out = capsys.readouterr().out
    assert "summary: same 1\n" in out, out
    assert "bench normalisation: readers, readers set aside, " in out


def test_the_same_words_from_the_application_still_show(session: Path) -> None:
    b = with_line(session, "app", SET_ASIDE)
    (case,) = diff_sessions(session, b).cases
    assert case.kind == "details"
    assert any(line.startswith("+app lecteur cps") for line in case.trace_diff), case.trace_diff
