"""``--rerun`` given an edited copy of the session's casebook (audit s23 §7): it said « cb-v2.xml a changé depuis
le début de la session », a file never in the session. It now says the copy replaces the session's file; a file
changed in place is still said changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def _edited(text: str) -> str:
    return text.replace("<document-version>01.00</document-version>", "<document-version>01.01</document-version>")


def test_an_edited_copy_replaces_the_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    original, copy = tmp_path / "cb.xml", tmp_path / "cb-v2.xml"
    shutil.copy(DEMO, original)
    copy.write_text(_edited(DEMO.read_text(encoding="utf-8")), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    assert main(["run", str(original), "--session", str(session), *BENCH]) in (0, 1)
    capsys.readouterr()
    assert main(["run", str(copy), "--session", str(session), "--rerun", *BENCH]) in (0, 1)
    err = capsys.readouterr().err
    assert f"{copy} (plan PDT-DEMO-001) remplace {original} dans la session" in err, err
    assert "a changé depuis le début de la session" not in err
    copy.write_text(copy.read_text(encoding="utf-8") + "\n<!-- edited in place -->\n", encoding="utf-8")
    assert main(["run", str(copy), "--session", str(session), "--rerun", *BENCH]) in (0, 1)
    err = capsys.readouterr().err
    assert "cb-v2.xml a changé depuis le début de la session" in err and "remplace" not in err, err
