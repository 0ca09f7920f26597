"""The card path's per-case cost (issue 16 §1, §4): what a case pays for its cards, in process and
through pcscd (docs/cards.md §4.3)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from testbench.cards import apdu as A
from testbench.cards import virtual
from testbench.cards.api import ApduExchange
from testbench.cards.guard import check_cards
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import load_profile
from testbench.cards.read import pin_tries_left, read_cps_holder, read_vitale, verify_pin
from testbench.paths import CARD_PROFILES_DIR as P


def test_the_guard_reads_only_the_cps_identity() -> None:
    """The guard checks RPPS, names and nature, all in the identity file: no situations, no SN, no tries
    count (13 APDUs before, 5 now); what it records is the same."""
    seen: list[ApduExchange] = []
    bay = InProcessBay(apdu_sink=seen.append)
    cps = load_profile(P / "cps3-psad-lpp.xml")
    bay.present("cps", cps)
    report = check_cards(bay, [("cps", cps)], catalog=[cps])
    (check,) = report.checks
    assert check.ok and check.identity == cps.professional.rpps and check.nature == cps.nature
    assert check.found_fr == cps.describe_fr()
    pro = cps.professional
    assert check.found_holder == {"rpps": pro.rpps, "name": pro.name, "first_name": pro.first_name}
    assert len(seen) == 5
    assert not [e for e in seen if e.command[1] == 0x20]  # no VERIFY: the PIN counter is not the guard's


def test_a_refused_cps_is_still_named_and_described() -> None:
    bay = InProcessBay()
    bay.present("cps", load_profile(P / "cps4-nurse.xml"))
    with pytest.raises(Exception, match="RPPS") as caught:
        check_cards(bay, [("cps", load_profile(P / "cps3-psad-lpp.xml"))], catalog=[load_profile(P / "cps4-nurse.xml")])
    (check,) = caught.value.report.checks  # type: ignore[attr-defined]
    assert "cps4-nurse" in check.found_fr and check.found_holder["rpps"] != check.expected_holder["rpps"]


def test_a_card_is_built_from_its_profiles_files_once_but_each_card_has_its_own_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = []
    real = virtual.cps_files
    monkeypatch.setattr(virtual, "cps_files", lambda p: made.append(p.id) or real(p))
    monkeypatch.setattr(virtual, "_FILES", {})
    cps = load_profile(P / "cps3-psad-lpp.xml")
    bay = InProcessBay()
    bay.present("cps", cps)
    bay.transmit("cps", bytes.fromhex("00A404000D") + bytes.fromhex("E828BD080F8025000001FF0010"))
    bay.transmit("cps", bytes.fromhex("0020008108") + b"0000\xff\xff\xff\xff")  # a wrong PIN: one try used
    assert pin_tries_left(bay, "cps") == cps.pin.tries_left - 1
    bay.present("cps", cps)  # the next case: a fresh card
    bay.transmit("cps", bytes.fromhex("00A404000D") + bytes.fromhex("E828BD080F8025000001FF0010"))
    assert pin_tries_left(bay, "cps") == cps.pin.tries_left
    assert made == ["cps3-psad-lpp"]


@pytest.mark.integration
def test_a_reader_connection_keeps_one_pcsc_context(vpcd_lock: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A PC/SC context is a socket and a thread in pcscd: the transport makes one for all its connections
    (pyscard's connection made one per connection, four per case), and a new one when it went stale."""
    from smartcard import scard

    from testbench.cards.bay import PcscBay
    from testbench.cards.reader_pools import DEFAULT_READERS

    contexts = []
    real = scard.SCardEstablishContext
    monkeypatch.setattr(scard, "SCardEstablishContext", lambda scope: contexts.append(scope) or real(scope))
    with PcscBay(readers={"vitale": DEFAULT_READERS["vitale"]}, emulator="thread") as bay:
        bay.present("vitale", P / "vitale2-family.xml")
        transport = bay._reader("vitale").link.transport
        before = len(contexts)
        for _ in range(3):
            assert bay.transmit("vitale", bytes.fromhex("00A40000023F00")) == (b"", 0x9000)
            bay.release()  # disconnect with a reset, as after the guard and after each case
        # one for the transport at most (the bay's check of the reader at present may have made it already)
        assert len(contexts) - before <= 1
        made = len(contexts)
        scard.SCardReleaseContext(transport._context.handle)  # as if pcscd had restarted
        assert bay.transmit("vitale", bytes.fromhex("00A40000023F00")) == (b"", 0x9000)
        assert len(contexts) == made + 1


@pytest.mark.integration
def test_a_bay_starts_its_emulators_ahead_with_their_readers_empty(vpcd_lock: list[str], tmp_path: Path) -> None:
    """The emulator processes start when the bay is built (while the bench is assembled), readers empty;
    the first card is then an insert into the running process, not a Python start-up; an emulator started
    ahead and never used writes no trace."""
    from testbench.cards.bay import PcscBay
    from testbench.cards.pcsc import Context, card_present
    from testbench.cards.read import read_vitale
    from testbench.cards.reader_pools import DEFAULT_READERS

    with PcscBay(readers=DEFAULT_READERS, emulator="process", trace_dir=tmp_path) as bay:
        procs = {slot: bay._reader(slot).card.proc for slot in ("vitale", "cps")}  # type: ignore[union-attr]
        assert all(p.poll() is None for p in procs.values())
        with Context() as ctx:
            states = ctx.status([spec.name for spec in DEFAULT_READERS.values()])
        assert not any(card_present(state) for state, _ in states.values())  # started, readers empty
        assert not bay.emulated("vitale")
        bay.present("vitale", P / "vitale2-family.xml")
        assert bay._reader("vitale").card.proc is procs["vitale"]  # type: ignore[union-attr]
        assert read_vitale(bay, "vitale").beneficiaries[0].first_name == "CLAIRE"
    assert all(p.poll() is not None for p in procs.values())
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == ["emulator-vitale.jsonl"]


