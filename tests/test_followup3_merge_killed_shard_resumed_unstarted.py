"""A CI shard killed (``kill -9``) mid-run, then ``--resume``\\ d into a run whose bench never started (exit 2,
« banc indisponible »): ``merge`` counts its shard as missing and says why, how many of its cases are left to run,
as it does a shard that ran no case at all. It used to merge it as a shard held: the campaign looked complete and
its unrun cases read « non exécuté » with no reason. Resumed again on a working bench, the same file merges."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.merge import bench_never_started

CASEBOOK = CASEBOOKS_DIR / "billing.xml"


def finished(session: Path) -> int:
    if not session.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{session.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT COUNT(*) FROM attempts WHERE verdict NOT IN ('none', 'pending')").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def killed_shard(session: Path) -> None:
    """Shard 2/2 run in its own process (the reference engine, out of process) and killed after two cases."""
    args = ["run", str(CASEBOOK), "--session", str(session), "--shard", "2/2", "--cards", "inprocess"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "testbench", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while finished(session) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    assert proc.poll() is None, "the shard ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is a POSIX signal")
def test_a_killed_shard_resumed_on_a_bench_that_never_started_is_a_missing_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "shard-1.tbsession", tmp_path / "shard-2.tbsession"
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    assert main(["run", str(CASEBOOK), "--session", str(first), "--shard", "1/2", *bench]) == 0
    killed_shard(second)
    ran = finished(second)
    resume = ["run", str(CASEBOOK), "--session", str(second), "--shard", "2/2", "--resume", "--cards", "inprocess"]
    assert main([*resume, "--engine", str(tmp_path / "absent-engine")]) == 2  # « banc indisponible »
    found = bench_never_started(second)
    assert found is not None and found[1] == ran and found[2] > 0, found
    left = found[2]
    capsys.readouterr()

    output = tmp_path / "campaign.tbsession"
    assert main(["merge", str(first), str(second), "-o", str(output)]) == 3
    err = capsys.readouterr().err
    said = (
        f"{second} : partition 2/2 inachevée, le banc de sa dernière exécution n'a pas démarré"
        f" (cas non exécutés : {left} ; relancez-la) : banc indisponible : impossible de lancer le moteur"
    )
    assert said in err, err
    assert "partition manquante : 2/2 ; --allow-missing-shards" in err and not output.exists()
    assert main(["merge", str(first), str(second), "-o", str(output), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    english = f"{second}: shard 2/2 unfinished, the bench of its last run did not start (cases not run: {left}; run it"
    assert english in err, err
    assert "missing shard: 2/2" in err and "partition" not in err and "banc" not in err, err

    # resumed again once its engine is mended: the same file holds its shard, the campaign merges complete
    assert main([*resume, "--engine", "inprocess"]) == 0
    assert bench_never_started(second) is None
    assert main(["merge", str(first), str(second), "-o", str(output)]) == 0
    assert "inachevée" not in capsys.readouterr().err
    conn = sqlite3.connect(f"{output.resolve().as_uri()}?mode=ro", uri=True)
    try:
        unrun = conn.execute(
            "SELECT COUNT(*) FROM selection s WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE"
            " a.casebook_sha = s.casebook_sha AND a.case_id = s.case_id AND a.verdict NOT IN ('none', 'pending'))"
        ).fetchone()[0]
    finally:
        conn.close()
    assert unrun == 0


def test_a_whole_shard_resumed_on_a_broken_bench_still_holds_its_shard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shard that ran all its cases leaves none to run: a later run that could not start its bench takes nothing
    from it (``--rerun`` of the whole slice on a broken engine), and the merge holds its shard."""
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    paths = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, path in enumerate(paths, 1):
        assert main(["run", str(CASEBOOK), "--session", str(path), "--shard", f"{k}/2", *bench]) == 0
    again = ["run", str(CASEBOOK), "--session", str(paths[1]), "--shard", "2/2", "--cards", "inprocess", "--rerun"]
    assert main([*again, "--engine", str(tmp_path / "absent-engine")]) == 2
    assert bench_never_started(paths[1]) is None
    capsys.readouterr()
    assert main(["merge", *map(str, paths), "-o", str(tmp_path / "campaign.tbsession")]) == 0
    assert "n'a pas démarré" not in capsys.readouterr().err
