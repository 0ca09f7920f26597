"""``run --resume`` refuses what it cannot resume, saying which file: a session that is not there (a
mistyped path after a crash) is exit 3 and nothing is run or created; a casebook of the session missing
from the files given is named by its plan id and path, not only by its hash, before the session is written
(one given in a new version is followed: tests/test_run_follows_changed_casebook.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


def recorded(session: Path) -> list[list[tuple[object, ...]]]:
    """What the session holds: its casebooks and its journal."""
    with sqlite3.connect(session) as conn:
        return [conn.execute(f"SELECT * FROM {table}").fetchall() for table in ("casebooks", "chain")]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "{path} : session introuvable ; rien à reprendre. Vérifiez le chemin, ou lancez sans --resume"),
        ("en", "{path}: session not found; nothing to resume. Check the path, or run without --resume"),
    ],
)
def test_resume_of_a_session_that_is_not_there_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    session = tmp_path / "nosuch.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), "--resume", *BENCH, "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert f"testbench run{colon(lang)}{said.format(path=session)}" in err
    assert "[1/1]" not in err  # nothing ran
    assert list(tmp_path.iterdir()) == []  # nor was a session created


def test_a_casebook_missing_on_resume_is_named_by_plan_and_path_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    casebook = tmp_path / "cahier.xml"
    shutil.copy(DEMO, casebook)
    shutil.copytree(DEMO.parent / "cards", tmp_path / "cards")
    other = tmp_path / "autre.xml"
    text = casebook.read_text(encoding="utf-8")
    other.write_text(text.replace("PDT-DEMO-001", "PDT-AUTRE-001"), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    assert main(["run", str(casebook), "--session", str(session), *BENCH]) == 0
    before = recorded(session)
    capsys.readouterr()

    assert main(["run", str(other), "--session", str(session), "--resume", *BENCH]) == 3
    err = capsys.readouterr().err
    said = f"{session} : le cahier de tests « PDT-DEMO-001 » de la session ({casebook}, empreinte"
    assert said in err, err
    assert "n'est pas parmi les fichiers donnés : donnez-le aussi pour reprendre la session" in err
    assert recorded(session) == before  # refused before the session was written
