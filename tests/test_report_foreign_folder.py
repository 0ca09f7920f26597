"""A report folder holding a person's own ``index.html`` or ``evidence/`` (audit s23 §4): ``run --report`` and
``report`` deleted them, though docs/reports.md says other files are left. Such a folder — a build's names, no
readable ``report.json`` — is now refused before anything runs or is written (exit 3), and the build itself
never swaps into it."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import build_report

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def _mine(folder: Path) -> None:
    (folder / "evidence").mkdir(parents=True)
    (folder / "index.html").write_text("my notes", encoding="utf-8")
    (folder / "evidence" / "mine.txt").write_text("keep", encoding="utf-8")


def _kept(folder: Path) -> bool:
    return (folder / "index.html").read_text() == "my notes" and (folder / "evidence" / "mine.txt").is_file()


def test_run_and_report_refuse_a_folder_of_ones_own_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, session = tmp_path / "work", tmp_path / "s.tbsession"
    _mine(folder)
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--report", str(folder)]) == 3
    err = capsys.readouterr().err
    assert "index.html, evidence sans être un rapport testbench" in err and not session.exists()
    assert _kept(folder)
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(folder), "--lang", "en"]) == 3
    assert "without being a testbench report" in capsys.readouterr().err
    assert _kept(folder)
    with pytest.raises(FileExistsError):  # the build's own guard, whoever calls it
        build_report(session, folder)
    assert _kept(folder)
    report = tmp_path / "rep"
    assert main(["report", str(session), "-o", str(report)]) == 0  # a report's folder is rebuilt in place
    assert main(["report", str(session), "-o", str(report)]) == 0
