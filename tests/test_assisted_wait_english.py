"""An output still incomplete when the wait ended, read back in English: the seconds waited as English writes them.

The bench records its reasons in French (« après 2,5 s d'attente »); read with --lang en, the time waited reads
"2.5 s", as every other recorded time limit does (audit s25, R5): the FSE cut short (assisted mode) and the lot
never closed (assisted mode and ``sut check``).
"""

from __future__ import annotations

from testbench.engines.operator.assisted import OUTPUT_CUT_SHORT
from testbench.extract.complete import OUTPUT_UNCLOSED
from testbench.i18n import english


def test_a_document_cut_short_reads_its_wait_in_english_seconds() -> None:
    said = OUTPUT_CUT_SHORT.format(seconds="2,5", error="/app/out/fse/F.xml:3:9 : XML mal formé à cet endroit")
    assert english(said) == (
        "incomplete output from the software after waiting 2.5 s: /app/out/fse/F.xml:3:9: malformed XML at this place"
    )


def test_a_lot_never_closed_reads_its_wait_in_english_seconds() -> None:
    said = OUTPUT_UNCLOSED.format(closing="999", file="/app/out/lots/L.b2", seconds="1,5")
    assert english(said) == (
        "incomplete output from the software: the closing record “999” is not the last line of /app/out/lots/L.b2"
        " after waiting 1.5 s"
    )
