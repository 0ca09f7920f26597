"""An engine's status word (``pin.status`` = ``verified``) reads in the exam book's language, as the workstation
shows it (one map, testbench.domain.shown): the French book said the engine's English word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


@pytest.mark.parametrize(("lang", "word"), [("fr", "vérifié"), ("en", "verified")])
def test_the_book_says_a_pin_status_in_its_language(tmp_path: Path, lang: str, word: str) -> None:
    session = tmp_path / "s.tbsession"
    main(["run", str(CASEBOOKS_DIR / "psad-cartes.xml"), "--session", str(session), "--cards", "inprocess",
          "-k", "id:CARD-PIN-001"])
    assert main(["report", str(session), "-o", str(tmp_path / "rep"), "--lang", lang]) == 0
    case = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))["cases"][0]
    shown = {c["path"]: (c["expected"], c["observed"]) for c in case["comparisons"]}
    assert shown["pin.status"] == (word, word)
    assert f">{word}<" in (tmp_path / "rep" / "index.html").read_text(encoding="utf-8")
