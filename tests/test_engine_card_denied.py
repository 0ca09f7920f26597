"""An external engine that says « no card » (``NO_CARD``, error -32001) for a card the bench holds in its reader
and reads is failing, not the environment (engine audit H): in ``cards.mode = client`` the bench relays every
APDU, so it knows the card was there. The card really absent, or the bench's reader failing during the call,
stays the environment's (the refusal or card error stands: inconclusive, or the refusal a case expects)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.cards.api import CardAbsent, CardUnavailable
from testbench.domain.refusal import EngineRefusal
from testbench.domain.verdict import Verdict
from testbench.engines.api import EngineCardDenied
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english
from testbench.runner.blame import engine_fault

ENGINE = Path(__file__).parent / "data" / "engines" / "audit_engine.py"
ATR = bytes.fromhex("3B8F8001")


class Reader:
    """The bench's reader of slot « vitale »: a card in it or not, the reader working or not."""

    def __init__(self, card: bool = True, broken: bool = False) -> None:
        self.card, self.broken = card, broken

    def atr(self, slot: str) -> bytes:
        if self.broken:
            raise CardUnavailable(f"lecteur {slot} muet")
        if not self.card:
            raise CardAbsent(f"aucune carte dans le lecteur {slot}")
        return ATR

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        return b"", 0x9000


def _read(mode: str, reader: Reader | None, cards: str = "client") -> Exception:
    engine = SubprocessEngine([sys.executable, str(ENGINE), mode], timeout=20, bay=reader, cards={"mode": cards})
    try:
        with pytest.raises(Exception) as failed:
            engine.read_vitale("vitale")
    finally:
        engine.close()
    return failed.value


@pytest.mark.parametrize("mode", ["no-card", "card-unavailable"])
def test_no_card_for_a_card_the_bench_holds_and_reads_is_the_engines_failure(mode: str) -> None:
    denied = _read(mode, Reader())
    assert isinstance(denied, EngineCardDenied)
    reason = str(denied)
    assert reason.startswith(
        "read_vitale : la carte de l'emplacement « vitale » était dans le lecteur du banc et répondait, mais le"
        " moteur la dit absente ou inutilisable : "
    )
    assert english(reason).startswith(
        "read_vitale: the card of slot “vitale” was in the bench's reader and answering, yet the engine says it is"
        " missing or unusable: "
    )
    blamed = engine_fault(denied, product=True)
    assert blamed.verdict is Verdict.FAIL
    assert blamed.reason.startswith("défaut du moteur (carte présente déclarée absente) : read_vitale : ")
    assert english(blamed.reason).startswith("engine defect (card present, reported missing): read_vitale: ")


@pytest.mark.parametrize("mode", ["no-card", "no-card-unasked"])
def test_no_card_stands_when_the_card_is_absent_or_the_benchs_reader_failed(mode: str) -> None:
    assert isinstance(_read(mode, Reader(card=False)), EngineRefusal)  # a case that removed the card expects it
    assert isinstance(_read(mode, Reader(broken=True)), EngineRefusal)  # the runner: inconclusive, as before
    assert isinstance(_read(mode, None), EngineRefusal)  # no reader on the bench's side


def test_a_card_error_stands_when_the_bench_relayed_one_or_does_not_relay() -> None:
    assert type(_read("card-unavailable", Reader(broken=True))) is CardUnavailable
    assert type(_read("card-unavailable", Reader(), cards="pcsc")) is CardUnavailable  # it reads the card itself


@pytest.mark.parametrize("mode", ["no-card-unasked", "card-unavailable-unasked"])
def test_an_engine_that_never_asked_for_the_card_keeps_its_answer(mode: str) -> None:
    """One that reads no card (the conformance kit warns of it): nothing shows it was handed the card."""
    assert isinstance(_read(mode, Reader()), EngineRefusal | CardUnavailable)
