"""Audit s37, redaction of dumps: a known value a dump written packed cuts over three lines or more (4 or 8 bytes a
line) is masked on every line; a word a line break cuts right after a known one-word name (« ESSAI » then « S »: the
word ESSAIS) is not taken for the name; a known birth date in BCD with a two-digit year (3 bytes) is masked in a
card's answer, and only there."""

from __future__ import annotations

from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues

NIR, BIRTH, RPPS = "180019999900168", "1980-01-15", "89990000013"
DATA = f"X {NIR} ESSAI PAUL 15/01/1980 {RPPS} 999000011".encode()


def scrub(lines: list[str], channel: str = "app") -> list[str]:
    known = KnownValues()
    known.add("nir", NIR)
    known.add("birth_date", BIRTH)
    known.add("rpps", RPPS)
    known.add_card_fields({"name": "ESSAI", "first_name": "PAUL"})
    return Scrubber(True, known).trace_lines([(channel, line) for line in lines])


def packed(width: int, head: str = "") -> list[str]:
    hexed = DATA.hex().upper()
    return [f"{head}{hexed[i : i + 2 * width]}" for i in range(0, len(hexed), 2 * width)]


def _spans() -> list[tuple[int, int]]:
    """Where the known values stand in DATA (the birth date as written there)."""
    return [(DATA.index(v.encode()), DATA.index(v.encode()) + len(v)) for v in (NIR, "ESSAI PAUL", "15/01/1980", RPPS)]


def test_a_packed_dump_of_4_or_8_bytes_a_line_is_masked_on_every_line_a_value_spans() -> None:
    for width in (4, 6, 8):
        lines = packed(width)
        out = scrub(lines)
        for n, (line, masked) in enumerate(zip(lines, out, strict=True)):
            lo, hi = n * width, n * width + len(line) // 2
            if any(start <= lo and hi <= end for start, end in _spans()):  # wholly inside a value: its marker alone
                assert masked.startswith("‹") and masked.endswith("›") and masked.count("‹") == 1, (width, n, out)
            elif any(lo < end and start < hi for start, end in _spans()):
                assert masked != line, (width, n, out)
            else:
                assert masked == line, (width, n, out)
    out = scrub(packed(4))
    assert out[1:4] == ["‹NIR masqué, 4 octets›"] * 3, out


def test_a_packed_dump_after_a_timestamp_and_a_level() -> None:
    out = scrub(packed(4, "2026-12-07 10:00:01.122 DEBUG "))
    assert out[2] == "2026-12-07 10:00:01.122 DEBUG ‹NIR masqué, 4 octets›", out
    assert out[8] == "2026-12-07 10:00:01.122 DEBUG ‹date de naissance masquée, 4 octets›", out


def test_packed_lines_without_a_known_value_are_kept() -> None:
    lines = [f"{(b'no personal data here, just bytes ' * 2)[i : i + 4].hex()}" for i in range(0, 64, 4)]
    assert scrub(lines) == lines


def test_a_word_cut_after_a_known_name_is_not_the_name() -> None:
    kept = [
        ["Resultat des ESSAI", "S de lecture"],
        ["Resultat des Essai", "s de lecture"],
        ["0000: 52 65 73 75 6C 74 61 74 20 45 53 53 41 49", "000e: 53 20 6F 6B"],
        ["00000000  20 64 65 73 20 45 53 53 41 49  | des ESSAI|", "0000000a  53 20 6f 6b  |S ok|"],
        ["526573756C746174204553534149", "53206F6B"],
    ]
    for lines in kept:
        assert scrub(lines) == lines


def test_a_known_name_at_a_line_s_end_is_still_masked() -> None:
    assert scrub(["Resultat des ESSAI", "de lecture"]) == ["Resultat des ‹NOM›", "de lecture"]
    assert scrub(["Resultat des ESSAI", " S"])[0] == "Resultat des ‹NOM›"  # a space: another word
    assert scrub(["Patient Essai", "s'est présenté"])[0] == "Patient ‹NOM›"  # another message
    # a card's field: its length byte before the name, the next field's tag after it (« J », Latin-1's « Â »)
    for tag in ("4A", "C2"):
        out = scrub(["0000: 65 0C 80 05 45 53 53 41 49", f"0009: {tag} 03 41 42 43 90 00"])
        assert out[0] == "0000: 65 0C 80 05 ‹nom masqué, 5 octets›", out
    assert scrub(["Patient PAUL ES", "SAI, facture 12"]) == ["Patient ‹NOM›", "‹NOM›, facture 12"]


def test_a_birth_date_on_three_bcd_bytes_in_a_card_s_answer() -> None:
    date = "‹date de naissance masquée, 3 octets›"
    answers = {
        "R-APDU: 65 0A 80 01 15 41 42 90 00": f"R-APDU: 65 0A {date} 41 42 90 00",
        "<< 65 0A 15 01 80 41 42 90 00": f"<< 65 0A {date} 41 42 90 00",
        "réponse 650A8001154142 9000": f"réponse 650A {date} 4142 9000",
        "A>> 00 B0 82 00 00 A<< 6F 05 15 01 80 41 42 90 00": f"A>> 00 B0 82 00 00 A<< 6F 05 {date} 41 42 90 00",
    }
    for line, expected in answers.items():
        assert scrub([f"2026-12-07 10:00:01 DEBUG {line}"]) == [f"2026-12-07 10:00:01 DEBUG {expected}"]


def test_three_bytes_outside_a_card_s_answer_are_kept() -> None:
    kept = [
        "2026-12-07 10:00:01 DEBUG >> 00 B0 80 01 15",  # a command: P1 P2 and Le
        "2026-12-07 10:00:01 DEBUG dump 65 0A 80 01 15 41 42",  # no direction: three bytes are no evidence
        "<< 9000 lot 800115",  # a number, not bytes
        "<< 65 0A 80 01 16 41 42 90 00",  # another date
    ]
    assert scrub(kept) == kept
