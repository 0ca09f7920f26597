"""A session damaged deep inside, met by a command that reads two (``diff``, ``merge``): SQLite's error names no
file, and the person read « fichier de session endommagé ou illisible » without knowing which of the two to replace.
A session with a table removed was said in SQLite's words (« no such table: meta »). Now the failure net names the
damaged file(s) among the command's arguments and says a missing table as such; exit 3 (README § Exit codes)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE
from testbench.store.connection import damaged_sessions


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recorded")
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess", "--engine", "inprocess"]
    main([*argv, "--session", str(folder / "s.tbsession")])  # one case fails, one awaits an operator: exit ≠ 0
    assert (folder / "s.tbsession").is_file()
    return folder / "s.tbsession"


def _copies(recorded: Path, folder: Path) -> tuple[Path, Path]:
    intact, broken = folder / "a.tbsession", folder / "b.tbsession"
    shutil.copyfile(recorded, intact)
    shutil.copyfile(recorded, broken)
    return intact, broken


def _drop_meta(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TABLE meta")
    conn.close()


def _damage_pages(path: Path) -> None:
    """Every page after the schema's first one overwritten: any query beyond sqlite_master meets it."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    data[page:] = b"\xa5" * (len(data) - page)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", ["diff", "merge"])
def test_missing_table_named(recorded: Path, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    intact, broken = _copies(recorded, tmp_path)
    _drop_meta(broken)
    argv = [command, str(intact), str(broken)] + (["-o", str(tmp_path / "m.tbsession")] if command == "merge" else [])
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{broken} : " in err and f"{intact} :" not in err
    assert "table de la session absente" in err and "no such table" not in err


def test_damaged_pages_named_in_english(recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    intact, broken = _copies(recorded, tmp_path)
    _damage_pages(broken)
    assert main(["--lang", "en", "diff", str(intact), str(broken)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{broken}: " in err and f"{intact}:" not in err
    assert "damaged" in err and "endommag" not in err


def test_only_sqlite_files_are_examined(recorded: Path, tmp_path: Path) -> None:
    intact, broken = _copies(recorded, tmp_path)
    _drop_meta(broken)
    assert damaged_sessions([str(intact), str(CASEBOOKS_DIR / "demo.xml"), str(tmp_path), "--lang", str(broken)]) == [
        (str(broken), "table de la session absente : fichier modifié hors de testbench")
    ]
