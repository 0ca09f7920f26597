"""Odd but plausible casebook sheets, as a team converting a CNDA casebook writes them.

A formula in error (« #REF! » after a column was deleted, « #DIV/0! ») was imported as the value: a case
titled « #REF! », a plan id « #N/A ». It is refused at its cell, XLSX (``t="e"``) and ODS
(``calcext:value-type="error"``) alike. Four expected values of one cell on a step whose refusal is expected
were said four times, word for word, at that cell: once now. A refusal code one letter off gets the code meant,
not the list of all of them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.importer import import_document, write_import
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
FIX_FR = "corrigez-la dans le tableur, enregistrez le document, puis importez-le à nouveau"
FIX_EN = "fix it in the spreadsheet, save the document, then import it again"


def workbook(
    folder: Path, cells: dict[str, object] | None = None, errors: dict[str, tuple[str, str]] | None = None
) -> Path:
    """The example workbook with ``cells`` written and ``errors`` (cell -> (formula, error shown)) as formulas whose
    cached value is an error, as a spreadsheet saves them (openpyxl writes no cached value: the XML is patched)."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    for ref, (formula, _shown) in (errors or {}).items():
        sheet[ref] = f"={formula}"
    path = folder / "cahier.xlsx"
    book.save(path)
    if errors:
        patched = folder / "patched.xlsx"
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as new:
            for item in old.infolist():
                data = old.read(item.filename)
                if item.filename.startswith("xl/worksheets/sheet"):
                    text = data.decode("utf-8")
                    for ref, (formula, shown) in errors.items():
                        written = rf'<c r="{ref}"[^>]*>\s*<f>{re.escape(formula)}</f>\s*(<v\s*/>|<v></v>)?\s*</c>'
                        cell = re.compile(written)
                        text, count = cell.subn(f'<c r="{ref}" t="e"><f>{formula}</f><v>{shown}</v></c>', text)
                        assert count == 1, (ref, text[:2000])
                    data = text.encode("utf-8")
                new.writestr(item, data)
        patched.replace(path)
    return path


def problems(document: Path, lang: str = "fr") -> list[str]:
    return [p.text(lang) for p in import_document(document, load_mapping(MAPPING)).problems]


# ----- a formula in error


