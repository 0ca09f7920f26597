"""``merge`` refuses a shard session a run still writes (audit s22 §4): its lock is taken.

Merged then, the cases the shard had not run yet read « non exécuté », the campaign green with cases skipped,
and the shard finished afterwards. ``run`` refuses such a session (exit 3); ``merge`` now does too, naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.merge import MergeError, merge_sessions

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "tag:e1"]
HOLD = "import sys; from testbench.store.session import SessionStore\nwith SessionStore.open(sys.argv[1]):\n"
HOLD += "    print('ready', flush=True); sys.stdin.read()\n"


def shards(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / f"shard-{k}.tbsession" for k in (1, 2)]
    for k, path in enumerate(paths, 1):
        assert main(["run", str(DEMO), "--session", str(path), "--shard", f"{k}/2", *BENCH]) in (0, 1)
    return paths


def test_merge_refuses_a_shard_a_run_still_writes_and_merges_it_once_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = shards(tmp_path)
    capsys.readouterr()
    output = tmp_path / "campaign.tbsession"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(inputs[1])], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert main(["merge", *map(str, inputs), "-o", str(output)]) == 3  # as run refuses a locked session
        err = capsys.readouterr().err
        said = f"{inputs[1]} : session encore ouverte en écriture par un autre processus (pid {holder.pid} sur "
        assert said in err and "fusionnez-la une fois son exécution terminée" in err, err
        assert str(inputs[0]) not in err.replace(str(inputs[1]), "")  # the finished shard is not blamed
        assert main(["merge", *map(str, inputs), "-o", str(output), "--lang", "en"]) == 3
        err = capsys.readouterr().err
        assert "still open for writing by another process" in err and "once its run has ended" in err, err
        with pytest.raises(MergeError) as refused:  # the store's merge refuses it too (the pytest plugin's caller)
            merge_sessions(inputs, output)
        assert "session encore ouverte en écriture" in str(refused.value)
        assert not output.exists()
    finally:
        holder.communicate("", timeout=30)
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 0  # the run has ended: merged
    assert output.is_file()
