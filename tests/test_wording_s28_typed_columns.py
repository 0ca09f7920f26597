"""A value of the wrong type edited into a session (text in a time, bytes in a title) is said in the person's
words — the table as the integrity check names it, the column as a person names it, the case and attempt first
when the row has them, the row kept to find it — never « table attempts … started_wall » (audit s28)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]
EDITS = (
    "UPDATE attempts SET ended_wall = 'hier' WHERE id = 2",
    "UPDATE cases SET title = x'01' WHERE case_id = 'DEMO-FSE-001'",
    "UPDATE casebooks SET path = x'00'",
    "UPDATE runs SET started_wall = 'avant-hier' WHERE id = 1",
)
#: the file's own names, in no language (the tables' and some columns' names are English words, not French ones)
RAW = {"fr": ("table ", "_wall", "attempts", "casebooks", "cases", "runs", "title", "path"), "en": ("table ", "_wall")}
SAID = {
    "fr": (
        "cas DEMO-FSE-002, tentative 1 — tentatives, ligne 2 : valeur inattendue pour l'heure de fin, ignorée",
        "cas DEMO-FSE-001 : valeur inattendue pour le titre, ignorée (fichier modifié hors de testbench)",
        "cahiers de la session, ligne 1 : valeur inattendue pour le chemin, ignorée",
        "lancements, ligne 1 : valeur inattendue pour l'heure de début, ignorée",
    ),
    "en": (
        "case DEMO-FSE-002, attempt 1 — attempts, line 2: unexpected value for the end time, ignored",
        "case DEMO-FSE-001: unexpected value for the title, ignored (file changed outside testbench)",
        "the session's casebooks, line 1: unexpected value for the path, ignored",
        "runs, line 1: unexpected value for the start time, ignored",
    ),
}


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    session = tmp_path_factory.mktemp("typed") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001 or DEMO-FSE-002"]) == 0
    with sqlite3.connect(session) as conn:
        for statement in EDITS:
            conn.execute(statement)
    conn.close()
    return session


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_wrong_typed_value_is_said_in_the_persons_words(
    edited: Path, tmp_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["report", str(edited), "-o", str(tmp_path / "r"), "--lang", lang]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if "inattendue" in line or "unexpected" in line]
    for said in SAID[lang]:
        assert any(said in line for line in lines), (said, lines)
    assert len(lines) == len(SAID[lang]), lines
    for line in lines:
        assert not any(raw in line.split("— ")[-1] for raw in RAW[lang]), line
