"""Unit tests: record/replay, scriptor import/export, the guard on the in-process bay, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards import apdu as A
from testbench.cards.api import CardMismatch, CardUnavailable
from testbench.cards.guard import check_cards
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import load_profile
from testbench.cards.read import PinRefused, read_cps, read_vitale, verify_pin
from testbench.cards.record import (
    Recorder,
    RecordingError,
    ReplayCard,
    export_scriptor,
    load_recording,
    parse_scriptor,
    recording_from_scriptor_log,
)
from testbench.paths import CARD_PROFILES_DIR as P

CATALOG = [load_profile(p) for p in sorted(P.glob("*.xml"))]


def _bay_with(slot: str, name: str, sinks=()) -> InProcessBay:
    bay = InProcessBay(sinks=sinks)
    bay.present(slot, P / f"{name}.xml")
    return bay


# ---------------------------------------------------------------- record / replay


def test_record_then_replay_gives_the_same_decoded_card(tmp_path: Path) -> None:
    rec_path = tmp_path / "family.jsonl"
    bay = _bay_with("vitale", "vitale2-family")
    rec = Recorder(rec_path, bay.atr("vitale"), "Lecteur virtuel vitale")
    bay.add_sink(rec)
    original = read_vitale(bay, "vitale")
    rec.close()
    header, exchanges = load_recording(rec_path)
    assert header["atr"] == "3B751300004409EA9000" and len(exchanges) == rec.count > 4

    replay = InProcessBay()
    card = ReplayCard.from_file(rec_path)
    replay.insert_card("vitale", card)
    assert read_vitale(replay, "vitale") == original
    assert card.unknown == []


def test_replay_unknown_commands() -> None:
    card = ReplayCard(b"\x3b\x00", [{"command": "00A40000023F00", "response": "", "sw": "9000"}])
    card.power_on()
    assert card.process(A.select_fid(0x3F00)) == b"\x90\x00"
    assert card.process(A.select_fid(0x2F00)) == b"\x6a\x82"  # SELECT known, file unknown
    assert card.process(A.read_binary(0, 0)) == b"\x6d\x00"  # READ BINARY never recorded


def test_recording_never_holds_the_pin_and_replay_matches_masked_verify(tmp_path: Path) -> None:
    profile = load_profile(P / "cps4-nurse.xml")
    pin = profile.pin.reveal()  # type: ignore[union-attr]
    rec_path = tmp_path / "cps.jsonl"
    bay = _bay_with("cps", "cps4-nurse")
    rec = Recorder(rec_path, bay.atr("cps"))
    bay.add_sink(rec)
    verify_pin(bay, "cps", pin)
    rec.close()
    text = rec_path.read_text()
    assert "2A2A2A2A2A2A2A2A" in text
    assert pin not in text and pin.encode().hex() not in text.lower()
    replay = InProcessBay()
    replay.insert_card("cps", ReplayCard.from_file(rec_path))
    verify_pin(replay, "cps", "9999")  # replay matches on the masked form: any PIN "works"


def test_bad_recording_reports_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "testbench-apdu-recording", "version": 1}\n{"command": "ZZ"}\n')
    with pytest.raises(RecordingError, match=r"bad.jsonl:2:"):
        load_recording(bad)


def test_scriptor_script_and_log_roundtrip() -> None:
    script = "#!/usr/bin/env scriptor\nreset\n00 A4 00 00 02 3F 00  # select MF\n\n00B0820000\n"
    assert parse_scriptor(script) == [(bytes.fromhex("00A40000023F00"), None), (bytes.fromhex("00B0820000"), None)]
    log = "> 00 A4 00 00 02 3F 00\n< 90 00 : Normal processing.\n> 00 20 00 81 02 31 32\n< 63 C2 : x\n"
    exchanges = recording_from_scriptor_log(parse_scriptor(log))
    assert [e["sw"] for e in exchanges] == ["9000", "63C2"]
    assert exchanges[1]["command"] == "002000810" + "2" + "2A2A"  # PIN masked on import
    exported = export_scriptor(exchanges)
    assert [c for c, _ in parse_scriptor(exported)] == [bytes.fromhex(e["command"]) for e in exchanges]
    with pytest.raises(RecordingError, match="<script>:1:"):
        parse_scriptor("< 90 00\n")


# ---------------------------------------------------------------- guard on the in-process bay


def test_guard_ok_structured_report_and_release() -> None:
    bay = InProcessBay()
    bay.present("vitale", P / "vitale2-ald.xml")
    bay.present("cps", P / "cps3-psad-lpp.xml")
    ald, psad = load_profile(P / "vitale2-ald.xml"), load_profile(P / "cps3-psad-lpp.xml")
    report = check_cards(bay, [("vitale", ald), ("cps", psad)])
    d = report.as_dict()
    assert d["ok"] and [c["slot"] for c in d["checks"]] == ["vitale", "cps"]
    assert d["checks"][1]["identity"] == "89990000013"
    assert bay._transport("vitale").card.powered is False  # released after the check


def test_guard_mismatch_names_both_cards() -> None:
    bay = _bay_with("vitale", "vitale2-c2s")
    with pytest.raises(CardMismatch) as exc:
        check_cards(bay, [("vitale", load_profile(P / "vitale2-ald.xml"))], catalog=CATALOG)
    msg = str(exc.value)
    assert "« vitale2-c2s »" in msg and "(C2S)" in msg and "« vitale2-ald »" in msg and "(ALD)" in msg
    assert msg.startswith("Le lecteur « inprocess-vitale » (vitale) contient la carte Vitale 2 de test")


def test_guard_wrong_family_and_empty_slot() -> None:
    bay = _bay_with("vitale", "cps4-nurse")
    with pytest.raises(CardMismatch, match="famille de carte : CPS4 au lieu de Vitale 2"):
        check_cards(bay, [("vitale", load_profile(P / "vitale2-c2s.xml"))])
    with pytest.raises(CardUnavailable):
        check_cards(bay, [("cps", load_profile(P / "cps4-nurse.xml"))])


def test_guard_messages_read_as_french_sentences() -> None:
    """No doubled article or preposition: « contient une carte inconnue », « réelle au lieu de de test »."""
    bay = InProcessBay()
    bay.insert_card("vitale", ReplayCard(bytes.fromhex("3B021480"), []))
    with pytest.raises(CardMismatch) as unknown:
        check_cards(bay, [("vitale", load_profile(P / "vitale2-c2s.xml"))])
    assert str(unknown.value).startswith(
        "Le lecteur « inprocess-vitale » (vitale) contient une carte inconnue (ATR 3B 02 14 80) ; "
        "le cas attend la carte Vitale 2 de test « vitale2-c2s »"
    )
    assert unknown.value.report.checks[0].found_fr == "carte inconnue (ATR 3B 02 14 80)"  # a cell of the cover
    with pytest.raises(CardMismatch) as real:
        check_cards(_bay_with("vitale", "vitale2-real-nature"), [("vitale", load_profile(P / "vitale2-c2s.xml"))])
    assert "nature : carte réelle au lieu de carte de test" in str(real.value)
    assert "ANNE" not in str(real.value)  # a refused real card: its holder is not said (docs/cards.md §6)
    with pytest.raises(CardMismatch) as other:
        check_cards(_bay_with("vitale", "vitale2-alsace-moselle"), [("vitale", load_profile(P / "vitale2-c2s.xml"))])
    assert "de test d'ANDRE FICTIF (Alsace-Moselle) ;" in str(other.value)  # « de » elided before a vowel
    for message in (str(unknown.value), str(real.value), str(other.value)):
        assert not any(slip in message for slip in ("la une ", "de de ", "..", ".)", " ;.")), message
        assert message.endswith(".")


def test_guard_prompts_operator_and_waits() -> None:
    bay = InProcessBay()
    prompts: list[str] = []

    def wait_card(slot: str, timeout: float) -> None:  # the operator inserts the card
        bay.present(slot, P / "cps4-nurse.xml")

    bay.wait_card = wait_card  # type: ignore[attr-defined]
    report = check_cards(bay, [("cps", load_profile(P / "cps4-nurse.xml"))], prompt=prompts.append)
    assert report.ok
    assert prompts == [
        "Insérez la carte CPS (CPS4) de test « cps4-nurse » de JULIE FICTIF (Infirmier) "
        "dans le lecteur « inprocess-cps »."
    ]


def test_guard_real_nature_needs_allow_real_unless_the_case_expects_the_emulated_card() -> None:
    real = load_profile(P / "vitale2-real-nature.xml")
    c2s = load_profile(P / "vitale2-c2s.xml")
    bay = _bay_with("vitale", "vitale2-real-nature")
    # the case asks for the emulated real-nature card (to see the product refuse it): let through
    assert check_cards(bay, [("vitale", real)]).ok
    # a real card where a test card is expected: refused, even by name
    with pytest.raises(CardMismatch, match="seules les cartes de test"):
        check_cards(bay, [("vitale", c2s)])
    bay.emulated = lambda slot: False  # type: ignore[method-assign]  # as with a physical reader
    with pytest.raises(CardMismatch, match="seules les cartes de test"):
        check_cards(bay, [("vitale", real)])
    assert check_cards(bay, [("vitale", real)], allow_real=True).ok


def test_verify_pin_refuses_when_tries_are_low() -> None:
    bay = _bay_with("cps", "cps3-pin-blocked")
    sent: list[bytes] = []
    bay.add_sink(lambda ex: sent.append(ex.command))
    with pytest.raises(PinRefused, match="bloqué"):
        verify_pin(bay, "cps", "6048")
    assert all(len(c) == 4 for c in sent if c[1] == 0x20)  # only the tries query went out
    assert read_cps(bay, "cps").pin_tries_left == 0


# ---------------------------------------------------------------- CLI (no PC/SC needed)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testbench", "cards", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_replay_exports_scriptor_and_rejects_bad_input(tmp_path: Path) -> None:
    rec_path = tmp_path / "r.jsonl"
    bay = _bay_with("vitale", "vitale1-adult")
    rec = Recorder(rec_path, bay.atr("vitale"))
    bay.add_sink(rec)
    read_vitale(bay, "vitale")
    rec.close()
    out = tmp_path / "r.scriptor"
    r = _cli("replay", str(rec_path), "--export-scriptor", str(out))
    assert r.returncode == 0, r.stderr
    assert parse_scriptor(out.read_text())[0][0] == bytes.fromhex("BC B0 02 00 10")  # a Vitale 1's directory
    bad = tmp_path / "bad.xml"
    bad.write_text("<card-profile/>")
    r = _cli("emulate", str(bad), "--duration", "0")
    assert r.returncode == 3 and "bad.xml:1:" in r.stderr
    assert json.loads(rec_path.read_text().splitlines()[0])["format"] == "testbench-apdu-recording"


# ---------------------------------------------------------------- runner-facing helpers


def _casebook_and_case(cards: dict[str, str], reqs: list[tuple[str, str]]):
    from types import SimpleNamespace

    from testbench.casebook.model import CardFixture, CardRequirement

    fixtures = SimpleNamespace(cards={k: CardFixture(k, P / f"{v}.xml") for k, v in cards.items()})
    case = SimpleNamespace(id="C-1", cards=tuple(CardRequirement(slot, card) for slot, card in reqs))
    return SimpleNamespace(fixtures=fixtures), case


def test_case_guard_checks_the_case_requirements() -> None:
    from testbench.cards.guard import GuardReport, case_guard

    casebook, case = _casebook_and_case(
        {"v-ald": "vitale2-ald", "ps": "cps3-psad-lpp"}, [("vitale", "v-ald"), ("cps", "ps")]
    )
    bay = InProcessBay()
    bay.present("vitale", P / "vitale2-ald.xml")
    bay.present("cps", P / "cps3-psad-lpp.xml")
    guard = case_guard()
    report = guard(bay, casebook, case)
    assert isinstance(report, GuardReport) and report.ok and len(report.checks) == 2
    bay.present("vitale", P / "vitale2-c2s.xml")  # the operator put the wrong card in
    with pytest.raises(CardMismatch, match="« vitale2-c2s »"):
        guard(bay, casebook, case)


def test_verify_test_pin_results_never_hold_the_pin() -> None:
    from testbench.cards.api import CardError
    from testbench.cards.pin import verify_test_pin
    from testbench.domain.refusal import EngineRefusal

    bay = _bay_with("cps", "cps3-psad-lpp")
    result = verify_test_pin(bay, "cps")
    assert result == {"status": "verified", "verified": True, "sent": True, "tries_before": 3, "tries_left": 3}
    again = {"status": "verified", "verified": True, "sent": False, "tries_before": None, "tries_left": None}
    assert verify_test_pin(bay, "cps") == again
    blocked = _bay_with("cps", "cps3-pin-blocked")
    sent: list[bytes] = []
    blocked.add_sink(lambda ex: sent.append(ex.command))
    with pytest.raises(EngineRefusal) as exc:
        verify_test_pin(blocked, "cps")
    assert exc.value.code == "PIN_BLOCKED" and exc.value.details == {"tries_before": 0, "sent": False}
    assert all(len(c) == 4 for c in sent)  # only the tries query went out, never a PIN
    with pytest.raises(CardError, match="aucun code porteur"):
        verify_test_pin(_bay_with("vitale", "vitale2-c2s"), "vitale")  # a Vitale has no test PIN


def test_verify_test_pin_wrong_pin_and_low_tries() -> None:
    from dataclasses import replace

    from testbench.cards.pin import verify_test_pin
    from testbench.cards.profile import Pin
    from testbench.domain.refusal import EngineRefusal

    good = load_profile(P / "cps4-nurse.xml")
    wrong = replace(good, pin=Pin("0000", 3, 3))  # the card holds the real PIN, the profile a wrong one
    bay = InProcessBay()
    bay.present("cps", good)
    bay.profiles["cps"] = wrong
    with pytest.raises(EngineRefusal) as exc:
        verify_test_pin(bay, "cps")
    assert exc.value.code == "PIN_WRONG" and exc.value.details["tries_after"] == 2
    with pytest.raises(EngineRefusal):
        verify_test_pin(bay, "cps")  # 2 left: still tried (min_tries=2)
    with pytest.raises(EngineRefusal) as low:
        verify_test_pin(bay, "cps")  # 1 left: not sent
    assert low.value.code == "PIN_TRIES_LOW" and low.value.details == {"tries_before": 1, "sent": False}


def test_bays_module_and_apdu_sink_keyword() -> None:
    from testbench.cards import bays

    seen = []
    bay = bays.InProcessBay(apdu_sink=seen.append)
    bay.present("vitale", P / "vitale2-c2s.xml")
    read_vitale(bay, "vitale")
    assert seen and all(ex.slot == "vitale" for ex in seen)
    problem = bays.pcsc_problem({"x": bays.ReaderSpec("No Such Reader 99")})
    assert problem is not None  # either no PC/SC service or that reader is absent


def test_reader_map_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from testbench.cards.reader_pools import (
        DEFAULT_READERS,
        ReaderConfigError,
        ReaderSpec,
        default_readers,
        parse_reader_map,
    )

    assert parse_reader_map("vitale=Virtual PCD B 00 00@36000, cps=Lecteur physique 00 00") == {
        "vitale": ReaderSpec("Virtual PCD B 00 00", 36000),
        "cps": ReaderSpec("Lecteur physique 00 00", 0),
    }
    monkeypatch.delenv("TESTBENCH_CARD_READERS", raising=False)
    assert default_readers() == DEFAULT_READERS
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "vitale=V 00 00@2,cps=X 00 00@1")
    assert default_readers() == {"vitale": ReaderSpec("V 00 00", 2), "cps": ReaderSpec("X 00 00", 1)}
    monkeypatch.setenv("TESTBENCH_CARD_READERS", "cps=X 00 00@1")  # each slot needs its reader
    with pytest.raises(ReaderConfigError, match="aucun lecteur pour l'emplacement « vitale »"):
        default_readers()
