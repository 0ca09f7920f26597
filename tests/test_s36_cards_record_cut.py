"""Audit s36: ``cards record`` of a card pulled out (or fallen silent) in the middle of its recording.

Before, the recording was written line by line at ``--out``: the command ended « carte retirée ou muette », exit 2,
and left a cut recording there, which replays as a card that stops answering halfway, over the good recording
the file held before. Now ``--out`` is written once the recording is whole: a cut one writes nothing and says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.cards.inprocess import CardTransport, Fault
from testbench.cards.link import Link, SingleChannel
from testbench.cards.profile import load_profile
from testbench.cards.virtual import build_card
from testbench.cli import cards_cmd
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR

PULLED_AFTER = 4  # the card's commands answered before it goes: the public read needs more


def _pulled_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test Vitale in a reader of this process, pulled out after :data:`PULLED_AFTER` commands of the recording
    (the nature read that comes first is not counted)."""
    transport = CardTransport("Lecteur de test", build_card(load_profile(CARD_PROFILES_DIR / "vitale2-family.xml")))
    monkeypatch.setattr(cards_cmd, "_reader_with_card", lambda reader: "Lecteur de test")

    def channel(reader: str | None, sinks: list, beside: bool = False) -> SingleChannel:
        return SingleChannel(Link(transport, "probe", sinks))

    monkeypatch.setattr(cards_cmd, "_open_channel", channel)
    real_nature = cards_cmd._nature

    def nature_then_fault(ch: object, atr: bytes) -> str:
        nature = real_nature(ch, atr)
        transport.count, transport.fault = 0, Fault("pull", after=PULLED_AFTER)
        return nature

    monkeypatch.setattr(cards_cmd, "_nature", nature_then_fault)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_card_pulled_midway_leaves_the_earlier_recording_as_it_was(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "famille.jsonl"
    out.write_text("earlier recording\n", encoding="utf-8")
    _pulled_midway(monkeypatch)
    assert main(["cards", "record", "--out", str(out), "--lang", lang]) == 2
    assert out.read_text(encoding="utf-8") == "earlier recording\n"
    assert [p.name for p in tmp_path.iterdir()] == ["famille.jsonl"]  # no temporary file left beside it
    err = capsys.readouterr().err
    said = {
        "fr": f"{out} : rien n'a été écrit ; l'enregistrement s'est arrêté après {PULLED_AFTER} échanges",
        "en": f"{out}: nothing was written; the recording stopped after {PULLED_AFTER} exchanges",
    }[lang]
    assert said in err, err


def test_a_card_pulled_midway_writes_no_new_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _pulled_midway(monkeypatch)
    assert main(["cards", "record", "--out", str(tmp_path / "r.jsonl")]) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_whole_recording_is_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from testbench.cards.record import load_recording

    card = build_card(load_profile(CARD_PROFILES_DIR / "vitale2-family.xml"))
    monkeypatch.setattr(cards_cmd, "_reader_with_card", lambda reader: "Lecteur de test")
    monkeypatch.setattr(
        cards_cmd,
        "_open_channel",
        lambda reader, sinks, beside=False: SingleChannel(Link(CardTransport(reader, card), "probe", sinks)),
    )
    out = tmp_path / "r.jsonl"
    out.write_text("earlier recording\n", encoding="utf-8")
    assert main(["cards", "record", "--out", str(out)]) == 0
    header, exchanges = load_recording(out)
    assert header["atr"] == "3B751300004409EA9000" and len(exchanges) > PULLED_AFTER
