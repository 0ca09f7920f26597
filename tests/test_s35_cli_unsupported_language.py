"""A ``TESTBENCH_LANG`` the bench has no catalogue for (``de``, a runner's locale): the command says so once on
stderr, in French, and goes on in French with its own exit code. Writing that line through the command's stderr
asked the language again, which said it again: a recursion, then a traceback and exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WARNING = "testbench : TESTBENCH_LANG=de : langue non prise en charge (fr ou en) ; le français est utilisé"


def _testbench(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TESTBENCH_LANG": "de"}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_refusal_under_an_unsupported_language(tmp_path: Path) -> None:
    done = _testbench(tmp_path, "merge", "nope.tbsession", "-o", "z.tbsession")
    assert done.returncode == 3, done.stderr[-2000:]
    assert done.stderr.splitlines() == [WARNING, "testbench merge : nope.tbsession : fichier de session introuvable"]


@pytest.mark.parametrize(
    ("lang", "said"), [([], "[1/1] DEMO-FSE-001 : réussi"), (["--lang", "en"], "[1/1] DEMO-FSE-001: passed")]
)
def test_a_run_under_an_unsupported_language(tmp_path: Path, lang: list[str], said: str) -> None:
    demo = str(ROOT / "casebooks" / "demo.xml")
    bench = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
    done = _testbench(tmp_path, "run", demo, "--session", "s.tbsession", *bench, *lang)
    assert done.returncode == 0, done.stderr[-2000:]
    assert said in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.count("TESTBENCH_LANG=de") == (0 if lang else 1)