class _CountingChannel:
    """A channel over an in-process bay that counts what a read asks (an out-of-process engine pays a round
    trip for each)."""

    def __init__(self, bay: InProcessBay) -> None:
        self.bay, self.atrs, self.apdus = bay, 0, 0

    def atr(self, slot: str) -> bytes:
        self.atrs += 1
        return self.bay.atr(slot)

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        self.apdus += 1
        return self.bay.transmit(slot, apdu)


@pytest.mark.parametrize("profile", ["vitale2-family.xml", "vitale1-adult.xml"])
def test_a_vitale_read_asks_the_atr_once(profile: str) -> None:
    bay = InProcessBay()
    bay.present("vitale", P / profile)
    channel = _CountingChannel(bay)
    assert read_vitale(channel, "vitale").beneficiaries
    assert channel.atrs == 1 and channel.apdus > 1


def test_the_same_card_contents_are_decoded_once() -> None:
    """The guard and the step read the same card in each case: the second read decodes nothing (the
    decoded data are immutable, one object serves both); other contents are decoded for themselves."""
    bay = InProcessBay()
    bay.present("vitale", P / "vitale2-family.xml")
    first = read_vitale(bay, "vitale")
    bay.present("vitale", P / "vitale2-family.xml")  # the next case: a fresh card, same contents
    assert read_vitale(bay, "vitale") is first
    bay.present("vitale", P / "vitale2-c2s.xml")
    other = read_vitale(bay, "vitale")
    assert other is not first and other.beneficiaries[0].nir != first.beneficiaries[0].nir
    cps = load_profile(P / "cps3-psad-lpp.xml")
    bay.present("cps", cps)
    assert read_cps_holder(bay, "cps") is read_cps_holder(bay, "cps")


def test_a_card_parses_each_command_once_but_never_keeps_a_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[bytes] = []
    real = A.parse
    monkeypatch.setattr(A, "parse", lambda raw: parsed.append(raw) or real(raw))
    monkeypatch.setattr(A, "_PARSED", {})
    cps = load_profile(P / "cps3-psad-lpp.xml")
    bay = InProcessBay()
    bay.present("cps", cps)
    for _ in range(3):
        bay.transmit("cps", bytes.fromhex("00A404000D") + bytes.fromhex("E828BD080F8025000001FF0010"))
        verify_pin(bay, "cps", cps.pin.reveal())
    select, query, verify = parsed[0], parsed[1], parsed[2]
    assert parsed.count(select) == parsed.count(query) == 1  # the tries query carries no PIN: kept
    assert parsed.count(verify) == 3 and verify[1] == A.INS_VERIFY and len(verify) > 5
    assert not [cmd for cmd in A._PARSED if A.is_pin_command(cmd)]


def test_the_guard_describes_each_expected_card_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The expected card's French description is the same in every case: made once per loaded profile."""
    from testbench.cards import profile as profile_module

    made = []
    real = profile_module.describe_vitale
    monkeypatch.setattr(profile_module, "describe_vitale", lambda *a: made.append(a) or real(*a))
    vitale = profile_module.parse_profile((P / "vitale2-family.xml").read_bytes())  # a fresh profile object
    bay = InProcessBay()
    for _ in range(3):
        bay.present("vitale", vitale)
        (check,) = check_cards(bay, [("vitale", vitale)], catalog=[vitale]).checks
        assert check.expected_fr == check.found_fr == real(*made[0])
    assert len(made) == 1


def test_a_cases_card_path_stays_cheap() -> None:
    """What a case pays in Python calls for its Vitale card in process: presented, checked by the guard, read
    by the step. Counted, not timed, so load does not matter: 1,092 calls for this family card before the
    card path was trimmed (each command parsed per APDU, the contents decoded twice, the expected card
    described anew, profile paths compared as Path objects), 438 after, with 20 APDUs (guard and step). A
    case whose card stayed in its reader since the last guard is not read by the guard again (10 APDUs,
    the step's). A new per-APDU or per-case cost shows here first."""
    import sys

    from testbench.cards.guard import case_guard

    fixture = SimpleNamespace(profile=P / "vitale2-family.xml")
    other = SimpleNamespace(profile=P / "vitale2-c2s.xml")
    casebook = SimpleNamespace(fixtures=SimpleNamespace(cards={"v": fixture, "w": other}))
    seen: list[ApduExchange] = []
    bay = InProcessBay(apdu_sink=seen.append)
    guard = case_guard()

    def one_case(card: str) -> None:
        case = SimpleNamespace(id=f"C-{card}", cards=[SimpleNamespace(slot="vitale", card=card)])
        bay.present("vitale", casebook.fixtures.cards[card].profile)
        guard(bay, casebook, case)
        read_vitale(bay, "vitale")

    def counted(card: str) -> tuple[int, int]:
        calls = [0]

        def count(frame: object, event: str, arg: object) -> None:
            if event == "call":
                calls[0] += 1

        seen.clear()
        sys.setprofile(count)
        try:
            one_case(card)
        finally:
            sys.setprofile(None)
        return len(seen), calls[0]

    one_case("w")
    one_case("v")  # the first cases load and decode what the next ones reuse
    one_case("w")
    apdus, calls = counted("v")  # another card than the last case's: the guard reads it
    assert apdus == 20 and calls <= 500, (apdus, calls)
    apdus, calls = counted("v")  # the same card, still in its reader: only the step reads it
    assert apdus == 10 and calls <= 260, (apdus, calls)
