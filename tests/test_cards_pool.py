"""Reader pools on the real pcscd + vpcd: ``PcscBay.prepare()`` readies the next case's card in a spare
reader, ``present()`` then switches readers instead of paying a remove + insert through pcscd's 400 ms poll.

Needs the 4-reader vpcd (``scripts/pcscd.sh start --readers 4``); the ``pcsc_stack`` fixture starts it so.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from testbench.cards.api import ApduExchange, CardUnavailable
from testbench.cards.bay import PcscBay
from testbench.cards.inprocess import Fault
from testbench.cards.pcsc import Context, card_present, wait_for
from testbench.cards.read import read_vitale
from testbench.cards.reader_pools import DEFAULT_READERS, ReaderSpec, parse_reader_pools
from testbench.engines.reference.engine import ReferenceEngine
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR

pytestmark = pytest.mark.integration

A, B = "Virtual PCD 00 00", "Virtual PCD B 00 00"
CPS_A, CPS_B = "Virtual PCD 00 01", "Virtual PCD B 00 01"
ALL = [A, CPS_A, B, CPS_B]
#: Two readers per slot whatever pcscd exposes (the default pools take every spare it lists).
POOLS = {
    "vitale": [ReaderSpec(A, 35963), ReaderSpec(B, 36000)],
    "cps": [ReaderSpec(CPS_A, 35964), ReaderSpec(CPS_B, 36001)],
}
POOLS_ENV = f"vitale={A}@35963|{B}@36000,cps={CPS_A}@35964|{CPS_B}@36001"


@pytest.fixture
def pool_stack(vpcd_lock: list[str]) -> list[str]:
    """The vpcd readers, with the spare entry B (fails under CI, skips elsewhere, like pcsc_stack)."""
    if not {B, CPS_B} <= set(vpcd_lock):
        import os

        message = f"pcscd n'expose pas {B} : lancez scripts/pcscd.sh start --readers 4 (lecteurs : {vpcd_lock})"
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_PCSC") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return vpcd_lock


def _present_in(readers: list[str]) -> dict[str, bool]:
    with Context() as ctx:
        return {r: card_present(state) for r, (state, _) in ctx.status(readers).items()}


def _wait_empty(readers: list[str], timeout: float = 3.0) -> None:
    for r in readers:
        wait_for(r, False, timeout)


def _bay_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("pcscbay", "vicc-", "emulator-out"))]


def test_reader_pools_from_the_environment_syntax() -> None:
    assert parse_reader_pools(f"vitale={A}@35963|{B}@36000, cps={CPS_A}") == {
        "vitale": [ReaderSpec(A, 35963), ReaderSpec(B, 36000)],
        "cps": [ReaderSpec(CPS_A, 0)],
    }
    assert parse_reader_pools(POOLS_ENV) == POOLS


def test_default_pools_take_the_spare_readers_pcscd_lists(
    pool_stack: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TESTBENCH_CARD_READERS", raising=False)
    with PcscBay(emulator="thread") as bay:
        pool = bay.reader_pool("vitale")
        assert pool[:2] == [A, B] and set(pool) <= set(pool_stack)
        assert pool == [A] + [r for r in (f"Virtual PCD {x} 00 00" for x in "BCDEFGH") if r in pool_stack]
        assert bay.reader_pool("cps")[:2] == [CPS_A, CPS_B]


def test_prepare_then_present_switches_readers_and_the_engine_reads_the_new_card(
    pool_stack: list[str], tmp_path: Path
) -> None:
    seen: list[ApduExchange] = []
    with PcscBay(POOLS, emulator="thread", trace_dir=tmp_path, apdu_sink=seen.append) as bay:
        assert bay.reader_pool("vitale") == [A, B] and bay.reader_pool("cps") == [CPS_A, CPS_B]
        engine = ReferenceEngine(channel=bay)
        bay.present("vitale", P / "vitale2-adult-standard.xml")
        assert bay.reader_name("vitale") == A
        first = engine.read_vitale("vitale")
        bay.prepare("vitale", P / "vitale2-ald.xml")  # the next case's card, while this case runs
        wait_for(B, True, 2.0)  # (the case's steps would run here)
        assert _present_in([A, B]) == {A: True, B: True}

        start = time.perf_counter()
        bay.present("vitale", P / "vitale2-ald.xml")
        switch = time.perf_counter() - start
        assert switch < 0.05, f"present() took {switch * 1000:.0f} ms: a remove/insert was on the critical path"
        assert bay.reader_name("vitale") == B
        assert bay.readers["vitale"].name == B and B in bay.describe() and A in bay.describe()
        assert bay.atr("vitale") == bay.profiles["vitale"].atr
        after = engine.read_vitale("vitale")  # through the bay: the card of the new reader
        assert after["beneficiaries"][0]["coverage"]["ald"] is True
        assert first["nir"] != after["nir"] and first["beneficiaries"][0]["coverage"]["ald"] is False
        wait_for(A, False, 2.0)  # the old card left in the background

        # the bay's APDU sink and the emulators' traces name the reader actually used
        split = next(i for i, ex in enumerate(seen) if ex.reader == B)
        assert seen[:split] and {ex.reader for ex in seen[:split]} == {A}
        assert {ex.reader for ex in seen[split:]} == {B}
        records = [json.loads(x) for x in (tmp_path / "emulator-vitale.jsonl").read_text().splitlines()]
        assert {r["reader"] for r in records} == {A, B}
        assert [r["reader"] for r in records] == sorted((r["reader"] for r in records), key=[A, B].index)

        # the same card again: reloaded where it is; then back to the first reader for another card
        bay.present("vitale", P / "vitale2-ald.xml")
        assert bay.reader_name("vitale") == B
        bay.prepare("vitale", P / "vitale2-c2s.xml")
        bay.present("vitale", P / "vitale2-c2s.xml")  # waits for the prepared card if it is not there yet
        assert bay.reader_name("vitale") == A
        assert read_vitale(bay, "vitale").beneficiaries[0].coverage.as_dict()["c2s"]
    _wait_empty([A, B], 2.0)
    assert not _bay_threads()


def test_a_wrong_prepare_falls_back_to_the_normal_path(pool_stack: list[str]) -> None:
    with PcscBay(POOLS, emulator="thread") as bay:
        bay.present("vitale", P / "vitale2-adult-standard.xml")
        bay.prepare("vitale", P / "vitale2-ald.xml")
        start = time.perf_counter()
        bay.present("vitale", P / "vitale2-c2s.xml")  # the next case changed its mind
        assert time.perf_counter() - start > 0.05  # a real remove + insert through the poll
        assert bay.reader_name("vitale") == A
        assert read_vitale(bay, "vitale").beneficiaries[0].coverage.as_dict()["c2s"]
        # the card prepared for nothing is still in B and serves when it is asked for after all
        wait_for(B, True, 2.0)
        bay.present("vitale", P / "vitale2-ald.xml")
        assert bay.reader_name("vitale") == B
        assert read_vitale(bay, "vitale").beneficiaries[0].coverage.as_dict()["ald"]


def test_a_faulty_card_after_a_switch_is_really_reinserted(pool_stack: list[str]) -> None:
    with PcscBay(POOLS, emulator="thread", transmit_timeout=2.0) as bay:
        bay.present("vitale", P / "vitale2-adult-standard.xml")
        bay.prepare("vitale", P / "vitale2-ald.xml")
        bay.present("vitale", P / "vitale2-ald.xml")
        bay.inject_fault("vitale", Fault("pull", after=2))
        with pytest.raises(CardUnavailable):
            read_vitale(bay, "vitale")
        bay.present("vitale", P / "vitale2-ald.xml")  # dirty: not a reload of the pulled card
        assert read_vitale(bay, "vitale").beneficiaries[0].coverage.as_dict()["ald"]


def test_close_stops_every_emulator_process_even_with_a_prepare_in_flight(pool_stack: list[str]) -> None:
    bay = PcscBay(POOLS, emulator="process")
    bay.present("vitale", P / "vitale2-adult-standard.xml")
    bay.present("cps", P / "cps4-nurse.xml")
    bay.prepare("vitale", P / "vitale2-ald.xml")
    bay.prepare("cps", P / "cps3-psad-lpp.xml")
    time.sleep(0.05)  # let the prepares start their emulators
    procs = [r.card.proc for r in bay._all_readers() if r.card is not None and hasattr(r.card, "proc")]
    bay.close()
    assert len(procs) >= 2
    assert all(p.poll() is not None for p in procs)
    assert not any(_present_in(ALL).values())
    assert not _bay_threads()


def test_two_readers_only_prepare_is_a_no_op(pool_stack: list[str]) -> None:
    with PcscBay(DEFAULT_READERS, emulator="thread") as bay:
        bay.present("vitale", P / "vitale2-adult-standard.xml")
        bay.prepare("vitale", P / "vitale2-ald.xml")
        assert not [t for t in threading.enumerate() if t.name.startswith("pcscbay-Virtual")]
        assert _present_in([B]) == {B: False}
        bay.present("vitale", P / "vitale2-ald.xml")
        assert bay.reader_name("vitale") == A
        assert "alternance" not in bay.describe()


def test_a_campaign_alternates_readers_and_the_guard_names_them(
    pool_stack: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner prepares the next case's cards: each card change lands in the other reader."""
    from testbench.runner.campaign import RunRequest, run_campaign
    from testbench.runner.options import BenchOptions, CampaignOptions

    monkeypatch.setenv("TESTBENCH_CARD_READERS", POOLS_ENV)
    text = (CASEBOOKS_DIR / "billing.xml").read_text(encoding="utf-8")
    head, rest = text.split("<cases>", 1)
    body, tail = rest.rsplit("</cases>", 1)
    wanted = ["vitale2-adult-standard", "vitale2-ald", "vitale2-ald", "vitale2-c2s"]
    blocks = []
    for block in re.findall(r"<case [\s\S]*?</case>", body):
        ref = re.search(r'slot="vitale" ref="([^"]+)"', block)
        blocks.append((ref.group(1) if ref else "", block))
    fixtures = dict(re.findall(r'<card id="([^"]+)"[^>]*profile="cards/([^".]+)\.xml"', head))
    chosen = []
    for profile in wanted:
        chosen.append(next(b for ref, b in blocks if fixtures.get(ref) == profile and b not in chosen))
    assert len(chosen) == 4, "the billing casebook changed: pick other cases"
    import shutil

    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    casebook = tmp_path / "pool.xml"
    casebook.write_text(head + "<cases>\n" + "\n".join(chosen) + "\n</cases>" + tail, encoding="utf-8")
    session = tmp_path / "pool.tbsession"
    run_campaign(RunRequest(casebooks=[casebook], session=session, options=CampaignOptions(BenchOptions(cards="pcsc"))))
    conn = sqlite3.connect(session)
    verdicts = [v for (v,) in conn.execute("SELECT verdict FROM attempts ORDER BY id")]
    guards = [json.loads(d) for (d,) in conn.execute("SELECT data FROM events WHERE kind='card-guard' ORDER BY id")]
    environment = json.loads(conn.execute("SELECT environment FROM runs").fetchone()[0])
    conn.close()
    readers = [next(c["reader"] for c in g["checks"] if c["slot"] == "vitale") for g in guards]
    assert readers == [A, B, B, A], readers
    assert verdicts == ["pass"] * 4, verdicts
    assert B in environment["cards"]


