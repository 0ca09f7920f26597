"""A reader another bench or program holds is set aside once, and its cards go to a reader that works
(docs/cards.md §4.1, §4.3): the campaign no longer waits half a minute on it for every case, nor loses the
cases of the parallel bench that owns it. Through pcscd and vpcd (the 4-reader vpcd: entries 00 and B); the
other bench is this test holding a reader's port lock, the other program a PC/SC exclusive connection."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from testbench.cards.api import CardUnavailable, ReaderBusy
from testbench.cards.bay import PcscBay
from testbench.cards.emulator_control import LOCK_PORT_OFFSET
from testbench.cards.read import read_cps
from testbench.cards.reader_pools import ReaderSpec, default_pools
from testbench.domain.verdict import Outcome, Verdict
from testbench.paths import CARD_PROFILES_DIR as P

NURSE, PSAD = P / "cps4-nurse.xml", P / "cps3-psad-lpp.xml"


def _free(spec: ReaderSpec) -> bool:
    """No bench holds the reader's port lock now (a campaign run by hand on this machine may)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", spec.port + LOCK_PORT_OFFSET))
        except OSError:
            return False
    return True


@pytest.fixture
def readers(vpcd_lock: list[str]) -> dict[str, list[ReaderSpec]]:
    """Two free readers of each slot among the vpcd entries pcscd lists (00 and B in CI: --readers 4)."""
    pools = {
        slot: [spec for spec in specs if spec.name in vpcd_lock and _free(spec)][:2]
        for slot, specs in default_pools().items()
    }
    if any(len(specs) < 2 for specs in pools.values()):
        pytest.skip(f"two free vpcd readers a slot needed (scripts/pcscd.sh start --readers 4): {pools}")
    return pools


def hold(spec: ReaderSpec) -> socket.socket:
    """Another bench holding ``spec``'s vpcd port (its lock, as a PcscBay takes it); close() lets it go."""
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        held.bind(("127.0.0.1", spec.port + LOCK_PORT_OFFSET))
    except OSError:
        held.close()
        pytest.skip(f"the port of {spec.name} is held outside this test")
    return held


@contextlib.contextmanager
def other_bench(spec: ReaderSpec) -> Iterator[socket.socket]:
    with contextlib.closing(hold(spec)) as held:
        yield held


def _bay(
    readers: dict[str, list[ReaderSpec]], cps: list[ReaderSpec], **kwargs: Any
) -> tuple[PcscBay, list[str], list[tuple[str, dict]]]:
    said: list[str] = []
    events: list[tuple[str, dict]] = []
    bay = PcscBay({"vitale": readers["vitale"][0], "cps": cps}, emulator="thread", prompt=said.append, **kwargs)
    bay.lock_timeout = 2.0  # the old bay waited this long for the held reader, at every case
    bay.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    return bay, said, events


def test_a_reader_another_bench_holds_is_set_aside_once_and_a_spare_takes_its_cards(
    readers: dict[str, list[ReaderSpec]],
) -> None:
    held, spare = readers["cps"]
    with other_bench(held):
        bay, said, events = _bay(readers, [held, spare])
        try:
            start = time.monotonic()
            bay.present("cps", NURSE)
            bay.present("cps", PSAD)  # the next case: the held reader is not tried again
            took = time.monotonic() - start
            assert bay.reader_name("cps") == spare.name
            assert read_cps(bay, "cps").rpps
            assert took < bay.lock_timeout, took  # no wait for the held port
        finally:
            bay.close()
    reason = f"le port vpcd {held.port} est utilisé par un autre banc ou une autre session de tests"
    assert len(said) == 1 and said[0].startswith(f"lecteur cps « {held.name} » mis de côté : {reason}"), said
    assert [(kind, d["reader"]) for kind, d in events] == [("reader-set-aside", held.name)]


def test_a_reserve_reader_takes_over_when_the_bench_s_own_is_held(readers: dict[str, list[ReaderSpec]]) -> None:
    """A parallel worker's bay: one reader a slot (cards change inside it), and the readers no worker was given
    as its reserve."""
    held, spare = readers["cps"]
    with other_bench(held):
        bay, said, _ = _bay(readers, [held], reserve={"cps": [spare]})
        try:
            bay.ready(["vitale", "cps"], wait=False)  # before the case: the slot turns to the reserve
            assert bay.reader_name("cps") == spare.name
            bay.present("cps", NURSE)
            assert bay.reader_pool("cps") == [spare.name]  # one reader: a change of card stays in place
            assert read_cps(bay, "cps").rpps
        finally:
            bay.close()
    assert len(said) == 1 and held.name in said[0], said


