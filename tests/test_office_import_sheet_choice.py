"""Which sheet an import reads, and documents too short to hold a header: a hidden sheet is never read
unless named, the sheet read is always said, and an empty document is one problem, not one per column."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import read_table

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def without_sheet(tmp_path: Path) -> Path:
    """The sample mapping with no ``sheet =`` (the fixtures copied beside it, their cards where they point)."""
    folder = tmp_path / "casebooks" / "examples"
    shutil.copytree(EXAMPLES, folder)
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    mapping = folder / "cahier-exemple.mapping.toml"
    mapping.write_text(re.sub(r'(?m)^sheet = .*\n', "", mapping.read_text(encoding="utf-8")), encoding="utf-8")
    return mapping


def hidden_first(tmp_path: Path, active: int) -> Path:
    """The sample workbook with a hidden « Ancienne version » before the cases' sheet."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    old = book.copy_worksheet(book["Cahier de tests"])
    old.title = "Ancienne version"
    old["B5"] = "titre d'une version abandonnée"
    book.move_sheet(old, offset=-1)
    old.sheet_state = "hidden"
    book.active = active
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("active", [0, 1])
def test_a_hidden_first_sheet_is_not_read_and_the_sheet_read_is_said(tmp_path: Path, active: int) -> None:
    mapping = load_mapping(without_sheet(tmp_path))
    table = read_table(hidden_first(tmp_path, active), mapping)
    assert table.name == "Cahier de tests"
    notes = [problem.message for problem in table.notes]
    assert "feuille « Cahier de tests » lue" in notes
    assert "feuilles masquées non lues : « Ancienne version »" in notes


def test_other_visible_sheets_with_data_are_named(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book.create_sheet("Brouillon")["A1"] = "cas à écrire"
    book.create_sheet("Vide")
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    result = import_document(path, load_mapping(without_sheet(tmp_path)))
    notes = [problem.message for problem in result.notes]
    assert notes[0] == "feuille « Cahier de tests » lue"
    assert notes[1:] == [
        "d'autres feuilles contiennent des données, non lues : « Brouillon »"
        " (sheet = dans [source] pour en choisir une)"
    ]
    assert not result.problems


def test_a_named_sheet_is_said_too(tmp_path: Path) -> None:
    table = read_table(EXAMPLES / "cahier-exemple.xlsx", load_mapping(MAPPING))
    assert [problem.text("en") for problem in table.notes] == [
        f"{EXAMPLES / 'cahier-exemple.xlsx'}: sheet “Cahier de tests” read"
    ]


def test_a_hidden_ods_sheet_is_not_read(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as package:
        parts = [(info, package.read(info.filename)) for info in package.infolist()]
    style = (
        '<office:automatic-styles><style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles>"
    )
    hidden = (
        '<table:table table:name="Ancienne version" table:style-name="ta2"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>vieux</text:p></table:table-cell>'
        "</table:table-row></table:table>"
    )
    path = tmp_path / "cahier.ods"
    with zipfile.ZipFile(path, "w") as package:
        for info, data in parts:
            if info.filename == "content.xml":
                text = data.decode("utf-8").replace("<office:automatic-styles/>", style)
                data = text.replace("<office:spreadsheet>", "<office:spreadsheet>" + hidden).encode("utf-8")
            package.writestr(info, data)
    table = read_table(path, load_mapping(without_sheet(tmp_path)))
    assert table.name == "Cahier de tests"
    assert "feuilles masquées non lues : « Ancienne version »" in [p.message for p in table.notes]


def test_an_empty_csv_is_one_problem(tmp_path: Path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(OfficeError) as caught:
        read_table(empty, load_mapping(MAPPING))
    assert [problem.text("fr") for problem in caught.value.problems] == [f"{empty}: document vide"]


def test_a_csv_that_ends_before_its_header_is_one_problem(tmp_path: Path) -> None:
    short = tmp_path / "court.csv"
    short.write_text("Plan de tests;PDT-1\n", encoding="utf-8")
    with pytest.raises(OfficeError) as caught:
        read_table(short, load_mapping(MAPPING))
    assert [problem.message for problem in caught.value.problems] == [
        "l'en-tête (ligne 4) est au-delà de la fin du document (dernière ligne écrite : 1)"
    ]


def test_a_csv_place_names_the_file_stem(tmp_path: Path) -> None:
    document = tmp_path / "mon-cahier.csv"
    shutil.copyfile(EXAMPLES / "cahier-exemple.csv", document)
    table = read_table(document, load_mapping(MAPPING))
    assert table.name == "mon-cahier"
    assert table.rows[0][0].place.text() == "'mon-cahier'!A5"
