"""``scripts/demo.sh`` works whether or not a pcscd was started before it; neither it nor ``scripts/test.sh``
stops a pcscd it did not start.

The real script runs once against the machine's running pcscd (CI starts one before the suite). The
case "no pcscd before it" cannot be staged on a machine whose pcscd other tests use, so the script's
decisions are also checked in a copy of the repository whose ``setup.sh``, ``pcscd.sh``, ``pgrep`` and
``testbench`` are stand-ins that record their calls.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

STUB = """#!/usr/bin/env bash
echo "{name} $*" >>"$STUB_LOG"
{body}
"""
PCSCD_STUB = """case $1 in
  ready) exit "${STUB_READY:-1}" ;;
  start) exit "${STUB_START:-0}" ;;
  status) echo "${STUB_STATUS:-stopped}" ;;
esac"""


def _stub(path: Path, name: str, body: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STUB.format(name=name, body=body), encoding="utf-8")
    path.chmod(0o755)


def _run_copy(
    tmp_path: Path, *args: str, script: str = "demo.sh", **stubs: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    repo, bin_dir, log = tmp_path / "repo", tmp_path / "bin", tmp_path / "calls.log"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / script, repo / "scripts" / script)
    _stub(repo / "scripts" / "setup.sh", "setup")
    _stub(repo / "scripts" / "pcscd.sh", "pcscd.sh", PCSCD_STUB)
    for tool in ("testbench", "ruff", "python"):
        _stub(repo / ".venv" / "bin" / tool, tool, 'exit "${STUB_DEMO:-0}"')
    _stub(bin_dir / "pgrep", "pgrep", 'exit "${STUB_PGREP:-1}"')
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STUB_LOG": str(log), **stubs}
    proc = subprocess.run(
        ["bash", str(repo / "scripts" / script), *args], env=env, capture_output=True, text=True, timeout=60
    )
    return proc, log.read_text(encoding="utf-8").splitlines()


def test_a_running_pcscd_is_used_and_left_running(tmp_path: Path) -> None:
    proc, calls = _run_copy(tmp_path, "--headless", STUB_PGREP="0")
    assert proc.returncode == 0, proc.stderr
    assert not [c for c in calls if c.startswith(("pcscd.sh start", "pcscd.sh stop"))]
    assert calls[-1] == "testbench demo --output reports/demo --headless"
    assert "pcscd tourne déjà" in proc.stderr


def test_a_pcscd_answering_without_a_process_of_that_name_is_used_too(tmp_path: Path) -> None:
    """A socket-activated pcscd, for instance: it answers before pgrep could see it."""
    _, calls = _run_copy(tmp_path, STUB_READY="0")
    assert not [c for c in calls if c.startswith(("pcscd.sh start", "pcscd.sh stop"))]


def test_without_pcscd_the_script_starts_its_own_and_stops_it_even_when_the_demo_fails(tmp_path: Path) -> None:
    proc, calls = _run_copy(tmp_path, "--output", "ailleurs", STUB_DEMO="2")
    assert proc.returncode == 2
    assert calls[-3:] == [
        "pcscd.sh start --readers 8",
        "testbench demo --output ailleurs",  # the script's own --output left out: given twice is refused
        "pcscd.sh stop",
    ]


def test_when_pcscd_cannot_start_the_demo_still_runs(tmp_path: Path) -> None:
    proc, calls = _run_copy(tmp_path, "--headless", STUB_START="2")
    assert proc.returncode == 0
    assert calls[-1] == "testbench demo --output reports/demo --headless"
    assert "pcscd.sh stop" not in calls
    assert "lecteur virtuel en mémoire" in proc.stderr


def test_the_test_script_stops_only_the_pcscd_it_started(tmp_path: Path) -> None:
    _, calls = _run_copy(tmp_path / "before", script="test.sh", STUB_STATUS="running 4242")
    assert "pcscd.sh start --readers 8" in calls
    assert "pcscd.sh stop" not in calls
    _, calls = _run_copy(tmp_path / "none", script="test.sh")
    assert calls[-1] == "pcscd.sh stop"


def _pcscd_pids() -> set[str]:
    return set(subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True, text=True).stdout.split())


@pytest.mark.slow
def test_real_demo_script_with_the_running_pcscd(vpcd_lock: list[str], tmp_path: Path) -> None:
    before = _pcscd_pids()
    assert before, "the pcsc_stack fixture runs a pcscd"
    out = tmp_path / "demo"
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh"), "--headless", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "index.html").is_file()
    assert _pcscd_pids() == before  # neither stopped nor another one started
