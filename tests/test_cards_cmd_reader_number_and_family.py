"""``testbench cards`` (audit s26-cards, E5 and E6), to add with cards_cmd.patch: ``cards emulate --reader N`` past
the readers pcscd was given names the number and the readers (it blamed pcscd), and ``cards record`` refusing a real
CPS says what a CPS holds (it said NIR and birth date)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cards_real_card_probe_record import REAL_CPS, REAL_VITALE, _present

from testbench.cards import pcsc_errors
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR as P


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_emulate_on_a_reader_number_pcscd_does_not_have(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    monkeypatch.setattr(pcsc_errors, "vpcd_reader_count", lambda: 8)  # pcscd.sh start --readers 8
    args = ["cards", "emulate", str(P / "vitale2-c2s.xml"), "--reader", "99", "--duration", "0", "--lang", lang]
    assert main(args) == 2
    err = capsys.readouterr().err
    said = {
        "fr": "testbench cards : pas de lecteur virtuel numéro 99, port 36097 (lecteurs 0 à 7)\n",
        "en": "testbench cards: no virtual reader number 99, port 36097 (readers 0 to 7)\n",
    }[lang]
    assert err == said, err


@pytest.mark.parametrize(("profile", "holds"), [(REAL_CPS, "(RPPS, nom, FINESS"), (REAL_VITALE, "(NIR, nom, date")])
def test_record_says_what_the_refused_card_holds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, profile: Path, holds: str
) -> None:
    _present(monkeypatch, profile)
    assert main(["cards", "record", "--out", str(tmp_path / "rec.jsonl")]) == 3
    err = capsys.readouterr().err
    assert f"Carte réelle refusée : son enregistrement contiendrait l'identité de son porteur {holds}" in err, err
