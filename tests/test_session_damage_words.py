"""Audit: a DAMAGED session named a Python class and exited with the wrong code. A text column whose bytes are no
UTF-8 (a page damaged on disk) made ``verify`` say « n'est pas un fichier de session lisible (erreur SQLite
OperationalError) » and ``report``, ``diff``, ``coverage``, ``merge`` « fichier de session endommagé ou illisible
(erreur SQLite OperationalError) », exit 2 — where the docs give 3 for an unreadable session (README § Exit codes,
docs/reports.md, docs/exam-plan.md) and ``diff`` has only 0, 1 and 3. Random damage of the file did the same.

Now the reason is words (SQLite's, in French where it is a known one, else « erreur de la base SQLite » with its own
message quoted) and every command exits 3 for a session it cannot read.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.i18n import colon, english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.store.connection import damage_reason, sqlite_reason

#: a Python class name on a person's screen (« OperationalError », « JSONDecodeError », « DatabaseError »…)
CLASS_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed one-case session and an intact copy to compare it with."""
    folder = tmp_path_factory.mktemp("recorded")
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "--session", str(folder / "s.tbsession"), "-k", "DEMO-FSE-001"]) == 0
    return folder / "s.tbsession"


def _damaged(recorded: Path, folder: Path, definition: str) -> Path:
    """A copy of ``recorded`` whose first case's definition reads ``definition`` (SQL: bytes cast as text)."""
    session = folder / "d.tbsession"
    shutil.copyfile(recorded, session)
    shutil.copyfile(recorded, folder / "a.tbsession")
    conn = sqlite3.connect(session)
    with conn:
        conn.execute(f"UPDATE cases SET definition = {definition} WHERE rowid = (SELECT min(rowid) FROM cases)")
    conn.close()
    return session


