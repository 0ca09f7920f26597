"""Audit 13: merging a session a run is still writing (a CI shard not yet done) reads one snapshot of it.

The merge read each table in its own query while the run committed between two of them: an event copied
without its attempt broke the merged file's foreign keys (« sqlite3.IntegrityError », a traceback). Each input
is now read in one read transaction: every merge taken during the run is whole, and verifies.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from testbench.cli.main import main
from testbench.store import merge as store_merge

REPO = Path(__file__).resolve().parents[1]


def write_casebook(target: Path, cases: int) -> None:
    """The performance job's casebook (benchmarks/peer_ratio.py): many short cases, a run of a few seconds."""
    spec = importlib.util.spec_from_file_location("peer_ratio", REPO / "benchmarks" / "peer_ratio.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("peer_ratio", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.write_casebook(target, cases)


def test_merges_taken_while_a_run_writes_are_each_whole(tmp_path: Path, capsys, monkeypatch) -> None:
    """``merge`` now refuses an input whose lock a run holds (audit s22 §4, tests/test_merge_live_shard.py); a run
    that takes the lock just after that check is still read in one snapshot: the check is bypassed here."""
    monkeypatch.setattr(store_merge, "refuse_written", lambda _path: None)
    live, casebook = tmp_path / "live.tbsession", tmp_path / "job" / "peer.xml"
    write_casebook(casebook, 600)  # long enough for several merges on a loaded CI worker
    command = [sys.executable, "-m", "testbench", "run", str(casebook), "--session", str(live)]
    run = subprocess.Popen(
        [*command, "--cards", "inprocess", "--engine", "inprocess"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    merged: list[Path] = []
    try:
        while run.poll() is None or not merged:
            if live.exists():
                out = tmp_path / f"m{len(merged)}.tbsession"
                code = main(["merge", str(live), "-o", str(out)])
                said = capsys.readouterr().err
                assert "Traceback" not in said and "erreur interne" not in said, said
                if code == 0:
                    merged.append(out)
    finally:
        run.wait(timeout=120)
    assert run.returncode == 0
    assert len(merged) >= 2, merged  # taken at several moments of the run (one clean-clone run took 1 of 3)
    for out in merged:
        assert main(["verify", str(out)]) == 0, out
