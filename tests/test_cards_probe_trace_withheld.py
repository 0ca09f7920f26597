"""s25 verification (N1): ``cards probe --trace`` of a real card (nature R) printed its holder's name, first name,
birth date and NIR in hex (the card files' responses) right above « Identité du porteur non affichée »; the trace now
masks those fields as exports do (« ‹NIR masqué, 15 octets› »). And the withheld card still shows its rights, as
docs/cards.md says."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cli.main import main
from tests.test_cards_real_card_probe_record import REAL_CPS, REAL_VITALE, TEST_VITALE, _holder_values, _present


def _in_hex(value: str) -> str:
    """A value as the trace writes its bytes (``4D 4F 44 45 4C 45``)."""
    return value.encode("utf-8").hex(" ").upper()


@pytest.mark.parametrize("profile", [REAL_VITALE, REAL_CPS])
def test_the_trace_of_a_real_card_masks_its_holder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile: Path
) -> None:
    card = _present(monkeypatch, profile)
    assert main(["cards", "probe", "--trace"]) == 0
    err = capsys.readouterr().err
    assert "A<< " in err and "masqué" in err
    assert not [v for v in _holder_values(card) if v and len(v) > 2 and _in_hex(v) in err], err


def test_the_trace_of_an_allowed_real_card_or_a_test_card_is_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _present(monkeypatch, REAL_VITALE)
    assert main(["cards", "probe", "--trace", "--allow-real-cards"]) == 0
    assert _in_hex(card.beneficiaries[0].name) in capsys.readouterr().err
    card = _present(monkeypatch, TEST_VITALE)
    assert main(["cards", "probe", "--trace"]) == 0
    err = capsys.readouterr().err
    assert _in_hex(card.beneficiaries[0].name) in err and "masqué" not in err


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_withheld_vitale_card_still_shows_its_rights(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    _present(monkeypatch, REAL_VITALE)
    assert main(["cards", "probe", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert "Régime" in out and "caisse" in out
    assert ("Droits : du" if lang == "fr" else "Rights: from") in out
