"""The cover's « Mode test » line names the runs that accepted real cards in the order they ran (« exécutions 1,
2 »), as report.json's ``cover.real_cards_allowed`` lists them — not the latest first."""

from __future__ import annotations

import json
from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.cover import session_cover
from testbench.store.read import read_session

DEMO = str(CASEBOOKS_DIR / "demo.xml")


def _run(session: Path, *extra: str) -> None:
    args = ["run", DEMO, "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*args, "-k", "DEMO-FSE-001", "--allow-real-cards", *extra]) in (0, 1)


def test_runs_named_in_their_order_in_either_language(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    _run(session)
    _run(session, "--rerun")
    with read_session(session) as view:
        french = next(f for f in session_cover(view, "fr") if f.key == "real_cards")
        english = next(f for f in session_cover(view, "en") if f.key == "real_cards")
    assert french.value == "désactivé : cartes réelles acceptées (--allow-real-cards, exécutions 1, 2)"
    assert english.value == "off: real cards accepted (--allow-real-cards, runs 1, 2)"
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) in (0, 1)
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["cover"]["real_cards_allowed"] == [1, 2]
