"""An APDU trace line's duration reads the same in a French and an English report (audit l-f5 7: « 9000 succès
(0.25 ms) » in French beside « 4,2 s »): whole microseconds, as ``cards probe --trace`` writes them, which the
campaign diff still reads as a duration."""

from __future__ import annotations

import re

from testbench.cards.api import ApduExchange
from testbench.i18n import translator
from testbench.report.diff import normalise_line
from testbench.runner.tracing import format_apdu
from testbench.traces.bench_text import trace_text

EXCHANGE = ApduExchange("Lecteur 0", "cps", bytes.fromhex("00A40000023F00"), b"", 0x9000, 250)


def test_the_duration_has_no_decimal_point() -> None:
    line = format_apdu(EXCHANGE)
    assert line == "A>> 00 A4 00 00 02 3F 00  A<< 9000 succès  (250 µs) [cps@Lecteur 0]"
    assert not re.search(r"\d[.,]\d", line)


def test_it_reads_in_english_and_the_diff_still_takes_it_for_a_duration() -> None:
    line = format_apdu(EXCHANGE)
    assert trace_text("apdu", line, translator("en")).endswith("9000 success  (250 µs) [cps@Lecteur 0]")
    assert normalise_line(line).endswith("9000 succès (‹durée›) [cps@Lecteur 0]")  # spaces normalised too
