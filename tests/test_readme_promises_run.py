"""README § The session file and the ``-k`` row of « Useful options of `run` », held by real ``testbench``
processes on the bundled casebooks:

- « One process at a time may write a session (it holds `SESSION.lock` beside it while it writes, and leaves that
  empty file behind: it holds nothing, a copy of the session does not need it, and deleting it is safe once no
  run is going) »;
- « `--engine reference|inprocess|"COMMAND…"`: the reference engine runs out of process through the JSON-RPC
  protocol by default »;
- « `-k PSAD-LOT-01` also selects `PSAD-LOT-010`…; `id:` does not », « case and accents aside (`-k dégradé` is
  `-k degrade`) »."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASEBOOKS = Path(__file__).resolve().parents[1] / "casebooks"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def _testbench(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"XDG_DATA_HOME", "TESTBENCH_LANG"}}
    env["HOME"] = str(cwd)
    return subprocess.run([sys.executable, "-m", "testbench", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip


def ran(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The ids of the cases a run's progress lines name, in their order."""
    return re.findall(r"^\[\d+/\d+\] (\S+) : ", done.stderr, flags=re.M)


def test_a_run_leaves_its_lock_empty_and_neither_a_copy_nor_the_next_run_needs_it(tmp_path: Path) -> None:
    demo = str(CASEBOOKS / "demo.xml")
    first = _testbench("run", demo, "--session", "s.tbsession", "-k", "DEMO-FSE-00", *BENCH, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    lock = tmp_path / "s.tbsession.lock"
    assert lock.is_file() and lock.stat().st_size == 0  # left behind, empty: it holds nothing
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    shutil.copy(tmp_path / "s.tbsession", elsewhere / "s.tbsession")  # the session alone, its run ended
    verified = _testbench("verify", "s.tbsession", cwd=elsewhere)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    book = _testbench("report", "s.tbsession", "-o", "book", cwd=elsewhere)
    assert book.returncode == 0, book.stderr
    assert (elsewhere / "book" / "index.html").is_file()
    lock.unlink()  # « deleting it is safe once no run is going »
    again = _testbench("run", demo, "--session", "s.tbsession", "--rerun", "-k", "id:DEMO-FSE-001", *BENCH,
                      cwd=tmp_path)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert ran(again) == ["DEMO-FSE-001"]
    assert lock.is_file() and lock.stat().st_size == 0


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("PSAD-LOT-01", [f"PSAD-LOT-01{n}" for n in range(7)]),  # a substring: 010 to 016
        ("id:PSAD-LOT-010", ["PSAD-LOT-010"]),  # the id exactly
    ],
)
def test_k_selects_by_substring_and_id_exactly(selection: str, expected: list[str], tmp_path: Path) -> None:
    book = str(CASEBOOKS / "psad-lots-retours.xml")
    done = _testbench("run", book, "--session", "s.tbsession", "-k", selection, *BENCH, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(ran(done)) == expected


def test_k_id_of_a_prefix_selects_nothing(tmp_path: Path) -> None:
    """« `id:` does not »: no bundled case is PSAD-LOT-01 itself; an empty selection is refused, nothing run."""
    book = str(CASEBOOKS / "psad-lots-retours.xml")
    done = _testbench("run", book, "--session", "s.tbsession", "-k", "id:PSAD-LOT-01", *BENCH, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert ran(done) == [] and "aucun cas ne correspond à la sélection" in done.stderr


def test_k_leaves_case_and_accents_aside(tmp_path: Path) -> None:
    selections = {}
    for n, words in enumerate(("dégradé", "degrade", "DÉGRADÉ", "Degrade")):
        folder = tmp_path / str(n)
        folder.mkdir()
        done = _testbench("run", str(CASEBOOKS / "demo.xml"), "--session", "s.tbsession", "-k", words, *BENCH,
                         cwd=folder)  # fmt: skip
        assert done.returncode in (0, 2), done.stderr  # the demo's dégradé cases: one awaits its manual step
        selections[words] = ran(done)
    assert selections["dégradé"], selections  # the demo has dégradé cases
    assert all(found == selections["dégradé"] for found in selections.values()), selections


SPAWNS = """import json, os, sys
with open(os.environ["TB_STARTS"], "a", encoding="utf-8") as f:
    f.write(json.dumps(sys.orig_argv) + "\\n")
"""


@pytest.mark.parametrize(
    ("engine", "served"), [([], 1), (["--engine", "reference"], 1), (["--engine", "inprocess"], 0)]
)
def test_the_reference_engine_runs_out_of_process_by_default(engine: list[str], served: int, tmp_path: Path) -> None:
    """Every Python process the run starts notes its command line (a ``sitecustomize`` on PYTHONPATH): by default,
    and with ``--engine reference``, one is the reference engine serving the protocol; in process, none."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SPAWNS, encoding="utf-8")
    starts = tmp_path / "starts.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in {"XDG_DATA_HOME", "TESTBENCH_LANG"}}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(tmp_path / "site"), TB_STARTS=str(starts))
    argv = ["run", str(CASEBOOKS / "demo.xml"), "--session", "s.tbsession", "-k", "id:DEMO-FSE-001", "--cards",
            "inprocess", *engine]  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "testbench", *argv], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    commands = [json.loads(line) for line in starts.read_text(encoding="utf-8").splitlines()]
    assert commands[0][-len(argv) :] == argv  # the run itself was seen
    engines = [c for c in commands[1:] if c[-5:-2] == ["testbench", "engine", "serve"]]
    assert len(engines) == served, commands
