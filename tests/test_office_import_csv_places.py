"""A CSV document is placed by its file lines: a cell is named at the line its record starts on (a quoted
cell may span lines), a quote left open is said as such at its record's line, and a byte the encoding cannot
read at its line and column — a stray one in a UTF-8 file not taken for Excel's cp1252."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import read_table

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def sample() -> str:
    return (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def refusal(document: Path) -> list[str]:
    with pytest.raises(OfficeError) as raised:
        read_table(document, load_mapping(MAPPING))
    return [problem.text("fr") for problem in raised.value.problems]


def test_a_cell_is_placed_at_the_file_line_of_its_record(tmp_path: Path) -> None:
    text = sample()
    assert "\n" in text[text.index("EX-FSE-001") : text.index("EX-FSE-002")].split(";")[7]  # a cell on two lines
    document = tmp_path / "cahier.csv"
    document.write_text(text, encoding="utf-8-sig")

    table = read_table(document, load_mapping(MAPPING))

    first = {row[0].text: row[0].place for row in table.rows if row[0].text}
    line = line_of(text, "EX-FSE-014")
    assert first["EX-FSE-014"].text() == f"cahier!A{line}"
    assert first["EX-FSE-014"].row < line  # the record's number stays the row the export writes


def test_an_unterminated_quote_is_said_at_its_record_line(tmp_path: Path) -> None:
    text = sample()
    at = text.index("EX-FSE-012;") + len("EX-FSE-012;")
    document = tmp_path / "cahier.csv"
    document.write_text(text[:at] + '"Titre jamais fermé' + text[at:], encoding="utf-8-sig")

    said = refusal(document)

    assert said == [
        f"{document}:{line_of(text, 'EX-FSE-012')}: document CSV illisible : guillemet non fermé ou mal placé dans"
        " cet enregistrement : une cellule entre guillemets se ferme par un guillemet suivi du séparateur ou de la"
        ' fin de ligne (un guillemet dans le texte s\'écrit "")'
    ]


def test_a_quote_open_to_the_end_of_the_file_is_said(tmp_path: Path) -> None:
    text = sample().rstrip("\r\n") + '\nEX-X-1;"jamais fermé\n'
    document = tmp_path / "cahier.csv"
    document.write_text(text, encoding="utf-8-sig")

    said = refusal(document)

    assert said == [
        f"{document}:{text.count(chr(10))}: document CSV illisible : guillemet ouvert dans cet enregistrement"
        " et jamais fermé (la cellule irait jusqu'à la fin du fichier)"
    ]


def test_a_stray_byte_in_a_utf8_file_is_placed_at_its_line_and_column(tmp_path: Path) -> None:
    text = sample()
    document = tmp_path / "cahier.csv"
    raw = text.encode("utf-8-sig")
    spot = raw.index("Lit médical".encode())
    document.write_bytes(raw[:spot] + b"Lit m\xe9dical" + raw[spot + len("Lit médical".encode()) :])
    line = line_of(text, "Lit médical")
    column = len(text.splitlines()[line - 1].partition("Lit médical")[0]) + len("Lit m") + 1

    assert refusal(document) == [
        f"{document}:{line}:{column}: document CSV illisible : octet 0xE9 qui n'est pas de l'utf-8 (un caractère"
        " collé d'un autre document ? retapez-le)"
    ]


def test_a_cp1252_file_still_gets_the_encoding_hint_with_its_place(tmp_path: Path) -> None:
    text = sample()
    document = tmp_path / "cahier.csv"
    document.write_text(text, encoding="cp1252", errors="replace")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if any(ord(c) > 127 for c in row))

    said = refusal(document)

    assert len(said) == 1 and said[0].startswith(f"{document}:{line}:")
    assert said[0].endswith(
        ': document CSV illisible : texte qui n\'est pas en utf-8 (un CSV enregistré par Excel : encoding = "cp1252"'
        " dans la correspondance)"
    )
