"""A dump line's head may be a log's French timestamp (« 07/12/2026 20:23:43,520 », the format the bench's own demo
application writes its log in), a level written « [INFO ] » (padded) or a level alone, then a logger's name (« card: »,
« CARD »): the line still reads as a dump's continuation, and a known value its line break cut is masked on both lines
(audit s35: birth date and RPPS were left readable across the breaks)."""

from __future__ import annotations

import pytest

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues

NIR, BIRTH, RPPS = "180019999900168", "1980-01-15", "89990000013"
DATA = f"{NIR} ESSAI PAUL 15/01/1980 {RPPS} 999000011".encode()


def scrub(lines: list[str]) -> list[str]:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("birth_date", BIRTH)
    known.add("rpps", RPPS)
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return Scrubber(True, known).trace_lines([("app", line) for line in lines])


@pytest.mark.parametrize(
    "head",
    [
        "07/12/2026 20:23:43,520 [DEBUG] ",
        "07/12/2026 20:23:43,520 [INFO ] ",
        "07/12/2026 20:23:43,520 [DEBUG] CARD ",
        "2026-12-07T20:23:43.520Z DEBUG card: ",
        "[DEBUG] CARD ",
        "DEBUG dump2 ",
    ],
)
@pytest.mark.parametrize("offset", [True, False], ids=["offset", "no-offset"])
def test_a_dump_behind_a_log_s_head_is_joined_across_its_breaks(head: str, offset: bool) -> None:
    lines = [
        head + (f"{i:04X}: " if offset else "") + DATA[i : i + 16].hex(" ").upper() for i in range(0, len(DATA), 16)
    ]
    out = scrub(lines)
    assert all(line.startswith(head) for line in out), out
    assert out[1].endswith("‹nom masqué, 10 octets› 20 ‹date de naissance masquée, 5 octets›"), out
    assert "‹date de naissance masquée, 5 octets› 20 ‹RPPS masqué, 10 octets›" in out[2], out
    assert "‹RPPS masqué, 1 octet› 20" in out[3], out

