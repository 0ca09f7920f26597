"""A card that answers a read with an unexpected status word is said with the read step that failed (« lecture
identités (SFI 2) : SW 6A82 … »), recorded in French. Audit: with --lang en the run said « card unavailable: lecture
identités (SFI 2): SW 6A82 (file or application not found) ». Every read step the card layer names has an English
reading, found by the step's template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import testbench.cards
from testbench.cards.read import CardReadError
from testbench.i18n import english

CARDS = Path(testbench.cards.__file__).parent
#: the French step labels the readers give CardReadError (plain or f-strings)
STEP = re.compile(r"""f?"(lecture [^"]*)\"""")


#: what the readers put in those fields
SAMPLE = {"n": "2", "name": "identite", "address": "0234"}


def _filled(label: str) -> str:
    return re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: SAMPLE.get(m.group(1), "x"), label)


def _labels() -> list[str]:
    found = {m.group(1) for source in CARDS.glob("*.py") for m in STEP.finditer(source.read_text(encoding="utf-8"))}
    return sorted(_filled(label) for label in found if "impossible" not in label)  # not the guard's own sentence


def test_the_readers_name_steps() -> None:
    assert len(_labels()) >= 8  # the pattern still finds them


@pytest.mark.parametrize("label", _labels())
def test_each_read_step_reads_in_english(label: str) -> None:
    said = english(f"carte indisponible : {CardReadError(label, 0x6A82)}")
    assert "lecture" not in said and said.startswith("card unavailable: reading"), said
