"""One reader per slot (the exam bench: one Vitale reader, one CPS reader) on the real pcscd + vpcd.

With no spare reader to prepare the next card in, a change of card used to be a remove + insert, which
pcscd shows at two of its 400 ms polls. The bay now changes the card inside the reader's emulator and
disconnects with a reset, so pcscd reads the new card's ATR at once (docs/cards.md §4.2).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from testbench.cards.bay import PcscBay
from testbench.cards.inprocess import Fault
from testbench.cards.pcsc import Context
from testbench.cards.poll_phases import POLL_PERIOD
from testbench.cards.profile import load_profile
from testbench.cards.read import read_vitale
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration

READER = DEFAULT_READERS["vitale"].name


def _first_names(bay: PcscBay) -> list[str]:
    return [b.first_name for b in read_vitale(bay, "vitale").beneficiaries]


@pytest.mark.parametrize("emulator", ["thread", "process"])
def test_a_one_reader_slot_changes_its_card_within_one_poll(
    vpcd_lock: list[str], tmp_path: Path, emulator: str
) -> None:
    family, vitale1 = load_profile(P / "vitale2-family.xml"), load_profile(P / "vitale1-adult.xml")
    assert family.atr != vitale1.atr  # so the ATR pcscd shows proves it read the new card
    with PcscBay(readers={"vitale": DEFAULT_READERS["vitale"]}, trace_dir=tmp_path, emulator=emulator) as bay:
        bay.present("vitale", family)
        family_names = _first_names(bay)
        assert family_names == ["CLAIRE", "MARC", "LEO", "EMMA", "LOUIS"]
        for profile in (vitale1, family, vitale1):
            with Context() as ctx:
                events = ctx.status([READER])[READER][0] >> 16  # pcscd's event counter for the reader
            started = time.monotonic()
            bay.present("vitale", profile)
            took = time.monotonic() - started
            # a remove + insert through vpcd shows at two polls: never under one period
            assert took < POLL_PERIOD, f"{took:.3f} s"
            assert bay.reader_name("vitale") == READER
            assert bay.atr("vitale") == profile.atr
            with Context() as ctx:  # what any other PC/SC client sees in that reader
                state, atr = ctx.status([READER])[READER]
            assert atr == profile.atr
            assert state >> 16 == events  # a reset card, not a removal and an insertion (docs/cards.md §4.2)
            names = _first_names(bay)
            assert (names == family_names) == (profile is family)


def test_a_one_reader_slot_reinserts_a_card_after_a_fault(vpcd_lock: list[str], tmp_path: Path) -> None:
    """A card that saw a fault is really pulled and inserted again, also when the next card differs."""
    with PcscBay(readers={"vitale": DEFAULT_READERS["vitale"]}, trace_dir=tmp_path, emulator="thread") as bay:
        bay.present("vitale", P / "vitale2-family.xml")
        bay.inject_fault("vitale", Fault("sw", sw=0x6F00))
        with Context() as ctx:
            before = ctx.status([READER])[READER][0] >> 16  # pcscd's event counter for the reader
        bay.present("vitale", P / "vitale2-c2s.xml")
        with Context() as ctx:
            after = ctx.status([READER])[READER][0] >> 16
        assert after >= before + 2  # a removal and an insertion, each counted by pcscd
        assert _first_names(bay) != ["CLAIRE", "MARC", "LEO", "EMMA", "LOUIS"]


def test_a_bay_for_the_application_under_test_really_pulls_and_inserts(vpcd_lock: list[str], tmp_path: Path) -> None:
    """Operator mode: the application watches its readers, so a change of card is a removal and an insertion."""
    with PcscBay(
        readers={"vitale": DEFAULT_READERS["vitale"]}, trace_dir=tmp_path, emulator="thread", swap_in_place=False
    ) as bay:
        bay.present("vitale", P / "vitale2-family.xml")
        with Context() as ctx:
            before = ctx.status([READER])[READER][0] >> 16
        bay.present("vitale", P / "vitale2-c2s.xml")
        with Context() as ctx:
            after = ctx.status([READER])[READER][0] >> 16
        assert after >= before + 2  # pcscd counted the removal and the insertion
        assert _first_names(bay) != ["CLAIRE", "MARC", "LEO", "EMMA", "LOUIS"]


def test_operator_mode_asks_for_real_card_changes(vpcd_lock: list[str]) -> None:
    from testbench.runner.assemble import _make_bay
    from testbench.runner.options import BenchOptions
    from testbench.runner.tracing import TraceRecorder

    for engine, in_place in (("operator", False), ("reference", True)):
        bay = _make_bay(BenchOptions(engine=engine, cards="pcsc"), TraceRecorder(writer=lambda lines: None), [])
        try:
            assert bay.swap_in_place is in_place
        finally:
            bay.close()


def test_the_billing_casebook_passes_on_one_reader_per_slot(
    vpcd_lock: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One reader per slot, cards changed in place: the guard and the reference engine (out of process)
    read each new card of the bundled billing casebook through pcscd, and every case passes."""
    import itertools
    import json
    import sqlite3

    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.campaign import RunRequest, run_campaign
    from testbench.runner.options import BenchOptions, CampaignOptions

    cps = DEFAULT_READERS["cps"]
    monkeypatch.setenv("TESTBENCH_CARD_READERS", f"vitale={READER}@35963,cps={cps.name}@{cps.port}")
    session = tmp_path / "billing.tbsession"
    options = CampaignOptions(BenchOptions(cards="pcsc"))
    run_campaign(RunRequest(casebooks=[CASEBOOKS_DIR / "billing.xml"], session=session, options=options))
    conn = sqlite3.connect(session)
    verdicts = {v for (v,) in conn.execute("SELECT verdict FROM attempts")}
    presented = [
        json.loads(d) for (d,) in conn.execute("SELECT data FROM events WHERE kind='card-present' ORDER BY id")
    ]
    conn.close()
    vitale = [e["profile"] for e in presented if e["slot"] == "vitale"]
    assert sum(a != b for a, b in itertools.pairwise(vitale)) >= 5  # cards really change
    assert {e["reader"] for e in presented if e["slot"] == "vitale"} == {READER}
    assert verdicts == {"pass"}
