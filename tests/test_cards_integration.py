"""Integration tests of the card layer against the real pcscd + vpcd + our emulator."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from testbench.cards import apdu as A
from testbench.cards import layout as L
from testbench.cards.api import CardMismatch, CardUnavailable
from testbench.cards.bay import PcscBay
from testbench.cards.guard import check_cards
from testbench.cards.inprocess import Fault
from testbench.cards.pcsc import list_readers, watch
from testbench.cards.profile import load_profile
from testbench.cards.read import PinRefused, read_cps, read_vitale, verify_pin
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.cards.trace import JsonlSink
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration


def test_readers_listed(pcsc_stack: list[str]) -> None:
    assert {"Virtual PCD 00 00", "Virtual PCD 00 01"} <= set(list_readers())


def test_insert_read_remove_with_process_emulator(vpcd_lock: list[str], tmp_path: Path) -> None:
    with PcscBay(trace_dir=tmp_path, emulator="process") as bay:
        bay.present("vitale", P / "vitale2-family.xml")
        assert bay.atr("vitale") == load_profile(P / "vitale2-family.xml").atr
        data = read_vitale(bay, "vitale")
        assert [b.first_name for b in data.beneficiaries] == ["CLAIRE", "MARC", "LEO", "EMMA", "LOUIS"]
        bay.remove("vitale")
        with pytest.raises(CardUnavailable):
            bay.atr("vitale")
    lines = [json.loads(x) for x in (tmp_path / "emulator-vitale.jsonl").read_text().splitlines()]
    sws = [x["sw"] for x in lines]
    assert lines[0]["command"] == "00A40000023F00"
    assert any(sw.startswith("6C") for sw in sws)  # T=0 wrong-length answers went over the real stack


def test_watch_sees_insertion_and_removal(pcsc_bay: PcscBay) -> None:
    reader = "Virtual PCD 00 01"
    events = watch([reader], timeout=0.05)
    assert [e.present for e in events] == [False]
    pcsc_bay.present("cps", P / "cps4-nurse.xml")
    gen = watch([reader], timeout=3.0)
    first = next(gen)
    assert first.present and first.atr == load_profile(P / "cps4-nurse.xml").atr
    pcsc_bay.remove("cps")
    for event in gen:
        if not event.present:
            break
    else:
        pytest.fail("removal not seen")


def test_guard_passes_then_rejects_c2s_when_ald_expected(pcsc_bay: PcscBay) -> None:
    c2s, nurse, ald = (load_profile(P / f) for f in ("vitale2-c2s.xml", "cps4-nurse.xml", "vitale2-ald.xml"))
    pcsc_bay.present("vitale", c2s.path)
    pcsc_bay.present("cps", nurse.path)
    report = check_cards(pcsc_bay, [("vitale", c2s), ("cps", nurse)])
    assert report.ok and [c.identity for c in report.checks] == ["291049999900904", "89990000021"]
    with pytest.raises(CardMismatch) as exc:
        check_cards(pcsc_bay, [("vitale", ald)], catalog=[c2s, nurse, ald])
    message = str(exc.value)
    assert "Virtual PCD 00 00" in message
    assert "vitale2-c2s" in message and "(C2S)" in message
    assert "vitale2-ald" in message and "(ALD)" in message
    assert message.index("C2S") < message.index("le cas attend") < message.index("ALD")
    assert not exc.value.report.ok  # type: ignore[attr-defined]


def test_guard_refuses_real_card_where_a_test_card_is_expected(pcsc_bay: PcscBay) -> None:
    real = load_profile(P / "vitale2-real-nature.xml")
    pcsc_bay.present("vitale", real.path)
    with pytest.raises(CardMismatch, match="réelle"):
        check_cards(pcsc_bay, [("vitale", load_profile(P / "vitale2-adult-standard.xml"))])
    assert check_cards(pcsc_bay, [("vitale", real)]).ok  # emulated by the bay and expected by the case


def test_card_pulled_mid_read_is_card_unavailable(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("vitale", P / "vitale2-ald.xml")
    pcsc_bay.inject_fault("vitale", Fault("pull", after=3))
    with pytest.raises(CardUnavailable):
        read_vitale(pcsc_bay, "vitale")


def test_mute_card_times_out_as_card_unavailable(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("cps", P / "cps3-psad-lpp.xml")
    pcsc_bay.inject_fault("cps", Fault("mute", after=0))
    start = time.monotonic()
    with pytest.raises(CardUnavailable, match="muette"):
        read_cps(pcsc_bay, "cps")
    assert time.monotonic() - start < pcsc_bay.transmit_timeout + 2.0


def test_wrong_status_word_fault(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("vitale", P / "vitale2-c2s.xml")
    pcsc_bay.inject_fault("vitale", Fault("sw", sw=0x6A82, ins=0xA4))
    data, sw = pcsc_bay.transmit("vitale", A.select_fid(L.FID_MF))
    assert (data, sw) == (b"", 0x6A82)


def test_pin_never_appears_in_any_trace(vpcd_lock: list[str], tmp_path: Path) -> None:
    profile = load_profile(P / "cps3-psad-lpp.xml")
    pin = profile.pin.reveal()  # type: ignore[union-attr]
    bay_trace = tmp_path / "bay-apdu.jsonl"
    sink = JsonlSink(bay_trace)
    with PcscBay(trace_dir=tmp_path / "emu", emulator="process", sinks=[sink]) as bay:
        bay.present("cps", profile.path)
        with pytest.raises(PinRefused):
            verify_pin(bay, "cps", "0000")  # a wrong PIN first: one try used
        verify_pin(bay, "cps", pin)
        assert read_cps(bay, "cps").pin_tries_left is None  # verified: the card answers 9000
        bay.remove("cps")
    sink.close()
    outputs = [bay_trace, *sorted((tmp_path / "emu").glob("*.jsonl"))]
    texts = [p.read_text() for p in outputs]
    masked_verify = "00200081" + "08" + "2A" * 8
    for path, text in zip(outputs, texts, strict=True):
        assert masked_verify in text, f"{path} has no masked VERIFY: the check below would prove nothing"
        # the digits alone, not inside a longer number (a timestamp's microseconds may hold them by chance)
        assert not re.search(rf"(?<!\d){pin}(?!\d)", text), f"PIN found in {path}"
        for needle in (pin.encode().hex(), pin.encode().hex().upper(), L.pin_block(pin).hex().upper()):
            assert needle not in text, f"PIN found in {path}"
    import os

    pcscd_log = Path(os.environ.get("TESTBENCH_PCSCD_DIR", "/tmp/testbench-pcscd")) / "pcscd.log"
    if pcscd_log.exists():  # pcscd started by scripts/pcscd.sh: its log must not show the PIN either
        log = pcscd_log.read_text(errors="replace").upper()
        assert L.pin_block(pin).hex(" ").upper() not in log and L.pin_block(pin).hex().upper() not in log


def test_latency_budget_quickack(pcsc_bay: PcscBay) -> None:
    """Pitfall 1 regression guard: without TCP_QUICKACK each APDU costs 44 ms."""
    pcsc_bay.present("vitale", P / "vitale2-adult-standard.xml")
    apdu = A.select_fid(L.FID_MF)
    pcsc_bay.transmit("vitale", apdu)
    start = time.perf_counter()
    for _ in range(200):
        pcsc_bay.transmit("vitale", apdu)
    assert (time.perf_counter() - start) / 200 < 0.005


def test_cli_list_and_probe_on_the_real_stack(pcsc_bay: PcscBay) -> None:
    import subprocess
    import sys

    pcsc_bay.present("vitale", P / "vitale2-atmp.xml")
    pcsc_bay.release()  # the CLI is another PC/SC client

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "testbench", "cards", *args], capture_output=True, text=True, timeout=60
        )

    listed = json.loads(cli("list", "--json").stdout)
    row = next(r for r in listed if r["reader"] == "Virtual PCD 00 00")
    assert row["card"] and row["family"] == "Vitale 2"
    probe = cli("probe", "--reader", "Virtual PCD 00 00", "--json")
    assert probe.returncode == 0, probe.stderr
    data = json.loads(probe.stdout)  # the JSON alone: the "Lecteur" and "ATR" lines go to stderr
    assert "Lecteur : Virtual PCD 00 00" in probe.stderr
    assert data["beneficiaries"][0]["coverage"]["at_mp"] is True
    text = cli("probe", "--reader", "Virtual PCD 00 00").stdout
    assert "Carte Vitale 2 de test" in text and "AT/MP" in text
    empty = cli("probe", "--reader", "Virtual PCD 00 01")
    assert empty.returncode == 2 and "aucune carte" in empty.stderr
    watched = cli("watch", "--timeout", "0.3").stdout
    assert "Virtual PCD 00 00  carte présente  Vitale 2" in watched and "Virtual PCD 00 01  vide" in watched


def test_cli_record_with_a_scriptor_script(pcsc_bay: PcscBay, tmp_path: Path) -> None:
    import subprocess
    import sys

    from testbench.cards.record import load_recording

    pcsc_bay.present("vitale", P / "vitale2-adult-standard.xml")  # a Vitale 1 answers no class 00 (§2.1)
    pcsc_bay.release()
    script = tmp_path / "read.scriptor"
    script.write_text("#!/usr/bin/env scriptor\nreset\n00 A4 00 00 02 3F 00\n00 B0 82 00 00  # identities\n")
    out = tmp_path / "rec.jsonl"
    r = subprocess.run(
        [
            *(sys.executable, "-m", "testbench", "cards", "record", "--reader", "Virtual PCD 00 00"),
            *("--out", str(out), "--script", str(script)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    header, exchanges = load_recording(out)
    assert header["atr"] == load_profile(P / "vitale2-adult-standard.xml").atr.hex().upper()
    assert [e["sw"][:2] for e in exchanges] == ["90", "6C", "90"]  # T=0: resent with the exact Le


def test_same_card_next_case_is_reused_fresh_without_reinsertion(vpcd_lock: list[str], tmp_path: Path) -> None:
    with PcscBay(emulator="process", trace_dir=tmp_path) as bay:
        bay.present("cps", P / "cps4-nurse.xml")
        verify_pin(bay, "cps", load_profile(P / "cps4-nurse.xml").pin.reveal())  # type: ignore[union-attr]
        assert read_cps(bay, "cps").pin_tries_left is None  # verified state
        start = time.monotonic()
        bay.present("cps", P / "cps4-nurse.xml")  # next case, same card
        assert time.monotonic() - start < 0.3  # no remove/insert cycle (≥ 0.4 s through pcscd's poll)
        assert read_cps(bay, "cps").pin_tries_left == 3  # a fresh card: not verified any more
        bay.inject_fault("cps", Fault("pull", after=0))
        with pytest.raises(CardUnavailable):
            read_cps(bay, "cps")
        bay.present("cps", P / "cps4-nurse.xml")  # after a fault: a real re-insertion
        assert read_cps(bay, "cps").rpps == "89990000021"


def test_reader_already_holding_a_foreign_card_is_reported(vpcd_lock: list[str]) -> None:
    from testbench.cards.virtual import build_card
    from testbench.cards.vpcd import VirtualICC

    foreign = VirtualICC(build_card(P / "cps4-nurse.xml"), 35964)  # someone else's emulator on the cps port
    foreign.insert(2.0)
    # one reader a slot: with spares the bay would set this reader aside and use a spare (docs/cards.md §4.1)
    bay = PcscBay(dict(DEFAULT_READERS), emulator="thread")
    try:
        from testbench.cards.pcsc import wait_for

        wait_for("Virtual PCD 00 01", True, 3.0)
        with pytest.raises(CardUnavailable, match="contient déjà une carte"):
            bay.present("cps", P / "cps3-psad-lpp.xml")
    finally:
        bay.close()
        foreign.remove()
        from testbench.cards.pcsc import wait_for as wait

        wait("Virtual PCD 00 01", False, 3.0)


def test_two_bays_cannot_share_a_vpcd_port(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("vitale", P / "vitale2-c2s.xml")
    # one reader a slot: with spares the other bay would set the held reader aside and use a spare (§4.1)
    other = PcscBay(dict(DEFAULT_READERS), emulator="thread")
    other.lock_timeout = 0.2
    try:
        with pytest.raises(CardUnavailable, match=r"utilisé par un autre banc|déjà pris par un banc de test"):
            other.present("vitale", P / "vitale2-ald.xml")
    finally:
        other.close()
    assert read_vitale(pcsc_bay, "vitale").beneficiaries[0].first_name == "SARAH"  # ours is untouched


def test_physical_mode_prompts_the_operator_then_waits(vpcd_lock: list[str]) -> None:
    """emulate=False: the bay only prompts; here an emulator plays the operator inserting the card."""
    import threading

    from testbench.cards.virtual import build_card
    from testbench.cards.vpcd import VirtualICC

    icc = VirtualICC(build_card(P / "vitale2-maternity.xml"), 35963)
    prompts: list[str] = []

    def operator(message: str) -> None:
        prompts.append(message)
        threading.Timer(0.1, icc.insert, kwargs={"timeout": 2.0}).start()

    bay = PcscBay(emulate=False, prompt=operator, operator_timeout=5.0)
    try:
        bay.present("vitale", P / "vitale2-maternity.xml")
        assert prompts == [
            "Insérez la carte Vitale 2 de test « vitale2-maternity » de LUCIE PROTO (maternité) "
            "dans le lecteur « Virtual PCD 00 00 » (vitale)."
        ]
        assert check_cards(bay, [("vitale", load_profile(P / "vitale2-maternity.xml"))]).ok
        assert not bay.emulated("vitale")
    finally:
        bay.close()
        icc.remove()
        from testbench.cards.pcsc import wait_for

        wait_for("Virtual PCD 00 00", False, 3.0)


def test_record_on_the_real_stack_then_replay_through_vpcd(pcsc_bay: PcscBay, tmp_path: Path) -> None:
    from testbench.cards.link import Link, SingleChannel
    from testbench.cards.pcsc import PyscardTransport, wait_for
    from testbench.cards.record import Recorder, ReplayCard
    from testbench.cards.vpcd import VirtualICC

    pcsc_bay.present("vitale", P / "vitale2-family.xml")
    rec = Recorder(tmp_path / "family.jsonl", pcsc_bay.atr("vitale"), "Virtual PCD 00 00")
    pcsc_bay.add_sink(rec)
    original = read_vitale(pcsc_bay, "vitale")
    rec.close()
    replay = ReplayCard.from_file(tmp_path / "family.jsonl")
    icc = VirtualICC(replay, 35964)  # the recording becomes a card in the other reader
    icc.insert(2.0)
    try:
        wait_for("Virtual PCD 00 01", True, 3.0)
        channel = SingleChannel(Link(PyscardTransport("Virtual PCD 00 01"), "replay"))
        try:
            assert read_vitale(channel, "replay").as_dict() == original.as_dict()
        finally:
            channel.release()
        assert replay.unknown == []
    finally:
        icc.remove()
        wait_for("Virtual PCD 00 01", False, 3.0)
