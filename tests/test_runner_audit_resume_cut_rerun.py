"""``--resume`` after a ``--rerun`` (or ``--failed``) cut short — SIGTERM or kill -9 — finishes that rerun: the cases
it had not yet given a verdict run again, though an earlier attempt passed. Before, the resume counted any final
verdict of any attempt as done: it ran the one cut case and exited 0, the rest of the rerun never ran. The cut
rerun's own JUnit says the cases it had not reached « non exécuté », as its last line tells."""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_parallel_interrupt import many_cases

from testbench.cli.main import main
from testbench.store.read import read_session, rerun_left

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals a process can handle are POSIX")

COUNT = 80
DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"


def many_failing(folder: Path, count: int) -> Path:
    """The demo's case that must fail (DEMO-FSE-099) repeated with new ids: ``--failed`` reruns them all."""
    text = DEMO.read_text(encoding="utf-8")
    head, rest = text.split("<cases>", 1)
    body, tail = rest.rsplit("</cases>", 1)
    block = re.search(r'<case id="DEMO-FSE-099"[\s\S]*?</case>', body)
    assert block is not None
    cases = [block[0].replace('id="DEMO-FSE-099"', f'id="DEMO-FSE-099-R{i:03d}"', 1) for i in range(count)]
    shutil.copytree(DEMO.parent / "cards", folder / "cards")  # profiles are relative to the casebook
    target = folder / "failing.xml"
    target.write_text(head + "<cases>\n" + "\n".join(cases) + "\n</cases>" + tail, encoding="utf-8")
    return target


def rerun_attempts(session: Path) -> int:
    """How many attempts the second run (the rerun) finished."""
    conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT COUNT(*) FROM attempts WHERE run_id = 2 AND ended_wall IS NOT NULL").fetchone()
        return int(row[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def cut_after(args: list[str], session: Path, done: int, sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen([sys.executable, "-m", "testbench", *args], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and rerun_attempts(session) < done:
        time.sleep(0.01)  # polling the file another process writes: no event to wait on
    assert proc.poll() is None, "the rerun ended before it could be cut"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


def junit_cases(path: Path) -> dict[str, str]:
    cases = ET.parse(path).getroot().iter("testcase")
    return {c.get("name", ""): next((e.tag for e in c if e.tag != "system-out"), "pass") for c in cases}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
@pytest.mark.parametrize("option", ["--rerun", "--failed"])
def test_resume_finishes_a_cut_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sig: signal.Signals, option: str
) -> None:
    casebook = many_cases(tmp_path, COUNT) if option == "--rerun" else many_failing(tmp_path, COUNT)
    session, junit = tmp_path / "s.tbsession", tmp_path / "rt.xml"
    args = ["run", str(casebook), "--session", str(session), "--cards", "inprocess"]
    main(args)
    with read_session(session) as view:
        rerun = {c.case_id for c in view.cases if option == "--rerun" or c.verdict != "pass"}
    assert len(rerun) == COUNT
    stopped = cut_after([*args, option, "--junit", str(junit)], session, 3, sig)
    assert stopped.returncode in (2, -signal.SIGKILL), stopped.stderr
    reached = {case for case, in sqlite3.connect(session).execute("SELECT case_id FROM attempts WHERE run_id = 2")}
    left = {cid for _, cid in rerun_left(session)}
    assert len(reached) < len(rerun) and left >= rerun - reached, (len(reached), len(left))
    if sig == signal.SIGTERM:  # the cut run's JUnit: what it had not reached is « non exécuté »
        shown = junit_cases(junit)
        assert {shown[case] for case in rerun - reached} == {"skipped"}, stopped.stderr
        with read_session(session) as view:
            assert all(c.latest is None for c in view.cases if c.case_id in rerun - reached)
    capsys.readouterr()
    main([*args, "--resume"])
    err = capsys.readouterr().err
    ran = {line.split("] ")[1].split(" :")[0] for line in err.splitlines() if line.startswith("[")}
    assert ran >= rerun - reached and ran <= rerun, err
    assert rerun_left(session) == set()
    capsys.readouterr()
    main([*args, "--resume"])  # done: nothing more
    assert "aucun cas exécuté" in capsys.readouterr().err