def test_with_no_usable_reader_only_the_first_case_waits_and_a_freed_reader_is_used_again(
    readers: dict[str, list[ReaderSpec]],
) -> None:
    reader = readers["cps"][0]
    other = hold(reader)
    bay, said, _ = _bay(readers, [reader])
    try:
        start = time.monotonic()
        with pytest.raises(CardUnavailable, match="utilisé par un autre banc") as first:
            bay.present("cps", NURSE)
        assert time.monotonic() - start >= bay.lock_timeout - 0.1  # the first case waits, as it did
        for _ in range(3):
            start = time.monotonic()
            with pytest.raises(CardUnavailable) as again:
                bay.present("cps", NURSE)
            assert time.monotonic() - start < 0.5  # the next cases say it at once
            assert str(again.value) == str(first.value)
        assert sum("mis de côté" in s for s in said) == 1, said
        other.close()  # the other bench lets it go: the next case uses it again
        bay.present("cps", NURSE)
        assert bay.reader_name("cps") == reader.name and read_cps(bay, "cps").rpps
    finally:
        other.close()
        bay.close()


def test_a_card_another_program_holds_exclusively_sends_the_slot_to_a_spare(
    readers: dict[str, list[ReaderSpec]],
) -> None:
    from smartcard import scard

    first, spare = readers["cps"]
    bay, said, _ = _bay(readers, [first, spare])
    hr, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hr == 0
    handle = None
    try:
        bay.present("cps", NURSE)
        assert bay.reader_name("cps") == first.name
        bay.release()
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, handle, _ = scard.SCardConnect(context, first.name, scard.SCARD_SHARE_EXCLUSIVE, protocols)
        assert hr == 0, hex(hr & 0xFFFFFFFF)
        bay.present("cps", NURSE)  # the next case, same card: the old bay reloaded it where no one can read it
        assert bay.reader_name("cps") == spare.name
        assert read_cps(bay, "cps").rpps
    finally:
        if handle is not None:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
        scard.SCardReleaseContext(context)
        bay.close()
    assert said == [
        f"lecteur cps « {first.name} » mis de côté : une autre application tient le lecteur « {first.name} » "
        "en exclusivité"
    ]


def test_a_reader_with_a_card_that_is_not_the_bench_s_is_set_aside(readers: dict[str, list[ReaderSpec]]) -> None:
    from testbench.cards.pcsc import wait_for
    from testbench.cards.virtual import build_card
    from testbench.cards.vpcd import VirtualICC

    first, spare = readers["cps"]
    foreign = VirtualICC(build_card(NURSE), first.port)  # another program's emulator on that port
    foreign.insert(2.0)
    try:
        wait_for(first.name, True, 3.0)
        bay, said, _ = _bay(readers, [first, spare])
        try:
            bay.present("cps", PSAD)
            assert bay.reader_name("cps") == spare.name
            assert read_cps(bay, "cps").rpps
        finally:
            bay.close()
    finally:
        foreign.remove()
        wait_for(first.name, False, 3.0)
    assert len(said) == 1 and "contient déjà une carte qui n'est pas celle du banc" in said[0], said


def test_english_reads_the_set_aside_notices_back() -> None:
    from testbench.i18n import english

    assert (
        english(
            "lecteur cps « Virtual PCD 00 01 » mis de côté : une autre application tient le lecteur "
            "« Virtual PCD 00 01 » en exclusivité"
        )
        == "reader cps “Virtual PCD 00 01” set aside: another application holds reader “Virtual PCD 00 01” exclusively"
    )
    assert english(
        "banc 2 mis de côté, ses cas passent aux autres bancs : aucun lecteur cps utilisable : le port vpcd 36001 "
        "est utilisé par un autre banc ou une autre session de tests (verrou 127.0.0.1:46001)"
    ) == (
        "bench 2 set aside, its cases go to the other benches: no usable cps reader: vpcd port 36001 is in use by "
        "another bench or test session (lock 127.0.0.1:46001)"
    )


# ---- run --workers: a bench without a usable reader gives its cases to the others


