"""A known number a wrapped message's line break cut is masked on both lines when the message's next line is indented
too (a logger that indents a message's continuation lines, a space or a tab), its indentation kept; an indented time
or a dump's offset there is no number's end, and ordinary indented amounts stay."""

from __future__ import annotations

import pytest

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues


def _scrubbed(*texts: str) -> list[str]:
    known = KnownValues()
    known.add("nir", "180019999900168")
    return Scrubber(True, known).trace_lines([("app", text) for text in texts])


@pytest.mark.parametrize("indent", ["    ", "\t", " "])
def test_an_indented_continuation_is_masked(indent: str) -> None:
    out = _scrubbed("assuré NIR 1 80 01 99", f"{indent}999 001 68 lu")
    assert out == ["assuré NIR ‹NIR›", f"{indent}‹NIR› lu"]


def test_indented_ordinary_lines_stay() -> None:
    texts = ("total 1 80 01 99", "    10:00:01 999 001 68 EUR", "montant 1800199", "\t12,50 EUR")
    assert _scrubbed(*texts) == list(texts)
