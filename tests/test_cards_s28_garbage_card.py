"""Audit s28: a card that answers 9000 with contents that do not decode (a truncated TLV, random bytes).

Before, the decoder's TlvError escaped: ``cards probe`` ended in « erreur interne de testbench » and the guard
did not refuse the card as unreadable. Now it is a CardReadError: probe says « contenu mal formé » (exit 2), the
guard refuses the card « lecture de la carte impossible : … ». Through the real pcscd + vpcd for probe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.cards.guard import check_card
from testbench.cards.inprocess import InProcessBay
from testbench.cards.profile import load_profile
from testbench.cards.virtual import build_card
from testbench.paths import CARD_PROFILES_DIR as P

FAMILY = P / "vitale2-family.xml"


class _Garbled:
    """The family card, each response with data cut to a quarter (``trunc``) or made of a bad length (``junk``)."""

    def __init__(self, kind: str) -> None:
        self._card = build_card(load_profile(FAMILY))
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        return getattr(self._card, name)

    def process(self, apdu: bytes) -> bytes:
        rsp = self._card.process(apdu)
        data, sw = rsp[:-2], rsp[-2:]
        if not data:
            return rsp
        return (data[: len(data) // 4] if self._kind == "trunc" else b"\x65\x85" + b"\x80" * len(data)) + sw


@pytest.mark.parametrize("kind", ["trunc", "junk"])
def test_guard_refuses_a_card_whose_contents_do_not_decode(kind: str) -> None:
    bay = InProcessBay()
    bay.insert_card("vitale", _Garbled(kind))
    check = check_card(bay, "vitale", load_profile(FAMILY))
    assert not check.ok
    assert any("lecture de la carte impossible : lecture carte Vitale : contenu mal formé" in p for p in check.problems)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_probe_says_a_garbled_card_is_malformed_through_pcscd(vpcd_lock: list[str], lang: str) -> None:
    from testbench.cards.pcsc import wait_for
    from testbench.cards.vpcd import VirtualICC

    icc = VirtualICC(_Garbled("trunc"), 35963)
    icc.insert(5.0)
    try:
        wait_for("Virtual PCD 00 00", True, 5.0)
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", "probe", "--lang", lang, "--reader", "Virtual PCD 00 00"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        icc.remove()
        wait_for("Virtual PCD 00 00", False, 5.0)
    said = "contenu mal formé" if lang == "fr" else "malformed contents"
    assert proc.returncode == 2, proc.stderr
    assert said in proc.stderr and "Traceback" not in proc.stderr
    assert "erreur interne" not in proc.stderr and "internal error" not in proc.stderr


def test_record_keeps_a_garbled_cards_answers_when_real_cards_are_allowed(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    """Recording a faulty card is how one shows it: its answers are written, the malformed contents said (exit 0).
    Without --allow-real-cards its nature cannot be read, so it is not proven a test card: refused, nothing written."""
    from testbench.cards.pcsc import wait_for
    from testbench.cards.record import load_recording
    from testbench.cards.vpcd import VirtualICC

    icc = VirtualICC(_Garbled("trunc"), 35963)
    icc.insert(5.0)
    try:
        wait_for("Virtual PCD 00 00", True, 5.0)

        def record(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
            argv = [sys.executable, "-m", "testbench", "cards", "record", "--reader", "Virtual PCD 00 00"]
            return subprocess.run([*argv, "--out", str(out), *extra], capture_output=True, text=True, timeout=60)

        refused = record(tmp_path / "refused.jsonl")
        kept = record(tmp_path / "kept.jsonl", "--allow-real-cards")
    finally:
        icc.remove()
        wait_for("Virtual PCD 00 00", False, 5.0)
    assert refused.returncode == 2 and "contenu mal formé" in refused.stderr
    assert not (tmp_path / "refused.jsonl").exists()
    assert kept.returncode == 0, kept.stderr
    assert "contenu mal formé (réponses enregistrées telles quelles)" in kept.stderr
    _, exchanges = load_recording(tmp_path / "kept.jsonl")
    assert len(exchanges) >= 4


class _GarbledVitale1:
    """The Vitale 1, its directory pointing past what READ BINARY can address (FFF0h, 256 bytes)."""

    def __init__(self) -> None:
        self._card = build_card(load_profile(P / "vitale1-adult.xml"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._card, name)

    def process(self, apdu: bytes) -> bytes:
        if apdu[:4] == bytes.fromhex("BCB00200"):
            return bytes.fromhex("FFF00100" * 4) + b"\x90\x00"
        if apdu[:2] == bytes.fromhex("BCB0"):
            return b"\x00" * apdu[4] + b"\x90\x00"
        return self._card.process(apdu)


def test_a_vitale1_whose_directory_points_past_its_addresses_is_refused_not_a_crash(vpcd_lock: list[str]) -> None:
    bay = InProcessBay()
    bay.insert_card("vitale", _GarbledVitale1())
    check = check_card(bay, "vitale", load_profile(P / "vitale1-adult.xml"))
    assert not check.ok and any("répertoire Vitale 1 (0200h) : contenu mal formé" in p for p in check.problems)

    from testbench.cards.pcsc import wait_for
    from testbench.cards.vpcd import VirtualICC

    icc = VirtualICC(_GarbledVitale1(), 35963)
    icc.insert(5.0)
    try:
        wait_for("Virtual PCD 00 00", True, 5.0)
        argv = [sys.executable, "-m", "testbench", "cards", "probe", "--lang", "en", "--reader", "Virtual PCD 00 00"]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    finally:
        icc.remove()
        wait_for("Virtual PCD 00 00", False, 5.0)
    assert proc.returncode == 2, proc.stderr
    assert "reading the Vitale 1 directory (0200h): malformed contents" in proc.stderr
