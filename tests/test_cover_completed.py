"""`testbench cover`: the cover's fields no run named, completed afterwards without running a case again; the
book prints them with when and by whom, a field a run named stays as recorded."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import pytest
from lxml import html

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo case run with an agrément but no software name, version nor operator."""
    session = tmp_path_factory.mktemp("cover") / "s.tbsession"
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH, "--agrement", "AG-1"]) == 0
    return session


def test_the_fields_no_run_named_are_completed_and_the_book_says_when_and_by_whom(
    ran: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copy(ran, session)
    capsys.readouterr()
    args = ["cover", str(session), "--sut", "MonLogiciel", "--sut-version", "4.2", "--operator", "Camille Martin"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "page de garde complétée : logiciel testé, version du logiciel testé, opérateur" in out
    assert "Logiciel testé : MonLogiciel — version 4.2" in out and "Opérateur : Camille Martin" in out
    alone = tmp_path / "copy" / "s.tbsession"  # the session file alone holds it
    alone.parent.mkdir()
    shutil.copy(session, alone)
    report = tmp_path / "report"
    assert main(["report", str(alone), "-o", str(report)]) == 0
    page = html.parse(str(report / "index.html"))
    cover = " ".join(" ".join(page.xpath("//section[@id='cover']//text()")).split())
    assert "MonLogiciel — version 4.2" in cover and "Camille Martin" in cover and "AG-1" in cover
    (row,) = page.xpath("//tr[@id='cover-completed']")
    said = " ".join(row.text_content().split())
    assert said.startswith("Complété après les exécutions")
    assert "logiciel testé, version du logiciel testé, opérateur — " in said
    assert said.endswith(" UTC — " + getpass.getuser())
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert [(e["field"], e["value"]) for e in data["cover"]["completed"]] == [
        ("sut", "MonLogiciel"),
        ("sut_version", "4.2"),
        ("operator", "Camille Martin"),
    ]


def test_a_field_a_run_named_stays_as_recorded(ran: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copy(ran, session)
    before = session.read_bytes()
    capsys.readouterr()
    assert main(["cover", str(session), "--agrement", "AUTRE"]) == 3
    err = capsys.readouterr().err
    assert "n° d'agrément ou de test : déjà enregistré par les exécutions (« AG-1 ») ; inchangé" in err
    assert "rien à compléter" in err and "Traceback" not in err
    assert session.read_bytes() == before


def test_the_cover_speaks_english_and_a_missing_session_is_said(
    ran: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = tmp_path / "s.tbsession"
    shutil.copy(ran, session)
    capsys.readouterr()
    assert main(["cover", str(session), "--sut", "MySoftware", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "cover completed: software under test" in out
    assert "Software under test: MySoftware — version to be filled in" in out and "Operator: to be filled in" in out
    assert main(["cover", str(tmp_path / "none.tbsession"), "--sut", "X", "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("testbench cover: ") and "Traceback" not in err