def _poll_phases(readers: dict[str, int]) -> dict[str, float]:
    """When pcscd shows a card inserted in every reader at once (ms, relative to the first)."""
    from testbench.cards.virtual import build_card
    from testbench.cards.vpcd import VirtualICC

    seen: dict[str, float] = {}

    def watch(name: str) -> None:
        wait_for(name, True, 2.0)
        seen[name] = time.monotonic()

    cards = [VirtualICC(build_card(P / "vitale2-ald.xml"), port) for port in readers.values()]
    threads = [threading.Thread(target=watch, args=(name,)) for name in readers]
    try:
        for card in cards:
            card.insert(2.0)
        for t in threads:
            t.start()
        for t in threads:
            t.join(3.0)
    finally:
        for card in cards:
            card.remove()
        _wait_empty(list(readers))
    first = min(seen.values())
    return {name: (at - first) * 1000 for name, at in seen.items()}


def test_stagger_spreads_the_poll_phases_of_a_pool_of_three(pool_stack: list[str]) -> None:
    from testbench.cards.poll_phases import stagger_poll_phases

    pool = {A: 35963, B: 36000, CPS_B: 36001}  # three readers of the 4-reader pcscd, as one slot's pool
    stagger_poll_phases({"vitale": [ReaderSpec(name, port) for name, port in pool.items()]})
    phases = sorted(_poll_phases(pool).values())
    gaps = [(b - a) % 400 for a, b in zip(phases, [*phases[1:], phases[0] + 400], strict=True)]
    assert all(100 <= gap <= 170 for gap in gaps), f"poll phases {phases} ms: not spread every ~133 ms"
