"""An output path under an existing file (audit s23 §6: ``--junit out/junit.xml/j.xml`` where ``out/junit.xml`` is
a file): ``run`` ran the whole campaign then exit 2 « already exists », ``diff`` said « already exists ». Both now
refuse it before anything runs, exit 3, saying a parent is a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tools.outputs import cannot_write_in, file_above, output_problem

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def test_a_file_named_as_a_folder_is_found(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text("x", encoding="utf-8")
    target = tmp_path / "junit.xml" / "sub" / "j.xml"
    assert file_above(target) == tmp_path / "junit.xml"
    assert file_above(tmp_path / "new" / "j.xml") is None
    assert cannot_write_in(target.parent) is not None
    said = output_problem(target)
    assert said is not None and "junit.xml est un fichier, pas un dossier" in said(lambda s: s, "fr")


def test_run_and_diff_refuse_it_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "junit.xml").write_text("x", encoding="utf-8")
    session = tmp_path / "s.tbsession"
    code = main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(tmp_path / "junit.xml" / "j.xml")])
    assert code == 3 and not session.exists()
    assert "est un fichier, pas un dossier" in capsys.readouterr().err
    assert main(["run", str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    capsys.readouterr()
    html = tmp_path / "junit.xml" / "d.html"
    assert main(["diff", str(session), str(session), "--html", str(html), "--lang", "en"]) == 3
    assert "is a file, not a folder" in capsys.readouterr().err
