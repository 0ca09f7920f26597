"""A known value cut between two lines of a dump written packed (« …2031352F3031 » then « 2F3139383020… »: no separator
between its bytes), or cut inside a byte (« …31393939393 » then « 93930303136… »), is masked on both lines, as in a
spaced dump (audit s35: only spaced dumps were joined across their line breaks)."""

from __future__ import annotations

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues

NIR, BIRTH, RPPS = "180019999900168", "1980-01-15", "89990000013"
DATA = f"{NIR} ESSAI PAUL 15/01/1980 {RPPS} 999000011".encode()


def scrub(lines: list[str], channel: str = "app") -> list[str]:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("birth_date", BIRTH)
    known.add("rpps", RPPS)
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return Scrubber(True, known).trace_lines([(channel, line) for line in lines])


def test_a_packed_dump_of_16_bytes_a_line_is_joined_across_its_breaks() -> None:
    hexed = DATA.hex().upper()
    out = scrub([hexed[i : i + 32] for i in range(0, len(hexed), 32)])
    assert out[1] == "‹nom masqué, 10 octets› 20 ‹date de naissance masquée, 5 octets›", out
    assert out[2] == "‹date de naissance masquée, 5 octets› 20 ‹RPPS masqué, 10 octets›", out
    assert out[3].startswith("‹RPPS masqué, 1 octet› 20"), out


def test_a_value_cut_inside_a_byte_is_masked_on_both_lines() -> None:
    hexed = DATA.hex()
    for cut in (17, 19, 23):  # the NIR's digits cut in the middle of a byte
        lines = [f"stderr : DEBUG glued1 {hexed[:cut]}", f"stderr : DEBUG glued2 {hexed[cut:]}"]
        first, second = scrub(lines, "engine")
        assert first.startswith("stderr : DEBUG glued1 ‹NIR masqué, "), (cut, first)
        assert second.startswith("stderr : DEBUG glued2 ‹NIR masqué, "), (cut, second)
        assert "3139" not in first and not second.removeprefix("stderr : DEBUG glued2 ")[:1].isdigit(), (first, second)


def test_a_packed_line_s_head_after_a_timestamp_and_an_offset() -> None:
    hexed = DATA.hex().upper()
    lines = [f"10:00:01,12{n} DEBUG 00{n}0: {hexed[32 * n : 32 * n + 32]}" for n in range(4)]
    out = scrub(lines)
    assert "31352F3031" not in out[1] and "2F31393830" not in out[2], out
    assert out[2].startswith("10:00:01,122 DEBUG 0020: ‹date de naissance masquée, 5 octets› 20"), out


def test_packed_runs_without_a_known_value_across_the_break_are_kept() -> None:
    kept = [
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90 fin",
        "facture 12345678",
        "20261207 ok",
        # a number in BCD across the break is the text rules' (a known number a message cut), not a dump's bytes
        "dossier 1234561980",
        "0115 ok",
        "lot FACT000123456789",  # glued to a word: an identifier
        "31 ok",
    ]
    assert scrub(kept) == kept
