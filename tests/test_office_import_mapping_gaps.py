"""What a mapping lacks or misspells is said once, where it is written, in words that lead to the fix: an invoice
line's required attribute with no column nor default, a misspelt section, a step phrase one letter off the
mapping's; and when every case is left out, the sheet read and the columns not taken are still said."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import import_document, write_import
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError

EXAMPLES = Path(__file__).resolve().parent.parent / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"


def mapping_file(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The example mapping with ``changes`` (each ``before`` must be found), its fixtures named absolutely."""
    text = MAPPING.read_text(encoding="utf-8")
    for before, after in changes:
        assert before in text, before
        text = text.replace(before, after)
    text = text.replace('"cahier-exemple.fixtures.xml"', f"'{EXAMPLES / 'cahier-exemple.fixtures.xml'}'")
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, lang: str = "fr") -> list[str]:
    with pytest.raises(OfficeError) as raised:
        load_mapping(path)
    return [p.text(lang).replace(str(path), "m.toml") for p in raised.value.problems]


def first_case(tmp_path: Path, cells: dict[str, object] | None = None, merge: str | None = None) -> Path:
    """The example workbook cut to its first case (row 5), ``cells`` written, ``merge`` merged."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.delete_rows(6, sheet.max_row)
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    if merge:
        sheet.merge_cells(merge)
    path = tmp_path / "cahier.xlsx"
    book.save(path)
    return path


def columns_line(path: Path) -> int:
    return path.read_text(encoding="utf-8").splitlines().index("[columns]") + 1


# ----- an invoice line's required attribute (casebook-1.xsd) with neither a column nor a default


def test_a_mapping_without_unit_price_is_refused_at_its_columns_table(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ('unit-price = "Prix unitaire"\n', ""))
    at = f"m.toml:{columns_line(path)}:1"
    assert refused(path) == [
        f"{at}: champ « unit-price » ni dans [columns] ni dans [defaults] : chaque ligne de facture (champ code)"
        " en demande un"
    ]
    assert refused(path, "en") == [
        f'{at}: field “unit-price” in neither [columns] nor [defaults]: every invoice line (field code) needs one'
    ]


def test_a_default_unit_price_or_no_invoice_lines_at_all_is_accepted(tmp_path: Path) -> None:
    defaults = '[defaults]\nnomenclature = "LPP"'
    defaulted = mapping_file(
        tmp_path, ('unit-price = "Prix unitaire"\n', ""), (defaults, defaults + '\nunit-price = "14"')
    )
    assert load_mapping(defaulted).defaults["unit-price"] == "14"
    no_lines = mapping_file(
        tmp_path, ('unit-price = "Prix unitaire"\n', ""), ('code = "Code"\n', ""), ('quantity = "Qté"\n', "")
    )
    assert "code" not in load_mapping(no_lines).columns  # no line is built: nothing to price


def test_a_quantity_neither_mapped_nor_defaulted_is_named_too(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ('quantity = "Qté"\n', ""))
    assert [said.split(": ", 1)[1] for said in refused(path)] == [
        "champ « quantity » ni dans [columns] ni dans [defaults] : chaque ligne de facture (champ code) en demande un"
    ]


# ----- a misspelt section


def test_a_misspelt_section_gets_the_one_meant(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ("[split]", "[splitt]"))
    line = path.read_text(encoding="utf-8").splitlines().index("[splitt]") + 1
    assert refused(path) == [f"m.toml:{line}:1: clé inconnue « splitt » — vouliez-vous dire « split » ?"]
    assert refused(path, "en") == [f'm.toml:{line}:1: unknown key “splitt” — did you mean “split”?']


def test_a_misspelt_identity_section_is_said_once_not_once_per_field(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ("[identity]", "[identite]"))
    line = path.read_text(encoding="utf-8").splitlines().index("[identite]") + 1
    assert refused(path) == [f"m.toml:{line}:1: clé inconnue « identite » — vouliez-vous dire « identity » ?"]


def test_a_missing_identity_section_is_one_problem(tmp_path: Path) -> None:
    text = MAPPING.read_text(encoding="utf-8")
    start, end = text.index("[identity]"), text.index("# Champ du cas")
    path = mapping_file(tmp_path, (text[start:end], ""))
    said = refused(path)
    assert said == [
        "m.toml: table [identity] absente : elle déclare plan-id, evolution, document-version, effective-date,"
        " cdc-version, addendum, ps-category, title"
    ]


def test_an_unknown_key_in_a_section_gets_the_one_meant(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ("header-row = 4", "header-rows = 4"))
    assert refused(path)[0].endswith("clé inconnue « header-rows » — vouliez-vous dire « header-row » ?")


# ----- English quotes: one style within a sentence


def test_an_unknown_field_and_its_suggestion_are_quoted_alike_in_english(tmp_path: Path) -> None:
    path = mapping_file(tmp_path, ('title = "Intitulé"', 'titel = "Intitulé"'))
    first = refused(path, "en")[0]
    assert first.endswith('unknown field “titel” — did you mean “title”?'), first
    path = mapping_file(tmp_path, ('"invoice.totals.amo", type', '"invoice.totals.amoo", type'))
    first = refused(path, "en")[0]
    assert first.endswith(
        'expected value “Part AMO”: unknown observation path “invoice.totals.amoo” — did you mean “invoice.totals.amo”?'
    ), first


# ----- a step phrase one letter off the mapping's


def test_an_unknown_step_is_offered_the_mapping_phrase_and_its_expectations_are_not_blamed(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, ('"Facturation" = "invoice"', '"Facturer" = "invoice"')))
    result = import_document(first_case(tmp_path), mapping)
    assert [p.text("fr") for p in result.problems] == [
        f"{SHEET}!W5: étape inconnue « Facturation » — vouliez-vous dire « Facturer » ?"
    ]
    assert [p.text("en") for p in result.problems] == [
        f'{SHEET}!W5: unknown step “Facturation” — did you mean “Facturer”?'
    ]
    assert result.cases == [] and result.left_out == ["EX-FSE-001"]


def test_an_expectation_no_step_produces_is_still_said_when_every_step_reads(tmp_path: Path) -> None:
    steps = "Lecture CPS\nSaisie du code porteur\nLecture Vitale"
    result = import_document(first_case(tmp_path, {"W5": steps, "X5": "Part AMO = 33,60 €"}), load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == [
        f"{SHEET}!X5: « Part AMO » : aucune étape du cas ne produit « invoice.totals.amo »"
    ]


def test_a_cell_of_expectations_all_refused_is_not_said_empty(tmp_path: Path) -> None:
    result = import_document(first_case(tmp_path, {"X5": "Part AMO = beaucoup"}), load_mapping(MAPPING))
    said = [p.text("fr") for p in result.problems]
    assert len(said) == 1 and said[0].startswith(f"{SHEET}!X5: "), said
    assert "aucun résultat attendu" not in said[0]


def test_an_empty_expectations_cell_is_still_said(tmp_path: Path) -> None:
    result = import_document(first_case(tmp_path, {"X5": None}), load_mapping(MAPPING))
    assert [p.text("fr") for p in result.problems] == [f"{SHEET}!X5: aucun résultat attendu"]


# ----- one column read by two fields


def test_a_column_two_fields_read_says_its_bad_cell_once(tmp_path: Path) -> None:
    mapping = load_mapping(mapping_file(tmp_path, ('tariff = "Tarif"', 'tariff = "Prix unitaire"')))
    result = import_document(first_case(tmp_path, {"R5": "14,5O €"}), mapping)
    said = [p.text("fr") for p in result.problems]
    assert len(said) == 1 and said[0].startswith(f"{SHEET}!R5: montant illisible « 14,5O € »"), said


# ----- every case left out: what was read is still said


def test_the_notes_are_kept_when_every_case_is_left_out(tmp_path: Path) -> None:
    document = first_case(tmp_path, {"AD4": "Remarques", "AD5": "à revoir"}, merge="B5:C5")
    out = tmp_path / "out" / "cahier.xml"
    out.parent.mkdir()
    with pytest.raises(OfficeError) as raised:
        write_import(document, load_mapping(MAPPING), out)
    notes = [note.text("fr") for note in raised.value.notes]
    assert notes[0] == "cahier.xlsx: feuille « Cahier de tests » lue".replace("cahier.xlsx", str(document)), notes
    assert f"{SHEET}!AD4: colonne « Remarques » non reprise (1 cellule)" in notes, notes
    problems = [p.text("fr") for p in raised.value.problems]
    assert problems[-1] == f"{document}: aucun cas importable", problems
    assert not out.exists() and not (out.parent / "cards").exists()
