"""The cover names the operator as they declared themselves, through the one rule of a person's declared name
(Scrubber.person): a first name a card holder shares is kept, a NIR typed in it is masked (audit s26, A2).
Needs cover.patch (testbench/report/cover.py: ``scrub.person`` for the operators and a completion's « by »)."""

from __future__ import annotations

import json
from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR


def test_the_cover_keeps_a_first_name_a_holder_shares(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    # PAUL ESSAI is a holder of DEMO-FSE-001's card
    operator = ["--operator", "Paul 1 85 05 78 006 084 91"]
    assert main([*run, "--engine", "inprocess", "-k", "id:DEMO-FSE-001", *operator]) != 3
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["cover"]["operators"] == ["Paul ‹NIR›"]