def test_a_formula_in_error_is_refused_at_its_cell_not_taken_as_the_title(tmp_path: Path) -> None:
    document = workbook(tmp_path, errors={"B8": ("A1000", "#REF!"), "T7": ("1/0", "#DIV/0!")})
    result = import_document(document, load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == [
        f"{SHEET}!T7: formule en erreur « #DIV/0! » : {FIX_FR}",
        f"{SHEET}!B8: formule en erreur « #REF! » : {FIX_FR}",
    ]
    assert [p.text("en") for p in result.problems] == [
        f"{SHEET}!T7: formula in error “#DIV/0!”: {FIX_EN}",
        f"{SHEET}!B8: formula in error “#REF!”: {FIX_EN}",
    ]
    assert result.left_out == ["EX-FSE-003", "EX-FSE-004"] and b"#REF!" not in result.xml


def test_a_formula_with_a_value_is_read_as_its_value(tmp_path: Path) -> None:
    document = workbook(tmp_path, cells={"S5": "=R5"})
    with zipfile.ZipFile(document) as package:  # openpyxl wrote no value: the formula is uncomputed, not in error
        assert 't="e"' not in package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    said = problems(document)
    assert said and all(": formule sans valeur calculée" in line for line in said), said


def test_an_identity_cell_in_error_writes_nothing(tmp_path: Path) -> None:
    document = workbook(tmp_path, errors={"B2": ("VLOOKUP(1,Z1:Z2,2)", "#N/A")})
    with pytest.raises(OfficeError) as raised:
        import_document(document, load_mapping(MAPPING))
    assert [p.text("fr") for p in raised.value.problems] == [f"{SHEET}!B2: formule en erreur « #N/A » : {FIX_FR}"]


def test_an_ods_formula_in_error_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "cahier.ods"
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "content.xml":
                text = data.decode("utf-8")
                title = (
                    '<table:table-cell office:value-type="string"><text:p>Soulève-malade au-dessus du tarif pour un'
                    " bénéficiaire C2S : refus</text:p></table:table-cell>"
                )
                assert text.count(title) == 1
                error = (  # as LibreOffice saves a formula whose result is an error
                    '<table:table-cell table:formula="of:=[.Z99]/0" office:value-type="string" office:string-value=""'
                    ' calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
                )
                calcext = ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
                root = "<office:document-content "
                text = text.replace(title, error).replace(root, f"<office:document-content{calcext} ")
                data = text.encode("utf-8")
            new.writestr(item, data)
    assert problems(path) == [f"{SHEET}!B9: formule en erreur « #DIV/0! » : {FIX_FR}"]


def test_the_import_command_says_a_formula_in_error_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    document = workbook(work, errors={"B8": ("A1000", "#REF!")})
    code = main(["import", str(document), "--mapping", str(MAPPING), "-o", str(work / "out.xml"), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 3, out
    assert f"{SHEET}!B8: formula in error “#REF!”: {FIX_EN}" in out.err, out.err
    assert "formule" not in out.out + out.err and "#REF!" not in (work / "out.xml").read_text(encoding="utf-8")


# ----- the loader's refusal of several values of one cell


def test_values_of_one_cell_on_a_step_expected_refused_are_said_once_at_that_cell(tmp_path: Path) -> None:
    out = tmp_path / "out" / "cahier.xml"
    out.parent.mkdir()
    result = write_import(workbook(tmp_path, cells={"Y13": "PIN_BLOCKED"}), load_mapping(MAPPING), out)
    said = [p.text("fr") for p in result.problems]
    reason = "cas EX-FSE-020 laissé de côté : valeur attendue sur une étape dont le refus est attendu (s-invoice)"
    assert said == [f"{SHEET}!X13: {reason}", f"{SHEET}!X14: {reason}", f"{SHEET}!X15: {reason}"], said
    assert "EX-FSE-020" in result.left_out


# ----- a refusal code one letter off


def test_a_misspelt_refusal_code_gets_the_code_meant(tmp_path: Path) -> None:
    document = workbook(tmp_path, cells={"Y20": "pin_bloked"})
    assert problems(document) == [
        f"{SHEET}!Y20: code de refus inconnu « pin_bloked » — vouliez-vous dire « PIN_BLOCKED » ?"
    ]
    assert problems(document, "en") == [f'{SHEET}!Y20: unknown refusal code “pin_bloked” — did you mean “PIN_BLOCKED”?']


def test_a_refusal_code_like_none_still_lists_the_codes(tmp_path: Path) -> None:
    said = problems(workbook(tmp_path, cells={"Y20": "refusé"}))
    assert len(said) == 1 and said[0].startswith(f"{SHEET}!Y20: code de refus inconnu « refusé » (codes : "), said
    assert "PIN_BLOCKED" in said[0]


# ----- a case's row merged across (a section title row is no case: tests/test_s35_import_sections.py)


def test_a_case_row_merged_across_is_said_once_not_once_per_cell(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.insert_rows(5)
    sheet["A5"] = "EX-FSE-099"  # a valid case id: a case, not a section title
    sheet.merge_cells("A5:Z5")  # the 26 mapped columns
    document = tmp_path / "cahier.xlsx"
    book.save(document)
    said = problems(document)
    assert said == [
        f"{SHEET}!A5: cellules fusionnées dans la zone des cas (26 sur la ligne, à partir de celle-ci) : une valeur"
        " par cellule"
    ]
    assert problems(document, "en") == [
        f"{SHEET}!A5: merged cells in the cases' area (26 on the row, from this one on): one value per cell"
    ]


# ----- lines numbered or bulleted, items written on one line


def test_numbered_and_bulleted_lines_read_as_their_phrases(tmp_path: Path) -> None:
    cells = {
        "W7": "1. Lecture CPS\n2. Saisie du code porteur\n3) Lecture Vitale\n4. Facturation\n5. Sécurisation",
        "W8": "- Lecture CPS\n- Saisie du code porteur\n• Lecture Vitale\n– Facturation\n* Sécurisation",
        "X8": "- Part AMO = 33,60 €\n- Part AMC = 22,40 €\n- Reste à charge = 0,00 €",
    }
    plain = import_document(workbook(tmp_path), load_mapping(MAPPING))
    marked = import_document(workbook(tmp_path, cells=cells), load_mapping(MAPPING))
    assert marked.problems == [] and marked.cases == plain.cases
    assert marked.xml == plain.xml  # the very same casebook


def test_a_dash_inside_a_phrase_is_kept(tmp_path: Path) -> None:
    said = problems(workbook(tmp_path, cells={"W5": "Lecture CPS - Vitale\nFacturation"}))
    assert said == [f"{SHEET}!W5: étape inconnue « Lecture CPS - Vitale » — vouliez-vous dire « Lecture CPS » ?"]


def test_steps_written_on_one_line_are_said_so(tmp_path: Path) -> None:
    steps = "Lecture CPS, Saisie du code porteur ; Lecture Vitale, Facturation, Sécurisation"
    document = workbook(tmp_path, cells={"W5": steps})
    assert problems(document) == [
        f"{SHEET}!W5: plusieurs étapes sur une même ligne « {steps} » : une étape par ligne de la cellule"
        " (ou la clé « separators » de [split])"
    ]
    assert problems(document, "en") == [
        f"{SHEET}!W5: several steps on one line “{steps}”: one step per line of the cell"
        " (or the key “separators” of [split])"
    ]


def test_a_line_of_steps_one_misspelt_is_said_to_hold_several_steps(tmp_path: Path) -> None:
    said = problems(workbook(tmp_path, cells={"W5": "Lecture CPS, Facturaton"}))
    assert said == [
        f"{SHEET}!W5: plusieurs étapes sur une même ligne « Lecture CPS, Facturaton » : une étape par ligne de la"
        " cellule (ou la clé « separators » de [split])"
    ]  # split, the next import names « Facturaton » with the phrase meant


def test_a_phrase_with_a_comma_and_no_known_part_is_an_unknown_step(tmp_path: Path) -> None:
    said = problems(workbook(tmp_path, cells={"W5": "Lecture CPS\nAttente, puis relance"}))
    assert said == [
        f"{SHEET}!W5: étape inconnue « Attente, puis relance » : à déclarer dans [steps] du fichier de correspondance"
    ]


def test_expected_values_written_on_one_line_are_said_so(tmp_path: Path) -> None:
    values = "Part AMO = 33,60 € ; Reste à charge = 22,40 €"
    document = workbook(tmp_path, cells={"X5": values})
    assert problems(document) == [
        f"{SHEET}!X5: plusieurs résultats attendus sur une même ligne « {values} » : un résultat par ligne de la"
        " cellule (ou la clé « separators » de [split])"
    ]
    assert problems(document, "en") == [
        f"{SHEET}!X5: several expected results on one line “{values}”: one result per line of the cell (or the key"
        " “separators” of [split])"
    ]


# ----- a number cell quoted as the sheet shows it


def test_a_number_cell_is_quoted_with_a_decimal_comma_in_french_only(tmp_path: Path) -> None:
    document = workbook(tmp_path, cells={"P8": 4.5, "R5": 14.555})
    assert problems(document) == [
        f"{SHEET}!R5: montant « 14,555 » au-delà du centime : deux décimales au plus",
        f"{SHEET}!P8: quantité illisible « 4,5 » (un entier)",
    ]
    assert problems(document, "en") == [
        f'{SHEET}!R5: amount “14.555” goes beyond the cent: two decimals at most',
        f"{SHEET}!P8: unreadable quantity “4.5” (an integer)",
    ]


def test_a_text_cell_is_quoted_as_written(tmp_path: Path) -> None:
    assert problems(workbook(tmp_path, cells={"P8": "4.5"})) == [f"{SHEET}!P8: quantité illisible « 4.5 » (un entier)"]


def test_a_numbered_phrase_the_mapping_declares_is_read_as_declared(tmp_path: Path) -> None:
    """The list marker is dropped only when the item as written is none the mapping knows."""
    text = MAPPING.read_text(encoding="utf-8").replace('"Lecture CPS" = "read-cps"', '"1. Lecture CPS" = "verify-pin"')
    fixtures = EXAMPLES / "cahier-exemple.fixtures.xml"
    mapping = tmp_path / "m.toml"
    mapping.write_text(text.replace('"cahier-exemple.fixtures.xml"', f"'{fixtures}'"), encoding="utf-8")
    document = workbook(tmp_path, cells={"W5": "1. Lecture CPS\nLecture Vitale\nFacturation\nSécurisation"})
    result = import_document(document, load_mapping(mapping))
    assert "EX-FSE-001" in result.cases  # the other cases' « Lecture CPS » is no longer declared: left out
    case = result.xml.split(b'<case id="EX-FSE-001"')[1].split(b"</case>")[0]
    assert b'<verify-pin id="s-verify-pin"/>' in case and b"read-cps" not in case
