"""A vpcd reader number past the readers pcscd was given (audit s26-cards, E5): ``cards emulate --reader 99`` blamed
pcscd (« le service pcscd tourne-t-il … ? ») although it ran with 8 readers. The sentence now names the number, the
port and the readers pcscd has (:func:`testbench.cards.pcsc_errors.vpcd_unreachable`)."""

from __future__ import annotations

import pytest

from testbench.cards import pcsc_errors
from testbench.cards.pcsc_errors import vpcd_unreachable
from testbench.cards.reader_pools import DEFAULT_READERS, vpcd_name, vpcd_number, vpcd_port
from testbench.i18n import english

REFUSED = ConnectionRefusedError(111, "Connection refused")


def test_reader_numbers_follow_pcscd_sh() -> None:
    """0 and 1 are pcscd's default entry, 2… the entries ``scripts/pcscd.sh --readers N`` adds, two ports each."""
    assert [vpcd_port(n) for n in (0, 1, 2, 3, 4, 99)] == [35963, 35964, 36000, 36001, 36002, 36097]
    assert [vpcd_number(vpcd_port(n)) for n in range(20)] == list(range(20))
    assert vpcd_number(35965) is None and vpcd_number(80) is None
    assert vpcd_name(0) == DEFAULT_READERS["vitale"].name and vpcd_name(1) == DEFAULT_READERS["cps"].name
    assert vpcd_name(4) == "Virtual PCD C 00 00" and vpcd_name(5) == "Virtual PCD C 00 01"
    assert vpcd_name(16) is None  # pcscd.sh has entries B to H


def test_a_number_past_pcscds_readers_is_said_without_blaming_pcscd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc_errors, "vpcd_reader_count", lambda: 8)
    said = vpcd_unreachable(36097, REFUSED)
    assert said == "pas de lecteur virtuel numéro 99, port 36097 (lecteurs 0 à 7)"
    assert english(said) == "no virtual reader number 99, port 36097 (readers 0 to 7)"
    said = vpcd_unreachable(35970, REFUSED)
    assert said == "pas de lecteur virtuel sur le port 35970 (lecteurs 0 à 7 : --reader N donne leur port)"
    assert english(said) == "no virtual reader on port 35970 (readers 0 to 7: --reader N gives their port)"


def test_one_of_pcscds_readers_or_no_pcscd_keeps_the_usual_causes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc_errors, "vpcd_reader_count", lambda: 8)
    usual = "le lecteur virtuel vpcd ne répond pas sur le port 36005 (connexion refusée) : le service pcscd tourne-t-il"
    assert vpcd_unreachable(36005, REFUSED).startswith(usual)
    monkeypatch.setattr(pcsc_errors, "vpcd_reader_count", lambda: 0)  # pcscd does not answer
    assert "le service pcscd tourne-t-il" in vpcd_unreachable(36097, REFUSED)


@pytest.mark.integration
def test_the_count_is_the_readers_pcscd_lists(pcsc_stack: list[str]) -> None:
    """Read from pcscd itself (no card, no port taken): the numbered readers it lists, in a row from 0."""
    count = pcsc_errors.vpcd_reader_count()
    assert count >= 2 and all(vpcd_name(n) in pcsc_stack for n in range(count)), (count, pcsc_stack)
    assert vpcd_name(count) not in pcsc_stack
