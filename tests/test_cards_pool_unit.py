"""Unit tests of the reader pools' bookkeeping (no pcscd: the bay's PC/SC listing is replaced)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from testbench.cards import bay as bay_module
from testbench.cards.bay import PcscBay
from testbench.cards.poll_phases import POLL_PERIOD
from testbench.cards.reader_pools import ReaderSpec
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR as P

A, B, C = (ReaderSpec(f"Virtual PCD {x}00 00", port) for x, port in (("", 35963), ("B ", 36000), ("C ", 36002)))


@pytest.fixture
def pool_bay(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(bay_module, "list_readers", lambda: [A.name, B.name])  # C is not listed by pcscd
    bay = PcscBay({"vitale": [A, B, C], "cps": ReaderSpec("Virtual PCD 00 01", 35964)}, emulator="thread")
    jobs: list[tuple[str, str]] = []
    monkeypatch.setattr(bay, "_start_job", lambda r, fn, *args: jobs.append((r.spec.name, args[-1].id)))
    yield bay, jobs
    bay.close()


def test_spares_pcscd_does_not_list_are_dropped_and_one_reader_slots_never_prepare(pool_bay: Any) -> None:
    bay, jobs = pool_bay
    assert bay.reader_pool("vitale") == [A.name, B.name]
    assert bay.reader_pool("cps") == ["Virtual PCD 00 01"]
    bay.prepare("cps", P / "cps4-nurse.xml")
    assert jobs == []
    assert bay.describe() == f"cartes émulées via pcscd + vpcd (vitale={A.name}|{B.name}, cps=Virtual PCD 00 01)"
    assert translator("en")(bay.describe()) == (
        f"cards emulated through pcscd + vpcd (vitale={A.name}|{B.name}, cps=Virtual PCD 00 01)"
    )


def test_prepare_never_raises_for_a_bad_profile(pool_bay: Any, tmp_path: Any) -> None:
    bay, jobs = pool_bay
    bad = tmp_path / "bad.xml"
    bad.write_text("<card-profile/>", encoding="utf-8")
    bay.prepare("vitale", bad)  # the current case must not fail for the next case's profile
    bay.prepare("vitale", tmp_path / "missing.xml")
    assert jobs == []


def test_prepare_picks_the_free_reader_pcscd_polls_next(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bay_module, "list_readers", lambda: [A.name, B.name, C.name])
    bay = PcscBay({"vitale": [A, B, C]}, emulator="thread")
    try:
        jobs: list[str] = []
        monkeypatch.setattr(bay, "_start_job", lambda r, fn, *args: jobs.append(r.spec.name))
        now = time.monotonic()
        readers = {r.spec.name: r for r in bay._pools["vitale"]}
        readers[B.name].poll = now - 0.05  # next poll in 0.35 s
        readers[C.name].poll = now - 3 * POLL_PERIOD - 0.3  # next poll in 0.1 s
        bay.prepare("vitale", P / "vitale2-ald.xml")
        assert jobs == [C.name]
        assert readers[C.name].want is not None and readers[C.name].want.id == "vitale2-ald"
        bay.prepare("vitale", P / "vitale2-ald.xml")  # already on its way: nothing more
        assert jobs == [C.name]
        assert PcscBay._until_poll(readers[B.name], now + 0.1) == pytest.approx(0.25)
        readers[B.name].poll = None
        assert PcscBay._until_poll(readers[B.name], now) == pytest.approx(POLL_PERIOD / 2)
    finally:
        bay.close()
