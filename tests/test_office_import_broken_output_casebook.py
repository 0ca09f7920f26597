"""``import -o`` onto a casebook with a typo: nothing is written, and the message says it is a casebook that
does not parse, where (file:line:col), not that it is no casebook."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parents[1]
MAPPING = "cahier-exemple.mapping.toml"


def test_a_broken_casebook_is_named_with_its_first_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "casebooks" / "examples", tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path / "casebooks" / "examples")
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 0
    text = Path("c.xml").read_text(encoding="utf-8")
    line = text[: text.index("<title>")].count("\n") + 1
    Path("c.xml").write_text(text.replace("<title>", "<titl>", 1), encoding="utf-8")
    broken = Path("c.xml").read_bytes()
    capsys.readouterr()

    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml"]) == 3

    err = capsys.readouterr().err
    assert "n'est pas un cahier de tests" not in err
    assert f"c.xml:{line}:" in err and "XML mal formé" in err
    assert "c.xml est un cahier de tests mal formé : corrigez-le, puis importez à nouveau ; rien n'est écrit" in err
    assert Path("c.xml").read_bytes() == broken
    main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "c.xml", "--lang", "en"])
    assert "c.xml is a malformed casebook: fix it, then import again; nothing is written" in capsys.readouterr().err
    # the document itself given by mistake is still no casebook
    assert main(["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "cahier-exemple.xlsx"]) == 3
    assert "cahier-exemple.xlsx existe et n'est pas un cahier de tests : rien n'est écrit" in capsys.readouterr().err
