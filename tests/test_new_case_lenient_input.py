"""``new case`` reads its input as ``validate`` reads a casebook: an id's surrounding spaces dropped, a domain and
a mode in any case; and an empty casebook (``<cases/>``) receives its first case."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook
from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copyfile(ROOT / "casebooks" / "demo.xml", tmp_path / "demo.xml")
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    return tmp_path / "demo.xml"


def test_spaces_around_the_id_and_any_case_of_domain_and_mode(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["new", "case", "--domain", "LOT", "--mode", "SECURISE", "--id", " L-9 ", "--casebook", str(demo)])
    assert code == 0, capsys.readouterr().err
    assert f"{demo} : cas L-9 ajouté" in capsys.readouterr().out
    casebook, problems = check_casebook(demo)
    assert problems == [] and casebook is not None and "L-9" in [case.id for case in casebook.cases]
    assert main(["new", "case", "--domain", "Lot", "--mode", "Sécurisé", "--id", "X-1"]) == 0  # printed


@pytest.mark.parametrize("empty", ["<cases/>", "<cases>\n  </cases>"])
def test_an_empty_casebook_receives_its_first_case(demo: Path, empty: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = demo.read_text(encoding="utf-8")
    demo.write_text(re.sub(r"<cases>.*</cases>", empty, text, flags=re.S), encoding="utf-8")
    _none, problems = check_casebook(demo)
    assert problems  # the schema wants a case: the only fault

    code = main(["new", "case", "--domain", "cards", "--mode", "none", "--id", "FIRST-1", "--casebook", str(demo)])

    assert code == 0, capsys.readouterr().err
    casebook, problems = check_casebook(demo)
    assert problems == [] and casebook is not None and [case.id for case in casebook.cases] == ["FIRST-1"]
    assert "\n  </cases>" in demo.read_text(encoding="utf-8")  # closed where it was opened


def test_an_empty_casebook_with_another_fault_is_still_refused(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = re.sub(r"<cases>.*</cases>", "<cases/>", demo.read_text(encoding="utf-8"), flags=re.S)
    demo.write_text(text.replace("<title>", "<titre>", 1).replace("</title>", "</titre>", 1), encoding="utf-8")
    before = demo.read_bytes()

    assert main(["new", "case", "--domain", "cards", "--mode", "none", "--id", "FIRST-1", "--casebook", str(demo)]) == 3

    assert "cahier invalide ; corrigez-le avant d'y ajouter un cas" in capsys.readouterr().err
    assert demo.read_bytes() == before
