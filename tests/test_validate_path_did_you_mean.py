"""``validate`` suggests the known observation path closest to a misspelt one, as the import's mapping does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.checks import nearest_path
from testbench.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def test_a_typo_in_a_path_gets_the_nearest_known_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    text = (ROOT / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    text = text.replace('path="invoice.lines[0].base"', 'path="invoice.lines[0].bse"', 1)
    (tmp_path / "demo.xml").write_text(text.replace('path="invoice.totals.amo"', 'path="invoice.totals.amoo"', 1))

    assert main(["validate", str(tmp_path / "demo.xml")]) == 3

    err = capsys.readouterr().err
    assert (
        "chemin d'observation « invoice.totals.amoo » inconnu — vouliez-vous dire « invoice.totals.amo » ?"
        " (voir docs/casebook-format.md)"
    ) in err
    assert "« invoice.lines[0].bse » inconnu — vouliez-vous dire « invoice.lines[0].base » ?" in err  # its index kept
    main(["validate", str(tmp_path / "demo.xml"), "--lang", "en"])
    said = capsys.readouterr().err
    assert 'unknown observation path “invoice.totals.amoo” — did you mean “invoice.totals.amo”?' in said


def test_nothing_close_keeps_the_plain_message() -> None:
    assert nearest_path("zzz.qqq") is None
