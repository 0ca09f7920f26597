"""An output under a symbolic link to a missing folder (audit s23-verify1 R4: ``ln -s /nonexistent/usbdrive out``,
an unmounted drive): ``--junit out/j.xml`` said « out est un fichier, pas un dossier », ``--report out/rep``
« a part of the path is not a folder ». Both now say the link points to a missing folder, before any case runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tools.outputs import output_problem, write_problem

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
MISSING = "/nonexistent/usbdrive"


def _fr(text: str) -> str:
    return text


def test_the_link_is_named_with_its_target(tmp_path: Path) -> None:
    out = tmp_path / "out"
    os.symlink(MISSING, out)
    said = output_problem(out / "j.xml")
    expected = f"{out} est un lien vers un dossier absent ({MISSING}) — un disque non monté ?"
    assert said is not None and said(_fr, "fr") == expected
    unwritable = write_problem(out / "rep", inside=True)
    assert unwritable is not None and "un disque non monté ?" in unwritable(_fr, "fr")
    (tmp_path / "file").write_text("x", encoding="utf-8")  # a plain file stays one
    said = output_problem(tmp_path / "file" / "j.xml")
    assert said is not None and "est un fichier, pas un dossier" in said(_fr, "fr")


@pytest.mark.parametrize(
    ("option", "under"), [("--junit", "j.xml"), ("--report", "rep"), ("--report", "")]
)
def test_run_says_it_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, under: str
) -> None:
    out = tmp_path / "out"
    os.symlink(MISSING, out)
    session = tmp_path / "s.tbsession"
    target = out / under if under else out
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, option, str(target)]) == 3
    assert not session.exists()
    err = capsys.readouterr().err
    assert f"{out} est un lien vers un dossier absent ({MISSING}) — un disque non monté ?" in err, err
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, option, str(target), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"{out} is a link to a missing folder ({MISSING}) — a drive not mounted?" in err, err


def test_report_says_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    out = tmp_path / "out"
    os.symlink(MISSING, out)
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(out / "rep")]) == 3
    assert "un disque non monté ?" in capsys.readouterr().err
