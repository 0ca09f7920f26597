"""``testbench export`` of a session whose journal chain does not verify (a verdict forged in the file after the
run): written, as ``diff`` writes its comparison, but said on stderr and exit 2 — never silently."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "testbench", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exam book imported and run in process: a session whose chain verifies."""
    folder = tmp_path_factory.mktemp("altered")
    assert cli("import", XLSX, "--mapping", MAPPING, "-o", "cahier.xml", cwd=folder).returncode == 0
    run = cli("run", "cahier.xml", "--session", "s.tbsession", "--engine", "inprocess", "--cards", "inprocess",
              cwd=folder)  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return folder


def export(work: Path, session: str, target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("export", session, "--to", target, "--document", XLSX, "--mapping", MAPPING, *extra, cwd=work)


def test_an_intact_session_exports_with_exit_0(work: Path) -> None:
    done = export(work, "s.tbsession", "intact.xlsx")
    assert done.returncode == 0, done.stderr
    assert "altérée" not in done.stderr


def test_an_altered_session_is_written_but_said_and_exits_2(work: Path) -> None:
    forged = work / "forged.tbsession"
    forged.write_bytes((work / "s.tbsession").read_bytes())
    with sqlite3.connect(forged) as db:
        db.execute("update attempts set verdict='fail', reason='forged' where case_id='EX-FSE-002'")
    done = export(work, "forged.tbsession", "forged.xlsx")
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "session forged.tbsession altérée (chaîne du journal rompue) : les verdicts écrits ne valent pas preuve"
        " (testbench verify le détaille)" in done.stderr
    )
    assert "forged.xlsx : résultats de 13 cas écrits" in done.stdout
    sheet = openpyxl.load_workbook(work / "forged.xlsx").active
    assert any(row[0] == "EX-FSE-002" and "échec" in row for row in sheet.iter_rows(values_only=True))
    english = export(work, "forged.tbsession", "forged-en.xlsx", "--lang", "en")
    assert english.returncode == 2
    assert "session forged.tbsession altered (broken journal chain): the verdicts written are no evidence" in (
        english.stderr
    )
