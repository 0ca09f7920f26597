"""``--engine-cards client|pcsc|profiles|none``: an external engine is told the card mode chosen, not always
``client`` (audit 10 A, finding 6). The engine here logs the ``cards`` object each start received."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

VENDOR = Path(__file__).parent / "data" / "engines" / "vendor_engine.py"
DEMO = CASEBOOKS_DIR / "demo.xml"
TWO_CARD_SETS = "DEMO-FSE-001 or DEMO-FSE-002"  # two cases with different Vitale cards


def run(tmp_path: Path, *options: str, keyword: str = TWO_CARD_SETS) -> tuple[int, list[dict[str, Any]], list[str]]:
    log = tmp_path / "cards.jsonl"
    engine = shlex.join([sys.executable, str(VENDOR), "--cards-log", str(log)])
    session = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), "--engine", engine, "--engine-timeout", "20", "-k", keyword]
    code = main([*argv, *options])
    starts = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    with read_session(session) as view:
        verdicts = [c.latest.verdict for c in view.cases if c.latest is not None]
    return code, starts, verdicts


def test_client_mode_stays_the_default(tmp_path: Path) -> None:
    code, starts, verdicts = run(tmp_path, "--cards", "inprocess")
    assert code == 0 and verdicts == ["pass", "pass"]
    assert starts == [{"mode": "client"}]


def test_profiles_mode_gives_the_engine_each_cases_cards_and_a_fresh_engine_when_they_change(tmp_path: Path) -> None:
    code, starts, verdicts = run(tmp_path, "--cards", "inprocess", "--engine-cards", "profiles")
    assert code == 0 and verdicts == ["pass", "pass"]  # the engine read the cards it built itself
    assert [s["mode"] for s in starts] == ["profiles"] * len(starts)
    vitale = [Path(s["profiles"]["vitale"]).name for s in starts if s["profiles"]]
    assert vitale[-2:] == ["vitale2-adult-standard.xml", "vitale2-ald.xml"]
    with read_session(tmp_path / "s.tbsession") as view:
        second = view.cases[1].latest
        assert second is not None
        assert "engine-restart" in [e["kind"] for e in view.events(second.id)]  # on record with its case


def test_none_mode_is_said_to_the_engine(tmp_path: Path) -> None:
    code, starts, verdicts = run(tmp_path, "--cards", "inprocess", "--engine-cards", "none", keyword="DEMO-FSE-001")
    assert starts == [{"mode": "none"}]
    assert code == 2 and verdicts == ["inconclusive"]  # the case reads its cards: the engine has none


def test_pcsc_mode_without_a_pcsc_stack_is_refused_before_any_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, starts, verdicts = run(tmp_path, "--cards", "inprocess", "--engine-cards", "pcsc", keyword="DEMO-FSE-001")
    assert code == 2 and starts == [] and verdicts == []
    assert "--engine-cards pcsc : le moteur ouvre lui-même les lecteurs PC/SC" in capsys.readouterr().err


@pytest.mark.integration
def test_pcsc_mode_names_the_benchs_readers_and_the_engine_reads_them(
    vpcd_lock: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.cards.reader_pools import DEFAULT_READERS

    vitale, cps = DEFAULT_READERS["vitale"], DEFAULT_READERS["cps"]
    monkeypatch.setenv("TESTBENCH_CARD_READERS", f"vitale={vitale.name}@{vitale.port},cps={cps.name}@{cps.port}")
    code, starts, verdicts = run(tmp_path, "--cards", "pcsc", "--engine-cards", "pcsc")
    assert starts == [{"mode": "pcsc", "readers": {"vitale": vitale.name, "cps": cps.name}}]
    # the engine read the cards from the bench's readers itself, the second case's Vitale card too: a card
    # changed in its reader between two cases is read on a fresh connection (was « Card was reset »)
    assert code == 0 and verdicts == ["pass", "pass"]


def test_engine_check_starts_the_engine_in_the_mode_chosen(tmp_path: Path) -> None:
    log = tmp_path / "cards.jsonl"
    engine = [sys.executable, str(VENDOR), "--cards-log", str(log)]
    assert main(["engine", "check", "--timeout", "20", "--engine-cards", "profiles", "--", *engine]) == 0
    starts = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {s["mode"] for s in starts} == {"profiles"}
    assert Path(starts[0]["profiles"]["vitale"]).name == "vitale2-adult-standard.xml"  # the kit's test cards


@pytest.mark.integration
def test_engine_check_in_pcsc_mode_presents_the_kits_cards_in_the_benchs_readers(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    log = tmp_path / "cards.jsonl"
    engine = [sys.executable, str(VENDOR), "--cards-log", str(log)]
    assert main(["engine", "check", "--timeout", "20", "--engine-cards", "pcsc", "--", *engine]) == 0
    first = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    assert first["mode"] == "pcsc" and set(first["readers"]) == {"vitale", "cps"}
