"""What a workbook holds beside its cases never reaches a person raw, and a file the import cannot use says why:
openpyxl's warnings are not printed, a workbook encrypted by a password is said so, a boolean cell reads as
yes/no (an unreadable yes/no lists the words accepted), a sheet name differing by a trailing space is found."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from testbench.office import convert
from testbench.office.importer import import_document
from testbench.office.mapping import Conversions, load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import read_table

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
_X14 = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" allowBlank="1">'
    "<x14:formula1><xm:f>Listes!$A$1:$A$4</xm:f></x14:formula1><xm:sqref>AA5:AA20</xm:sqref></x14:dataValidation>"
    "</x14:dataValidations></ext></extLst>"
)


def test_openpyxl_warnings_are_not_printed(tmp_path: Path) -> None:
    """Excel's list validation (an x14 extension) made openpyxl print its UserWarning on stderr."""
    document = tmp_path / "x14.xlsx"
    sheet_part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.xlsx") as source, zipfile.ZipFile(document, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == sheet_part:
                data = data.replace(b"</worksheet>", _X14.encode() + b"</worksheet>")
            out.writestr(name, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_table(document, load_mapping(MAPPING))
    assert table.rows and [str(w.message) for w in caught] == []


@pytest.mark.parametrize(
    ("name", "stream"),
    [("EncryptionInfo".encode("utf-16-le"), "protégé par mot de passe"), (b"Workbook", "Excel 97-2003")],
)
def test_an_ole_file_named_xlsx_says_what_it_is(tmp_path: Path, name: bytes, stream: str) -> None:
    document = tmp_path / "chiffre.xlsx"
    document.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + name + b"\0" * 2000)
    with pytest.raises(OfficeError) as raised:
        read_table(document, load_mapping(MAPPING))
    [said] = [problem.text("fr") for problem in raised.value.problems]
    assert said.startswith(f"{document}: document XLSX illisible : classeur ") and stream in said


def test_a_boolean_cell_reads_as_yes_or_no(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"]["U6"] = True  # the ALD column, an Excel TRUE
    document = tmp_path / "cahier.xlsx"
    book.save(document)

    done = import_document(document, load_mapping(MAPPING))

    assert done.problems == [] and "EX-FSE-002" in done.cases


def test_an_unreadable_yes_no_lists_the_words_accepted() -> None:
    words = Conversions(true_words=frozenset({"oui", "x"}), false_words=frozenset({"non", ""}))
    assert convert.boolean("peut-être", words) is None
    assert convert.BOOLEAN_UNREADABLE.format(text="peut-être", words=convert.boolean_words(words)) == (
        'oui/non illisible « peut-être » (valeurs : oui, x / "", non)'
    )


def test_a_sheet_name_with_a_trailing_space_is_found(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"].title = "Cahier de tests "
    book.create_sheet("Autre")
    book.active = 1  # the mapping's sheet = names it, not the active one
    document = tmp_path / "cahier.xlsx"
    book.save(document)

    table = read_table(document, load_mapping(MAPPING))

    assert table.name == "Cahier de tests " and table.rows


def test_a_missing_sheet_quotes_each_name(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"].title = "Cahier"
    book.create_sheet("Notes ")
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    with pytest.raises(OfficeError) as raised:
        read_table(document, load_mapping(MAPPING))
    messages = [problem.message for problem in raised.value.problems]
    assert messages == ["feuille « Cahier de tests » absente (feuilles : « Cahier », « Notes  »)"]
    assert "(sheets: “Cahier”, “Notes ”)" in raised.value.problems[0].text("en")
