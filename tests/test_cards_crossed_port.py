"""A reader given with another reader's vpcd port (card-reader audit, item 2).

The card put on the port shows in the other reader; the wait for it in the reader asked for ends. The sentence
says how long in words a person reads (« 1,5 s », "1.5 s"; it said « 0.979274 s », the last try's budget) and,
as the bay can see where the card went, that the port is the other reader's. Through the command line too.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards.api import CardUnavailable
from testbench.cards.pcsc import wait_for
from testbench.cards.reader_pools import DEFAULT_READERS, SPARE_ENTRIES, ReaderSpec
from testbench.fmt import seconds
from testbench.i18n import translator
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR

RAW_FLOAT = re.compile(r"\d\.\d{3,}|\d,\d{3,}")  # Python's repr of a computed time limit


def spare_pair(readers: list[str]) -> tuple[ReaderSpec, ReaderSpec]:
    """The two readers of the last vpcd entry pcscd lists: a run outside the tests (which the tests' file lock
    does not hold back) takes the default two readers first."""
    for letter, port in reversed(SPARE_ENTRIES):
        pair = ReaderSpec(f"Virtual PCD {letter} 00 00", port), ReaderSpec(f"Virtual PCD {letter} 00 01", port + 1)
        if all(spec.name in readers for spec in pair):
            return pair
    return DEFAULT_READERS["vitale"], DEFAULT_READERS["cps"]


def test_a_time_limit_reads_as_a_person_writes_it() -> None:
    shown = [seconds(v, "fr") for v in (30, 30.0, 1.5, 0.979274, 0.25, 300)]
    assert shown == ["30", "30", "1,5", "0,98", "0,25", "300"]
    assert [seconds(v, "en") for v in (30, 1.5, 0.979274)] == ["30", "1.5", "0.98"]


class _NothingChanges:
    """A PC/SC context whose reader never changes state (every wait times out)."""

    def status(self, readers: list[str], timeout_ms: int = 0, known: dict | None = None) -> dict:
        return {}

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("timeout", "waited", "fr", "en"),
    [(0.02, None, "0,02", "0.02"), (0.021234, 1.5, "1,5", "1.5"), (0.0123456, 30.0, "30", "30")],
)
def test_the_wait_for_a_card_says_its_time_limit_in_words(
    timeout: float, waited: float | None, fr: str, en: str
) -> None:
    with pytest.raises(CardUnavailable) as caught:
        wait_for("Lecteur X", True, timeout, ctx=_NothingChanges(), waited=waited)  # type: ignore[arg-type]
    said = str(caught.value)
    assert said == f"délai dépassé ({fr} s) en attendant l'insertion de la carte dans le lecteur « Lecteur X »"
    assert translator("en")(said) == f"timed out ({en} s) waiting for a card in reader “Lecteur X”"


def crossed_sentences(seconds_fr: str, seconds_en: str, port: int, asked: str, fed: str) -> tuple[str, str]:
    return (
        f"délai dépassé ({seconds_fr} s) en attendant l'insertion de la carte dans le lecteur « {asked} » : la carte"
        f" du port vpcd {port} est apparue dans le lecteur « {fed} » ; ce port n'est pas celui du lecteur « {asked} »"
        " (lecteurs et ports croisés dans TESTBENCH_CARD_READERS ?)",
        f"timed out ({seconds_en} s) waiting for a card in reader “{asked}”: the card on vpcd port {port} appeared"
        f" in reader “{fed}”; that port is not reader “{asked}”'s (readers and ports crossed in"
        " TESTBENCH_CARD_READERS?)",
    )


@pytest.mark.integration
def test_a_crossed_reader_and_port_say_that_the_port_is_the_other_readers(vpcd_lock: list[str]) -> None:
    from testbench.cards.bay import PcscBay

    vitale, cps = spare_pair(vpcd_lock)
    crossed = {"vitale": ReaderSpec(vitale.name, cps.port), "cps": ReaderSpec(cps.name, vitale.port)}
    bay = PcscBay(crossed, emulator="thread", insert_timeout=1.5)
    try:
        with pytest.raises(CardUnavailable) as caught:
            bay.present("vitale", CARD_PROFILES_DIR / "vitale2-c2s.xml")
    finally:
        bay.close()
    french, english = crossed_sentences("1,5", "1.5", cps.port, vitale.name, cps.name)
    assert str(caught.value) == french
    assert translator("en")(str(caught.value)) == english


@pytest.mark.integration
def test_testbench_run_with_crossed_readers_says_why_in_each_language(vpcd_lock: list[str], tmp_path: Path) -> None:
    """``TESTBENCH_CARD_READERS`` with the two readers' ports swapped: the case is inconclusive with the sentence
    above (the bay's 5 s), on the terminal in the language asked for; no traceback, no raw number."""
    vitale, cps = spare_pair(vpcd_lock)
    readers = f"vitale={vitale.name}@{cps.port},cps={cps.name}@{vitale.port}"
    for lang in ("fr", "en"):
        proc = subprocess.run(
            [sys.executable, "-m", "testbench", "run", str(CASEBOOKS_DIR / "demo.xml"), "-k", "DEMO-FSE-001",
             "--cards", "pcsc", "--session", str(tmp_path / f"{lang}.tbsession"), "--lang", lang],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**os.environ, "TESTBENCH_CARD_READERS": readers},
        )  # fmt: skip
        out = proc.stdout + proc.stderr
        assert "Traceback" not in out and not RAW_FLOAT.search(out), out
        # the first card the case presents finds the other one's reader (either slot, as the case lists them)
        sentences = [
            crossed_sentences("5", "5", cps.port, vitale.name, cps.name),
            crossed_sentences("5", "5", vitale.port, cps.name, vitale.name),
        ]
        said = [pair[0 if lang == "fr" else 1] for pair in sentences]
        assert any(sentence in out for sentence in said), out
