"""``TESTBENCH_LANG=en testbench report`` builds an English book, as ``--lang en`` does (English audit F1): the
command used to build it in French (``<html lang="fr">``, French reasons in report.json and its junit.xml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_build import campaign

from testbench.cli.main import main


def test_testbench_lang_makes_the_whole_book_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    session = campaign(tmp_path, hostile=False)
    monkeypatch.setenv("TESTBENCH_LANG", "en")
    folder, junit = tmp_path / "book", tmp_path / "ci.xml"
    assert main(["report", str(session), "-o", str(folder), "--junit", str(junit)]) == 0
    capsys.readouterr()
    assert '<html lang="en">' in (folder / "index.html").read_text(encoding="utf-8")
    reasons = [c["reason"] for c in json.loads((folder / "report.json").read_text(encoding="utf-8"))["cases"]]
    assert any("expected" in r for r in reasons) and not any("attendu" in r for r in reasons), reasons
    for xml in (folder / "junit.xml", junit):  # the book's JUnit and the one asked for, the same words
        text = xml.read_text(encoding="utf-8")
        assert "expected" in text and "attendu" not in text, text
