"""A ``--session`` that is no file (a named pipe, a device, a folder) is refused up front as no session file, exit 3
(bad input), by ``run`` (fresh, ``--resume``, ``--failed``, ``--rerun``), the readers and the workstation, without
waiting on the pipe and without a lock file made beside it. Before, SQLite opened the pipe or the device and failed
at its first write: said as a disk error (« erreur d'entrée-sortie du disque »), exit 2, or « introuvable »."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.tui.app import WorkstationApp

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no named pipe nor /dev/null as a path on Windows")

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]
SAID = {
    "fr": "n'est pas un fichier (périphérique, tube nommé…), pas un fichier de session",
    "en": "is not a file (device, named pipe…), not a session file",
}


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "exam" / "s.tbsession"
    path.parent.mkdir()
    os.mkfifo(path)
    return path


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p != path)


@pytest.mark.parametrize(
    "mode", [[], ["--resume"], ["--failed"], ["--rerun"]], ids=["fresh", "resume", "failed", "rerun"]
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_run_refuses_a_named_pipe(fifo: Path, capsys: pytest.CaptureFixture[str], mode: list[str], lang: str) -> None:
    code = main(["run", str(DEMO), "--session", str(fifo), *BENCH, *mode, "--lang", lang])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert f"testbench run{colon(lang)}{fifo}{colon(lang)}{SAID[lang]}" in err
    assert "disque" not in err and "disk" not in err
    assert _beside(fifo) == []  # no lock file, no -journal beside it


def test_run_refuses_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(DEMO), "--session", os.devnull, *BENCH]) == EXIT_USAGE
    assert f"testbench run : {os.devnull} : {SAID['fr']}" in capsys.readouterr().err
    assert not os.path.exists(f"{os.devnull}.lock") and not os.path.exists(f"{os.devnull}-journal")


@pytest.mark.parametrize(
    "argv",
    [["report", "{s}", "-o", "{o}"], ["coverage", "{s}"], ["diff", "{s}", "{s}"]],
    ids=["report", "coverage", "diff"],
)
def test_readers_say_no_session_file_not_missing(
    fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    words = [w.format(s=fifo, o=tmp_path / "out") for w in argv]
    assert main([*words, "--lang", "en"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{fifo}: {SAID['en']}" in err and "not found" not in err


def test_the_workstation_refuses_it_before_its_window(
    fifo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    opened: list[str] = []
    monkeypatch.setattr(WorkstationApp, "run", lambda self, *a, **k: opened.append("run") or 0)
    assert main(["ui", str(DEMO), "--session", str(fifo), "--cards", "inprocess"]) == EXIT_USAGE
    assert f"testbench ui : {fifo} : {SAID['fr']}" in capsys.readouterr().err
    assert opened == [] and _beside(fifo) == []  # no presence lock beside the pipe either
