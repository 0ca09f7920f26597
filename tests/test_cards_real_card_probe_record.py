"""Audit s25 (7, 8): ``cards probe`` and ``cards record`` of a card that is not a test card (nature R or D).

probe withholds its holder (NIR, names, birth date; a CPS's RPPS and situations), in text and in JSON, and says
why; record refuses it before any file is written. ``--allow-real-cards`` (the option ``run`` uses) lets both
through. A test card is shown and recorded as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testbench.cards.inprocess import CardTransport
from testbench.cards.link import Link, SingleChannel
from testbench.cards.profile import load_profile
from testbench.cards.virtual import build_card
from testbench.cli import cards_cmd
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR

REAL_VITALE = CARD_PROFILES_DIR / "vitale2-real-nature.xml"
REAL_CPS = CARD_PROFILES_DIR / "cps3-real-nature.xml"
TEST_VITALE = CARD_PROFILES_DIR / "vitale2-adult-standard.xml"


def _present(monkeypatch: pytest.MonkeyPatch, profile: Path) -> Any:
    """The profile's card in a reader of this process, as ``cards`` commands open one."""
    card = build_card(load_profile(profile))
    monkeypatch.setattr(cards_cmd, "_reader_with_card", lambda reader: "Lecteur de test")
    monkeypatch.setattr(
        cards_cmd,
        "_open_channel",
        lambda reader, sinks, beside=False: SingleChannel(Link(CardTransport(reader, card), "probe", sinks)),
    )
    return load_profile(profile)


def _holder_values(profile: Any) -> list[str]:
    if profile.kind.startswith("vitale"):
        b = profile.beneficiaries[0]
        return [b.name, b.first_name, b.nir, str(b.birth_date)]
    pro = profile.professional
    return [pro.name, pro.first_name, pro.rpps, *(s.finess for s in profile.situations)]


@pytest.mark.parametrize("profile", [REAL_VITALE, REAL_CPS])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_probe_withholds_a_real_cards_holder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], profile: Path, lang: str
) -> None:
    card = _present(monkeypatch, profile)
    assert main(["cards", "probe", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert not [v for v in _holder_values(card) if v and v in out], out
    said = "Identité du porteur non affichée" if lang == "fr" else "not shown"
    assert said in out and "--allow-real-cards" in out


def test_probe_json_withholds_a_real_cards_holder_and_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _present(monkeypatch, REAL_VITALE)
    assert main(["cards", "probe", "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["nature"] == "R" and data["nir"] is None and data["beneficiaries"][0]["name"] is None
    assert not [v for v in _holder_values(card) if v and v in captured.out]
    assert "carte réelle, pas une carte de test" in captured.err


def test_probe_shows_a_real_card_when_allowed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _present(monkeypatch, REAL_VITALE)
    assert main(["cards", "probe", "--allow-real-cards"]) == 0
    assert card.beneficiaries[0].name in capsys.readouterr().out


def test_probe_shows_a_test_card(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    card = _present(monkeypatch, TEST_VITALE)
    assert main(["cards", "probe"]) == 0
    out = capsys.readouterr().out
    assert card.beneficiaries[0].name in out and "non affichée" not in out


@pytest.mark.parametrize("profile", [REAL_VITALE, REAL_CPS])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_record_refuses_a_real_card_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, profile: Path, lang: str
) -> None:
    _present(monkeypatch, profile)
    out = tmp_path / "rec.jsonl"
    assert main(["cards", "record", "--out", str(out), "--lang", lang]) == 3
    err = capsys.readouterr().err
    assert not out.exists()
    said = "Carte réelle refusée" if lang == "fr" else "Real card refused"
    assert said in err and "--allow-real-cards" in err and "Traceback" not in err


def test_record_takes_a_real_card_when_allowed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _present(monkeypatch, REAL_VITALE)
    out = tmp_path / "rec.jsonl"
    assert main(["cards", "record", "--out", str(out), "--allow-real-cards"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) > 1


def test_record_takes_a_test_card(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _present(monkeypatch, TEST_VITALE)
    out = tmp_path / "rec.jsonl"
    assert main(["cards", "record", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) > 1
