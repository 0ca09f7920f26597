"""`testbench cover` on what it is given: English throughout with --lang en, control characters shown visibly, an
empty value refused, and a session whose journal does not verify left unwritten, as `merge` refuses it."""

from __future__ import annotations

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
    """One demo case run naming no software version, agrément nor operator."""
    session = tmp_path_factory.mktemp("cover-checks") / "s.tbsession"
    assert main(["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), *BENCH]) == 0
    return session


@pytest.fixture
def session(ran: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    copy = tmp_path / "s.tbsession"
    shutil.copy(ran, copy)
    capsys.readouterr()
    return copy


def test_the_completed_fields_are_said_in_english(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cover", str(session), "--sut-version", "4.2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "cover completed: version of the software under test" in out
    assert "Completed after the runs: version of the software under test — " in out
    assert "version du logiciel" not in out
    book = session.parent / "en"
    main(["report", str(session), "-o", str(book), "--lang", "en"])
    assert "version du logiciel" not in (book / "index.html").read_text(encoding="utf-8")


def test_a_control_character_in_a_value_is_shown_not_obeyed(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cover", str(session), "--sut-version", "4.2\x1b[2K\rok"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "version 4.2⟨U+001B⟩[2K⟨U+000D⟩ok" in out


def test_an_empty_value_is_refused_and_nothing_is_written(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = session.read_bytes()
    assert main(["cover", str(session), "--sut", "", "--operator", "Camille"]) == 3
    err = capsys.readouterr().err
    assert err == "testbench cover : --sut : valeur vide ; une page de garde se complète, elle ne s'efface pas\n"
    assert session.read_bytes() == before
    assert main(["cover", str(session), "--sut-version", " ", "--lang", "en"]) == 3
    assert "--sut-version: empty value; a cover is completed, never cleared" in capsys.readouterr().err


def test_an_altered_session_is_refused_as_merge_refuses_it(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(session)
    conn.execute("UPDATE attempts SET verdict = 'fail' WHERE case_id = 'DEMO-FSE-001'")
    conn.commit()
    conn.close()
    before = session.read_bytes()
    assert main(["cover", str(session), "--sut-version", "4.2"]) == 3
    err = capsys.readouterr().err
    said = "cas DEMO-FSE-001, tentative 1 — verdict, motif, heure de fin ou durée modifiés après coup"
    assert f"testbench cover : {session} : {said}" in err
    assert err.endswith("testbench cover : page de garde non complétée : la session a été modifiée\n")
    assert session.read_bytes() == before
    assert main(["cover", str(session), "--sut-version", "4.2", "--lang", "en"]) == 3
    assert "testbench cover: cover not completed: the session was modified" in capsys.readouterr().err
