"""The table readers: merged cells are seen in every format that has them (XLSX, ODS, DOCX, across and down),
and ``case_rows`` gives each case's first row in the document (what the export of results writes into)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import case_rows, read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = load_mapping(EXAMPLES / "cahier-exemple.mapping.toml")


def merged_places(document: Path) -> list[str]:
    table = read_table(document, MAPPING)
    return [cell.place.text("fr") for row in table.rows for cell in row if cell.merged]


def test_the_sample_has_no_merged_cell_among_its_cases_and_its_rows_are_known() -> None:
    for kind in ("xlsx", "ods", "csv", "docx"):
        document = EXAMPLES / f"cahier-exemple.{kind}"
        assert merged_places(document) == [], kind
        rows = case_rows(read_table(document, MAPPING), MAPPING)
        assert rows["EX-FSE-001"] == 5 and rows["EX-FSE-020"] == 13 and rows["EX-CARDS-001"] == 20, kind


def test_word_merges_across_and_down_are_seen(tmp_path: Path) -> None:
    document = docx.Document(str(EXAMPLES / "cahier-exemple.docx"))
    table = document.tables[0]
    table.cell(6, 1).merge(table.cell(6, 2))  # row 7: title and objective of EX-FSE-003
    table.cell(8, 3).merge(table.cell(9, 3))  # rows 9-10: the domain of EX-FSE-005 and EX-FSE-006
    path = tmp_path / "fusion.docx"
    document.save(str(path))
    places = merged_places(path)
    assert "tableau 1, ligne 7, colonne 2" in places and "tableau 1, ligne 7, colonne 3" in places
    assert "tableau 1, ligne 9, colonne 4" in places and "tableau 1, ligne 10, colonne 4" in places
    assert len(places) == 4


def test_ods_spans_and_covered_cells_are_seen(tmp_path: Path) -> None:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import TableRow

    book = load(str(EXAMPLES / "cahier-exemple.ods"))
    row = book.spreadsheet.getElementsByType(TableRow)[6]  # row 7: EX-FSE-003
    cells = [c for c in row.childNodes if c.qname[1] == "table-cell"]
    cells[1].setAttrNS(TABLENS, "number-columns-spanned", "2")
    path = tmp_path / "fusion.ods"
    book.save(str(path))
    assert merged_places(path) == ["'Cahier de tests'!B7"]


def test_a_missing_sheet_or_table_names_what_there_is(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    text = (EXAMPLES / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    mapping.write_text(text.replace('sheet = "Cahier de tests"', 'sheet = "Feuil1"').replace("table = 1", "table = 3"))
    (tmp_path / "cahier-exemple.fixtures.xml").write_bytes((EXAMPLES / "cahier-exemple.fixtures.xml").read_bytes())
    other = load_mapping(mapping)
    for kind, message in (
        ("xlsx", "feuille « Feuil1 » absente (feuilles : « Cahier de tests »)"),
        ("ods", "feuille « Feuil1 » absente (feuilles : « Cahier de tests »)"),
        ("docx", "tableau 3 absent (le document en a 1)"),
    ):
        with pytest.raises(OfficeError) as raised:
            read_table(EXAMPLES / f"cahier-exemple.{kind}", other)
        assert [p.message for p in raised.value.problems] == [message]
