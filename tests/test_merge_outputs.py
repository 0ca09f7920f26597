"""What `testbench merge` leaves and says when its output cannot be set up: a full disk while the new file is
created leaves nothing beside it (as « rien n'a été écrit » promises), and a folder given as a session is
said to be a folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from shard_content import run_demo

from testbench.cli.main import main
from testbench.store import connection
from testbench.store import session as session_module


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    paths = [tmp_path / "a.tbsession", tmp_path / "b.tbsession"]
    for path in paths:
        assert run_demo(path, "-k", "DEMO-FSE-001") == 0
    return paths


def full_at_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk is full from the new file's first page: its schema cannot be written (SQLite's size cap,
    ``max_page_count``, stands in for the full disk, as in test_store_diskfull)."""
    real_connect = session_module.connect_writer

    def connect(path: Path) -> sqlite3.Connection:
        conn = real_connect(path)
        conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setattr(session_module, "connect_writer", connect)


class RefusedCommit(connection.WriterConnection):
    """A disk that accepts the writes and refuses the commit (a tmpfs, a USB stick filling up): SQLite
    rolls the transaction back itself, as it does on SQLITE_FULL at commit."""

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if sql == "COMMIT":
            super().execute("ROLLBACK")
            refused = sqlite3.OperationalError("database or disk is full")
            refused.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
            raise refused
        return super().execute(sql, *args)


def left_beside(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(output.name))


@pytest.mark.parametrize("disk", ["full-page", "refused-commit"])
def test_a_full_disk_while_the_merged_file_is_set_up_leaves_nothing(
    tmp_path: Path,
    inputs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    disk: str,
) -> None:
    if disk == "full-page":
        full_at_set_up(monkeypatch)
    else:
        monkeypatch.setattr(connection, "WriterConnection", RefusedCommit)
    output = tmp_path / "campaign.tbsession"
    capsys.readouterr()
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 2
    assert capsys.readouterr().err == (
        f"testbench merge : {output} : écriture impossible (disque plein) ; rien n'a été écrit : libérez de l'espace"
        " disque puis relancez la fusion\n"
    )
    assert left_beside(output) == []  # no .partial, -wal, -shm nor .lock
    monkeypatch.undo()
    assert main(["merge", *map(str, inputs), "-o", str(output)]) == 0  # once the disk has room
    assert left_beside(output) == ["campaign.tbsession"]


def test_a_folder_given_as_a_session_is_said_to_be_a_folder(
    tmp_path: Path, inputs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cards = tmp_path / "cards"
    cards.mkdir()
    output = tmp_path / "m.tbsession"
    capsys.readouterr()
    assert main(["merge", str(inputs[0]), str(cards), "-o", str(output)]) == 3
    assert capsys.readouterr().err == f"testbench merge : {cards} : est un dossier, pas un fichier de session\n"
    assert main(["merge", str(inputs[0]), str(cards), "-o", str(output), "--lang", "en"]) == 3
    assert capsys.readouterr().err == f"testbench merge: {cards}: is a folder, not a session file\n"
    assert not output.exists()