class _Bay:
    def __init__(self, busy: bool, gone: threading.Event) -> None:
        self.busy, self.gone = busy, gone
        self.checked: list[bool] = []

    def ready(self, slots: list[str], wait: bool = True) -> None:
        self.checked.append(wait)
        if self.busy:
            self.gone.set()
            raise ReaderBusy("le port vpcd 36001 est utilisé par un autre banc ou une autre session de tests")

    def release(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Runner:
    def __init__(self, busy: bool, gone: threading.Event, ran: list[tuple[str, int]], name: str) -> None:
        self.bay = _Bay(busy, gone)
        self.name, self.ran, self.gone = name, ran, gone
        self.lines: list[str] = []
        self.events: list[tuple[str, dict, int | None]] = []
        self.recorder = SimpleNamespace(set_context=lambda *a: None, flush=lambda: None, bench=self.lines.append)
        self.store = SimpleNamespace(add_event=lambda kind, data, run_id=None: self.events.append((kind, data, run_id)))

    def attempt(self, run_id: int, index: int, total: int, casebook: object, case: object) -> Outcome:
        self.gone.wait(5)  # the other bench has found its reader held, whoever took the first case
        self.ran.append((self.name, index))
        return Outcome(Verdict.PASS)


def _selection(count: int) -> list[tuple[Any, Any]]:
    cards = (SimpleNamespace(slot="cps"),)
    return [(SimpleNamespace(sha256="x"), SimpleNamespace(id=f"C{i}", cards=cards)) for i in range(count)]


def test_a_parallel_bench_whose_reader_is_held_gives_its_case_back_unstarted() -> None:
    from testbench.runner.workers import run_parallel

    gone, ran, said = threading.Event(), [], []
    runners = [_Runner(False, gone, ran, "bench-1"), _Runner(True, gone, ran, "bench-2")]
    summary = run_parallel(runners, 7, _selection(6), notify=said.append)  # type: ignore[arg-type]
    assert sorted(index for _, index in ran) == list(range(6))  # none lost, none run twice
    assert {name for name, _ in ran} == {"bench-1"}
    assert [case.id for case, _ in summary.outcomes] == [f"C{i}" for i in range(6)]
    message = (
        "banc 2 mis de côté, ses cas passent aux autres bancs : le port vpcd 36001 est utilisé par un autre banc "
        "ou une autre session de tests"
    )
    assert said == [message]
    assert runners[1].events == [("reader-set-aside", {"bench": 2, "message": message}, 7)]
    assert runners[1].lines == [message]
    assert runners[1].bay.checked == [False]  # another bench was there: no wait for the held reader


def test_the_last_bench_keeps_its_cases_when_no_reader_is_usable() -> None:
    from testbench.runner.workers import run_parallel

    gone, ran = threading.Event(), []
    runners = [_Runner(True, gone, ran, "bench-1"), _Runner(True, gone, ran, "bench-2")]
    summary = run_parallel(runners, 1, _selection(4))  # type: ignore[arg-type]
    assert sorted(index for _, index in ran) == list(range(4))  # each case once, on the bench left
    assert len({name for name, _ in ran}) == 1 and len(summary.outcomes) == 4
    last = next(r for r in runners if r.name == ran[0][0])
    assert last.bay.checked[-1] is True  # the last bench may wait for its reader (the bay waits once)


@pytest.mark.integration
def test_two_workers_with_one_reader_held_run_every_case_once_on_the_other_bench(
    readers: dict[str, list[ReaderSpec]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.cli.main import main
    from testbench.paths import CASEBOOKS_DIR
    from testbench.store.read import read_session

    pools = ",".join(f"{slot}=" + "|".join(f"{r.name}@{r.port}" for r in specs) for slot, specs in readers.items())
    monkeypatch.setenv("TESTBENCH_CARD_READERS", pools)
    session = tmp_path / "demo.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "pcsc", "--workers", "2"]
    argv += ["--attestations", str(CASEBOOKS_DIR / "demo-attestations.json")]
    held = readers["cps"][1]
    with other_bench(held):  # bench 2's cps reader
        start = time.monotonic()
        assert main(argv) == 1  # the case built to fail, as in a serial run
        took = time.monotonic() - start
    with read_session(session) as view:
        verdicts = {c.case_id: c.verdict for c in view.cases}
        attempts = {c.case_id: len(c.attempts) for c in view.cases}
    assert verdicts.pop("DEMO-FSE-099") == "fail"
    assert set(verdicts.values()) == {"pass"}, verdicts
    assert set(attempts.values()) == {1}, attempts
    with contextlib.closing(sqlite3.connect(session)) as conn:
        kinds = [k for (k,) in conn.execute("SELECT kind FROM events WHERE kind = 'reader-set-aside'")]
        readers_used = {
            r for (r,) in conn.execute("SELECT json_extract(data, '$.reader') FROM events WHERE kind = 'card-present'")
        }
    assert kinds == ["reader-set-aside"]
    assert held.name not in readers_used
    assert took < 30, took  # the old bench waited 30 s on the held reader, then lost the case
