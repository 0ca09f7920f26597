"""The exam book lists its casebooks in the campaign's order (the session's selection), not in the order the
session first recorded them: merged from a session of ``billing.xml`` given before one of ``demo.xml`` run earlier,
the book named DEMO first while the campaign ran billing's cases first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

DEMO, BILLING = CASEBOOKS_DIR / "demo.xml", CASEBOOKS_DIR / "billing.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(ATTESTATIONS)]


def test_the_book_follows_the_campaign_order_of_a_merge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    early, late = tmp_path / "demo.tbsession", tmp_path / "billing.tbsession"
    assert main(["run", str(DEMO), "--session", str(early), *BENCH]) in (0, 1)  # recorded first
    assert main(["run", str(BILLING), "--session", str(late), *BENCH]) in (0, 1)
    merged = tmp_path / "merged.tbsession"
    assert main(["merge", str(late), str(early), "-o", str(merged)]) == 0
    with read_session(merged) as view:
        ran = list(dict.fromkeys(case.casebook_sha for case in view.cases))
        plans = {cb.sha256: cb.plan_id for cb in view.casebooks}
        assert [cb.sha256 for cb in view.casebooks] == ran and len(ran) == 2
    book = tmp_path / "book"
    assert main(["report", str(merged), "-o", str(book)]) == 0
    capsys.readouterr()
    data = json.loads((book / "report.json").read_text(encoding="utf-8"))
    assert [cb["plan_id"] for cb in data["cover"]["casebooks"]] == [plans[sha] for sha in ran]
    assert data["title"] == ", ".join(plans[sha] for sha in ran)


def test_the_book_follows_the_command_line_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["run", str(BILLING), str(DEMO), "--session", str(session), *BENCH]) in (0, 1)
    capsys.readouterr()
    with read_session(session) as view:
        assert [cb.path for cb in view.casebooks] == [str(BILLING), str(DEMO)]