COMMANDS = [
    ["report", "d.tbsession", "-o", "rep"],
    ["diff", "a.tbsession", "d.tbsession"],
    ["diff", "d.tbsession", "a.tbsession"],
    ["coverage", "d.tbsession"],
    ["merge", "d.tbsession", "-o", "m.tbsession"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: " ".join(argv[:2]))
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fr", "fichier de session endommagé ou illisible (texte de la base endommagé, illisible en UTF-8)"),
        ("en", "session file damaged or unreadable (damaged text in the database, not readable as UTF-8)"),
    ],
)
def test_a_text_that_is_no_utf8_is_said_in_words_and_exits_3(
    recorded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    lang: str,
    said: str,
) -> None:
    _damaged(recorded, tmp_path, "CAST(x'7b22ff' AS TEXT)")  # the audit's own damage: « {" » and a lone 0xFF
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", lang, *argv]) == EXIT_USAGE
    err = capsys.readouterr().err
    # the damaged file named (the failure net's check finds text that is no UTF-8 too: tests/test_fuzz_inputs.py)
    assert f"testbench {argv[0]}{colon(lang)}d.tbsession{colon(lang)}{said}\n" in err, err
    assert not CLASS_NAME.search(err) and "Traceback" not in err and "sqlite3" not in err, err
    assert not (tmp_path / "m.tbsession").exists() and not (tmp_path / "rep").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "d.tbsession : n'est pas un fichier de session lisible (texte de la base endommagé, illisible en UTF-8)",
        ),
        ("en", "d.tbsession: is not a readable session file (damaged text in the database, not readable as UTF-8)"),
    ],
)
def test_verify_says_a_damaged_session_is_no_readable_session(
    recorded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    said: str,
) -> None:
    _damaged(recorded, tmp_path, "CAST(x'7b22ff' AS TEXT)")
    monkeypatch.chdir(tmp_path)
    assert main(["--lang", lang, "verify", "d.tbsession"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert f"testbench verify{colon(lang)}{said}\n" in captured.err, captured.err
    assert "INTÈGRE" not in captured.out and "INTACT" not in captured.out  # never taken for evidence
    assert not CLASS_NAME.search(captured.err + captured.out)


def test_a_value_that_is_no_json_is_said_as_damage_not_as_a_fault_of_testbench(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damaged bytes that still read as text: the value is no JSON (« JSONDecodeError », an « erreur interne de
    testbench » and exit 2 before)."""
    _damaged(recorded, tmp_path, '\'{"id": "DEMO-FSE-001" "title": 1}\'')
    monkeypatch.chdir(tmp_path)
    for argv in COMMANDS[:3]:  # coverage reads no case's definition, merge refuses the changed chain first
        assert main(argv) == EXIT_USAGE, argv
        err = capsys.readouterr().err
        said = f"testbench {argv[0]} : fichier de session endommagé ou illisible (valeur de la base endommagée, "
        assert said + "illisible en JSON)\n" in err, err
        assert "erreur interne" not in err and not CLASS_NAME.search(err)
    assert main(["verify", "d.tbsession"]) == 1  # the chain names the changed case: ALTÉRÉ
    assert capsys.readouterr().out.rstrip().endswith("ALTÉRÉ")


@pytest.mark.parametrize("seed", range(12))
def test_random_damage_is_never_a_class_name_nor_a_fault_of_testbench(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """200 random bytes written anywhere in the file (the audit's own test): each command reads the session
    (exit 0, or 1 for verify when the chain names the change, or 2 for a report built from an altered session)
    or says it is damaged (exit 3); never a class name, a traceback or an « erreur interne »."""
    session = tmp_path / "d.tbsession"
    shutil.copyfile(recorded, session)
    shutil.copyfile(recorded, tmp_path / "a.tbsession")
    damage = random.Random(seed)
    data = bytearray(session.read_bytes())
    at = damage.randrange(0, len(data) - 200)
    data[at : at + 200] = damage.randbytes(200)
    session.write_bytes(bytes(data))
    monkeypatch.chdir(tmp_path)
    allowed = {"verify": {0, 1, 3}, "report": {0, 2, 3}, "diff": {0, 1, 3}}
    for argv in (["verify", "d.tbsession"], COMMANDS[0], COMMANDS[1]):
        code = main(argv)
        captured = capsys.readouterr()
        said = captured.out + captured.err
        assert code in allowed[argv[0]], said
        assert not CLASS_NAME.search(said) and "Traceback" not in said and "erreur interne" not in said, said
        if code == 3:
            assert "endommagé ou illisible (" in said or "n'est pas un fichier de session lisible (" in said, said


def test_sqlite_s_other_words_are_quoted_never_a_class_name() -> None:
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT absent FROM sqlite_master")
    conn.close()
    assert sqlite_reason(caught.value) == "erreur de la base SQLite « no such column: absent »"
    assert english(f"fichier de session endommagé ou illisible ({damage_reason(caught.value)})") == (
        "session file damaged or unreadable (SQLite database error “no such column: absent”)"
    )
    bare = sqlite3.DatabaseError('unrecognized token: "\x1e\x00" in « x »\n' + "z" * 300)  # no result code
    reason = sqlite_reason(bare)
    assert reason.startswith('erreur de la base SQLite « unrecognized token: " ?" in " x " zzz')  # one « … »
    assert reason.endswith("… »") and len(reason) < 200 and reason.isprintable()
    assert sqlite_reason(sqlite3.DatabaseError("file is not a database")) == "pas une base SQLite"
    assert sqlite_reason(sqlite3.DatabaseError("database disk image is malformed")) == "base SQLite endommagée"
    assert sqlite_reason(sqlite3.OperationalError()) == "erreur de la base SQLite « ? »"


def test_a_misuse_of_sqlite3_is_a_fault_of_testbench_not_a_damaged_file() -> None:
    conn = sqlite3.connect(":memory:")
    conn.close()
    with pytest.raises(sqlite3.ProgrammingError) as caught:
        conn.execute("SELECT 1")
    assert damage_reason(caught.value) is None
    assert damage_reason(ValueError("x")) is None
