"""Audit s37, ``testbench cards watch``: a card already in its reader when watching starts is « carte présente », not
« carte insérée » (nobody inserted it), and a watch of every reader sees the readers plugged in and pulled out while
it runs (before, it watched only the readers listed at its start)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from testbench.cards import pcsc
from testbench.cards.bay import PcscBay
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR as P


@pytest.mark.integration
@pytest.mark.parametrize(
    ("lang", "present", "inserted"), [("fr", "carte présente", "insérée"), ("en", "card present", "inserted")]
)
def test_a_card_there_at_the_start_is_present_not_inserted(
    pcsc_bay: PcscBay, capsys: pytest.CaptureFixture[str], lang: str, present: str, inserted: str
) -> None:
    pcsc_bay.present("vitale", P / "vitale2-family.xml")
    reader = pcsc_bay.reader_name("vitale")
    assert main(["cards", "watch", "--reader", reader, "--timeout", "0.3", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert f"{reader}  {present}  Vitale 2  ATR 3B 75" in out, out
    assert inserted not in out, out


class _Readers:
    """A PC/SC context whose readers change while a watch runs (no reader can be plugged into the shared pcscd of
    the tests): each listing gives the next of :attr:`script`, the last one for good."""

    PRESENT = 0x20  # SCARD_STATE_PRESENT
    script: ClassVar[list[list[str]]] = []

    def readers(self) -> list[str]:
        return list(self.script.pop(0) if len(self.script) > 1 else self.script[0])

    def status(
        self, readers: list[str], timeout_ms: int = 0, known: dict[str, int] | None = None
    ) -> dict[str, tuple[int, bytes]]:
        if known is not None:
            threading.Event().wait(timeout_ms / 1000)
            return {}
        vitale = (self.PRESENT, bytes.fromhex("3B 75 13 00 00 44 09 EA 90 00"))
        return {r: vitale if r == "Lecteur B" else (0, b"") for r in readers}

    def __enter__(self) -> _Readers:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.fixture
def changing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(pcsc, "Context", _Readers)
    monkeypatch.setattr(pcsc, "READERS_EVERY", 0.05)
    # the command's check, the watch's start, then a reader with a card plugged in, then the first one pulled out
    monkeypatch.setattr(_Readers, "script", [["Lecteur A"], ["Lecteur A"], ["Lecteur A", "Lecteur B"], ["Lecteur B"]])
    yield


@pytest.mark.parametrize(("lang", "plugged", "card", "unplugged"), [
    ("fr", "Lecteur B  lecteur branché", "Lecteur B  carte présente  Vitale 2", "Lecteur A  lecteur débranché"),
    ("en", "Lecteur B  reader plugged in", "Lecteur B  card present  Vitale 2", "Lecteur A  reader unplugged"),
])  # fmt: skip
def test_readers_plugged_in_and_pulled_out_while_watching(
    changing: None, capsys: pytest.CaptureFixture[str], lang: str, plugged: str, card: str, unplugged: str
) -> None:
    assert main(["cards", "watch", "--timeout", "0.6", "--lang", lang]) == 0
    lines = [line.split("  ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert lines[0] == ("Lecteur A  vide" if lang == "fr" else "Lecteur A  empty"), lines
    assert lines[1] == plugged and lines[2].startswith(card), lines
    assert lines[3] == unplugged, lines
    assert len(lines) == 4, lines


def test_a_watch_of_named_readers_does_not_list_them_again(changing: None) -> None:
    events = list(pcsc.watch(["Lecteur A"], timeout=0.3))  # the listings would plug B in and pull A out
    assert [(e.reader, e.plugged) for e in events] == [("Lecteur A", None)]


def test_a_watch_without_any_reader_says_so_then_waits_for_one(
    changing: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_Readers, "script", [[], [], ["Lecteur B"]])
    assert main(["cards", "watch", "--timeout", "0.4"]) == 0
    said = capsys.readouterr()
    assert "ne voit aucun lecteur" in said.err, said
    lines = [line.split("  ", 1)[1] for line in said.out.splitlines()]
    assert lines[0] == "Lecteur B  lecteur branché" and lines[1].startswith("Lecteur B  carte présente"), lines
