"""`testbench cover` (and the workstation's « Page de garde », which shares it) run again with the same values
records nothing the second time and says so; a changed value is recorded."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("cover") / "s.tbsession"
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH]) == 0
    return session


def _completed(session: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(session) as conn:
        (raw,) = conn.execute("SELECT value FROM meta WHERE key = 'cover_completed'").fetchone()
    return [(e["field"], e["value"]) for e in json.loads(raw)]


def test_the_same_values_twice_are_recorded_once(ran: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copy(ran, session)
    args = ["cover", str(session), "--sut", "MonLogiciel", "--sut-version", "1.0"]
    assert main(args) == 0
    first = _completed(session)
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "déjà complété avec cette valeur, rien d'enregistré : logiciel testé, version du logiciel testé" in out
    assert "page de garde complétée" not in out
    assert _completed(session) == first == [("sut", "MonLogiciel"), ("sut_version", "1.0")]
    assert main(["cover", str(session), "--sut", "MonLogiciel", "--sut-version", "1.1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "already completed with this value, nothing recorded: software under test" in out
    assert _completed(session)[-1] == ("sut_version", "1.1") and len(_completed(session)) == 3
