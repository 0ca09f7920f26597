"""``run`` refuses, before anything runs (exit 3), options that contradict each other or the session, rather
than ignore one silently: ``--resume`` with ``--rerun``, ``--watch`` without operator mode, a ``--report``
folder at the session's own path."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def _refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, *args: str) -> str:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, *args, "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert "[1/1]" not in err
    return err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "--resume et --rerun ne se combinent pas : --resume reprend les cas sans verdict, --rerun rejoue"),
        ("en", "--resume and --rerun do not combine: --resume goes on with the cases without a verdict,"),
    ],
)
def test_resume_and_rerun_together(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    assert main(["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH]) == 0
    capsys.readouterr()
    assert said in _refused(tmp_path, capsys, lang, "--resume", "--rerun")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "--watch ne sert qu'en mode opérateur (--engine operator)"),
        ("en", "--watch is for operator mode only (--engine operator)"),
    ],
)
def test_watch_without_operator_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    assert said in _refused(tmp_path, capsys, lang, "--watch", str(tmp_path))
    assert not (tmp_path / "s.tbsession").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{path} : c'est le fichier de la session ; indiquez un autre dossier pour le rapport"),
        ("en", "{path}: that is the session's file; give another folder for the report"),
    ],
)
def test_report_at_the_sessions_path(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str) -> None:
    session = tmp_path / "s.tbsession"
    assert said.format(path=session) in _refused(tmp_path, capsys, lang, "--report", str(session))
    assert not session.exists()
