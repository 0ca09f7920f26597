"""A run with ``--allow-real-cards`` turns the guard's test mode off: the cover says so on a line of its own,
flagged, naming the run — even when no real card was met (its only trace was the command line)."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.cover import session_cover
from testbench.store.read import read_session

DEMO = str(CASEBOOKS_DIR / "demo.xml")


def _run(session: Path, *extra: str) -> None:
    args = ["run", DEMO, "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    args += ["-k", "DEMO-FSE-001"]
    assert main([*args, *extra]) in (0, 1)


def test_the_cover_says_real_cards_were_allowed_in_either_language(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    _run(session)  # run 1: test mode on
    _run(session, "--rerun", "--allow-real-cards")  # run 2: off
    with read_session(session) as view:
        line = next(f for f in session_cover(view, "fr") if f.key == "real_cards")
        english = next(f for f in session_cover(view, "en") if f.key == "real_cards")
    assert (line.label, line.value, line.flagged) == (
        "Mode test",
        "désactivé : cartes réelles acceptées (--allow-real-cards, exécution 2)",
        True,
    )
    assert (english.label, english.value) == ("Test mode", "off: real cards accepted (--allow-real-cards, run 2)")
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) in (0, 1)
    page = html.parse(str(tmp_path / "r" / "index.html")).getroot()
    assert "cartes réelles acceptées (--allow-real-cards" in page.xpath('//*[@id="cover"]')[0].text_content()
    assert json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))["cover"]["real_cards_allowed"]


def test_no_line_when_every_run_kept_test_mode(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    _run(session)
    with read_session(session) as view:
        assert not [f for f in session_cover(view, "fr") if f.key == "real_cards"]
