"""Promises of docs/ci.md that no other test held, through real CLI processes.

« Every command a CI runs (`run`, `merge`, `report`, `engine check`, `verify`, `diff`, …) takes a cancel or a
timeout (SIGTERM) as ^C »: « interrompu », exit 2 (not 143), no traceback. ``run``, ``merge``, ``report`` and
``engine check`` have their tests (tests/test_interrupt_commands.py, tests/test_merge_whole.py); ``verify`` and
``diff`` had none. Each signal is real and sent while the command is inside its work: the command runs in a
process of its own where its tool function says so on stdout and waits for the test.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM a process can handle is POSIX")

DEMO = CASEBOOKS_DIR / "demo.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]

#: ``testbench ARGS`` where the function PAUSE_AT (``module.function``) says « paused » and waits on stdin
PAUSE = textwrap.dedent(
    """
    import importlib, os, sys
    from testbench.cli.main import main

    where, _, name = os.environ["PAUSE_AT"].rpartition(".")
    module = importlib.import_module(where)
    real = getattr(module, name)

    def paused(*args, **kwargs):
        print("paused", flush=True)
        sys.stdin.readline()  # the test signals the process here
        return real(*args, **kwargs)

    setattr(module, name, paused)
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two sessions of the demo and the exam book of the first."""
    folder = tmp_path_factory.mktemp("ci")
    first, second, book = folder / "a.tbsession", folder / "b.tbsession", folder / "book"
    for session in (first, second):
        assert main(["run", str(DEMO), "--session", str(session), *BENCH]) == 1  # DEMO-FSE-099 fails
    assert main(["report", str(first), "-o", str(book)]) == 0
    return {"a": first, "b": second, "book": book}


def _terminated_while_in(where: str, args: list[str]) -> tuple[int, str]:
    env = {**os.environ, "PAUSE_AT": where}
    env.pop("TESTBENCH_LANG", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSE, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line != "paused\n":
        _, err = proc.communicate(timeout=60)
        raise AssertionError(f"the command ended before {where}: {proc.returncode} {line}{err}")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


@pytest.mark.parametrize(
    ("where", "command"),
    [
        ("testbench.tools.diff.diff_tool", lambda o: ["diff", str(o["a"]), str(o["b"])]),
        ("testbench.tools.verify.verify_tool", lambda o: ["verify", str(o["book"]), "--session", str(o["a"])]),
    ],
    ids=["diff", "verify"],
)
def test_a_ci_cancel_stops_diff_and_verify_as_ctrl_c(outputs: dict[str, Path], where: str, command) -> None:
    code, err = _terminated_while_in(where, command(outputs))
    assert code == 2, (code, err)  # the environment's, never 143 nor 1 (« a regression », « not intact »)
    assert "interrompu" in err, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err



def _reused_lines(session: Path) -> int:
    with sqlite3.connect(session) as db:
        count = db.execute("SELECT count(*) FROM trace_lines WHERE text LIKE '%repris du cas%'").fetchone()[0]
    db.close()
    return int(count)


def test_runs_with_workers_2_and_a_serial_run_compare_identical(
    outputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """« a `--workers` worker […] starts with no kept check, so […] two runs with `--workers 2`, compare
    `identique` » (ci.md, « diff as a release gate »): each bench reads its first cards again where the serial
    run reuses its kept checks, and the diff makes only that alike."""
    workers = []
    for name in ("w1", "w2"):
        session = tmp_path / f"{name}.tbsession"
        assert main(["run", str(DEMO), "--session", str(session), "--workers", "2", *BENCH]) == 1
        workers.append(session)
    # each bench reads its first cards again, and a bench that runs two cases of one card in a row where the serial
    # run had another card between them reuses a check the serial run reads again: how many each run reuses depends
    # on which bench took which case (dealt as each frees up), never compared; both reuse some, which the diff
    # makes alike
    assert _reused_lines(outputs["a"]) > 0 and all(_reused_lines(w) > 0 for w in workers)
    for a, b in ((workers[0], workers[1]), (outputs["a"], workers[0])):
        capsys.readouterr()
        assert main(["diff", str(a), str(b), "--fail-on-absent"]) == 0
        out = capsys.readouterr().out
        assert "bilan : identique 22" in out.splitlines(), out


def _documented_deal(steps: list[int], keys: list[str], count: int) -> list[int]:
    """ci.md « run --shard K/N », rule 2, as written: the longest first (most steps; ties by key), each to the
    shard whose total of steps is the smallest so far (ties: the lowest shard number)."""
    loads, shard_of = [0] * count, [0] * len(keys)
    for i in sorted(range(len(keys)), key=lambda i: (-steps[i], keys[i])):
        target = min(range(count), key=lambda s: (loads[s], s))
        shard_of[i], loads[target] = target, loads[target] + steps[i]
    return shard_of


@pytest.mark.parametrize("count", [2, 3, 4, 7])
def test_the_deal_is_the_documented_one(count: int) -> None:
    from testbench.casebook.loader import load_casebooks
    from testbench.runner.shard import assign, case_key

    (casebook,) = load_casebooks([DEMO])
    selected = [(casebook, case) for case in casebook.cases]
    keys = [case_key(casebook, case) for case in casebook.cases]
    assert all(len(k) == 64 and int(k, 16) >= 0 for k in keys)  # a SHA-256, in hexadecimal
    steps = [len(case.steps) for case in casebook.cases]
    assert min(steps) >= 1 and len(set(steps)) < len(steps)  # ties exist: the keys decide them
    assert assign(selected, count) == _documented_deal(steps, keys, count)


def _shard_cases(session: Path, seed: str, folder: Path) -> list[str]:
    """The cases ``testbench run --shard 2/4`` runs, in a process of its own with PYTHONHASHSEED=seed."""
    env = {**os.environ, "PYTHONHASHSEED": seed, "HOME": str(folder), "XDG_DATA_HOME": ""}
    argv = ["run", str(DEMO), "--session", str(session), "--shard", "2/4", *BENCH]
    proc = subprocess.run([sys.executable, "-m", "testbench", *argv], capture_output=True, text=True, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    with sqlite3.connect(session) as db:
        rows = db.execute("SELECT case_id FROM attempts ORDER BY id").fetchall()
    db.close()
    return [case_id for (case_id,) in rows]


def test_every_job_computes_the_same_slice_alone(tmp_path: Path) -> None:
    """« every job computes it alone […]: the slice a case lands in does not depend on the order of the files,
    on the machine, or on the job » — two processes whose string hashing differs run the same cases."""
    from testbench.casebook.loader import load_casebooks
    from testbench.runner.shard import Shard, shard_slice

    first = _shard_cases(tmp_path / "a.tbsession", "1", tmp_path)
    second = _shard_cases(tmp_path / "b.tbsession", "4242", tmp_path)
    (casebook,) = load_casebooks([DEMO])
    expected = [case.id for _, case in shard_slice([(casebook, c) for c in casebook.cases], Shard(2, 4))]
    assert first == second == expected and 0 < len(first) < len(casebook.cases)
