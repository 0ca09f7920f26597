"""A session a run still writes (audit s23 §3): ``report`` refuses it as ``merge`` does (exit 3, naming the
process), instead of a book that mixes moments and calls the running case « interrompu »; ``coverage``, ``diff``
and ``verify`` read it but say so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "tag:e1", "--plan", str(PLAN)]
HOLD = "import sys; from testbench.store.session import SessionStore\nwith SessionStore.open(sys.argv[1]):\n"
HOLD += "    print('ready', flush=True); sys.stdin.read()\n"


def test_report_refuses_and_coverage_warns_while_a_run_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, folder, junit = tmp_path / "s.tbsession", tmp_path / "rep", tmp_path / "live.xml"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    capsys.readouterr()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(session)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert main(["report", str(session), "-o", str(folder), "--junit", str(junit)]) == 3
        err = capsys.readouterr().err
        said = f"session encore ouverte en écriture par un autre processus (pid {holder.pid} sur "
        assert said in err and "construisez le rapport une fois son exécution terminée" in err, err
        assert not folder.exists() and not junit.exists()
        main(["coverage", str(session), "--lang", "en"])
        err = capsys.readouterr().err
        assert f"still open for writing by another process (pid {holder.pid} on " in err, err
        main(["diff", str(session), str(session), "--lang", "en"])
        err = capsys.readouterr().err
        assert f"session B ({session}) still open for writing by another process (pid {holder.pid} on " in err, err
        assert main(["verify", str(session)]) == 0  # what is written is intact, said after the warning
        err = capsys.readouterr().err
        said = f"ATTENTION : {session} : session encore ouverte en écriture par un autre processus (pid {holder.pid} "
        assert said in err and "vérifiez-la de nouveau quand l'exécution est finie" in err, err
        main(["verify", str(session), "--lang", "en"])
        assert "only what is already written is checked" in capsys.readouterr().err
    finally:
        holder.communicate("", timeout=30)
    assert main(["report", str(session), "-o", str(folder)]) == 0  # the run has ended: built
    main(["coverage", str(session)])
    assert "encore ouverte" not in capsys.readouterr().err
    assert main(["verify", str(session)]) == 0
    assert "encore ouverte" not in capsys.readouterr().err
