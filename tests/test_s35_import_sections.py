"""Section title rows of a CNDA-style casebook (« 1. Cas nominaux FSE » in the N° cas column, often merged across
the row): no case, said as a note at the title's cell, in each of the four formats.

Read as a case, each was refused (an invalid id, « cellules fusionnées ») and counted among the cases left out:
every sectioned casebook exited 3. A row with a valid case id is still a case, whatever else it lacks; a title
with any other text beside it is not a title."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.importer import ImportResult, import_document
from testbench.office.mapping import load_mapping
from testbench.office.tables import case_rows, read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
FIRST, SECOND = "1. Cas nominaux FSE", "2. Actes infirmiers"


def examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKE = examples()
WIDTH = len(MAKE.HEADERS)


def title_row(title: str) -> dict[str, object]:
    return {header: "" for header in MAKE.HEADERS} | {"N° cas": title}


def sectioned() -> list[dict[str, object]]:
    """The sample's rows under two section titles: the first above its first case (row 5), the second above the
    nurse's case EX-FSE-020."""
    data = list(MAKE.rows())
    at = next(n for n, row in enumerate(data) if row["N° cas"] == "EX-FSE-020")
    return [title_row(FIRST), *data[:at], title_row(SECOND), *data[at:]]


def document(folder: Path, kind: str, data: list[dict[str, object]], merge: bool = True) -> Path:
    """The sample written with ``data`` as its cases (make_examples' writers), each title row merged across the
    row when ``merge`` (not in a CSV, which has no merges)."""
    path = folder / f"cahier.{kind}"
    getattr(MAKE, f"write_{kind}")(path, data)
    titles = [n for n, row in enumerate(data) if row["N° cas"] in (FIRST, SECOND)]
    if not merge or kind == "csv":
        return path
    if kind == "xlsx":
        book = openpyxl.load_workbook(path)
        for n in titles:
            book[MAKE.SHEET].merge_cells(start_row=5 + n, start_column=1, end_row=5 + n, end_column=WIDTH)
        book.save(path)
    elif kind == "docx":
        import docx

        word = docx.Document(str(path))
        table = word.tables[0]
        for n in titles:  # a Word span repeats the title in each column it covers, as the reader reads it
            table.cell(4 + n, 0).merge(table.cell(4 + n, WIDTH - 1))
        word.save(str(path))
    else:  # ODS: the title cell spans the row, the cells it covers written as covered cells (LibreOffice's form)
        _span_ods(path)
    return path


def _span_ods(path: Path) -> None:
    blank = '<table:table-cell office:value-type="string"/>'
    data = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "content.xml":
                text = content.decode("utf-8")
                for title in (FIRST, SECOND):
                    plain = f'<table:table-cell office:value-type="string"><text:p>{title}</text:p></table:table-cell>'
                    spanned = (
                        f'<table:table-cell office:value-type="string" table:number-columns-spanned="{WIDTH}">'
                        f"<text:p>{title}</text:p></table:table-cell>"
                        f'<table:covered-table-cell table:number-columns-repeated="{WIDTH - 1}"/>'
                    )
                    text, count = re.subn(re.escape(plain + blank * (WIDTH - 1)), spanned, text)
                    assert count == 1, title
                content = text.encode("utf-8")
            new.writestr(item, content)
    path.write_bytes(data.getvalue())


def imported(path: Path) -> ImportResult:
    return import_document(path, load_mapping(MAPPING))


SAMPLE_CASES = [row["N° cas"] for row in MAKE.rows() if row["N° cas"]]


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv", "docx"])
def test_a_section_title_row_is_a_note_not_a_case(tmp_path: Path, kind: str) -> None:
    path = document(tmp_path, kind, sectioned())
    result = imported(path)
    assert [p.text("fr") for p in result.problems] == []
    assert result.cases == SAMPLE_CASES and not result.left_out
    table = read_table(path, load_mapping(MAPPING))  # a CSV's place is its file line (a cell spans lines)
    first = table.place(5, 1)
    second = table.place(5 + next(n for n, row in enumerate(sectioned()) if row["N° cas"] == SECOND), 1)
    notes_fr = [p.text("fr") for p in result.notes]
    notes_en = [p.text("en") for p in result.notes]
    assert f"{first.text('fr')}: ligne de titre de section « {FIRST} » : pas un cas, non reprise" in notes_fr
    assert f"{second.text('fr')}: ligne de titre de section « {SECOND} » : pas un cas, non reprise" in notes_fr
    assert f"{first.text('en')}: section title row “{FIRST}”: not a case, not imported" in notes_en
    assert f"{second.text('en')}: section title row “{SECOND}”: not a case, not imported" in notes_en
    assert FIRST.encode() not in result.xml and SECOND.encode() not in result.xml


def test_the_cases_under_the_titles_are_the_sample_cases_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    plain = imported(document(tmp_path / "a", "xlsx", list(MAKE.rows())))
    titled = imported(document(tmp_path / "b", "xlsx", sectioned()))

    def body(xml: bytes) -> list[str]:  # the comments name each case's first row, one lower under a title
        return [line for line in xml.decode("utf-8").splitlines() if "<!--" not in line]

    assert body(titled.xml) == body(plain.xml)


def test_a_row_with_a_valid_case_id_and_nothing_else_is_still_a_case(tmp_path: Path) -> None:
    data = [title_row("LOT-SECTION"), *MAKE.rows()]
    result = imported(document(tmp_path, "xlsx", data, merge=False))
    said = [p.text("fr") for p in result.problems]
    assert f"{SHEET}!W5: aucune étape" in said and f"{SHEET}!A5: titre vide" in said, said
    assert "LOT-SECTION" in result.left_out
    assert not any("titre de section" in p.text("fr") for p in result.notes)


def test_a_title_with_other_text_on_its_row_is_not_a_section_title(tmp_path: Path) -> None:
    data = [title_row(FIRST) | {"Intitulé": "Cas nominaux"}, *MAKE.rows()]
    result = imported(document(tmp_path, "xlsx", data, merge=False))
    said = [p.text("fr") for p in result.problems]
    assert any(line.startswith(f"{SHEET}!A5: identifiant de cas invalide « {FIRST} »") for line in said), said
    assert FIRST in result.left_out
    assert not any("titre de section" in p.text("fr") for p in result.notes)


def test_a_row_without_id_under_a_title_does_not_join_the_case_above_the_title(tmp_path: Path) -> None:
    data = sectioned()
    at = next(n for n, row in enumerate(data) if row["N° cas"] == SECOND)
    kept = ("Nomenclature", "Code", "Qté", "Prix unitaire")  # an invoice line whose case's first row was erased
    line = {header: value if header in kept else "" for header, value in data[at + 1].items()}
    data.insert(at + 1, line)
    result = imported(document(tmp_path, "xlsx", data))
    said = [p.text("fr") for p in result.problems]
    under = f"ligne sans identifiant de cas sous le titre de section « {SECOND} », avant son premier cas"
    assert said == [f"{SHEET}!A{5 + at + 1}: {under}"], said
    english = f"row without a case id under the section title “{SECOND}”, before its first case"
    assert [p.text("en") for p in result.problems] == [f"{SHEET}!A{5 + at + 1}: {english}"]
    above = data[at - 1]["N° cas"] or data[at - 2]["N° cas"]
    assert above in result.cases  # the line was not given to the case above the title
    assert result.doubtful is not None


def test_the_export_finds_no_case_at_a_section_title_row(tmp_path: Path) -> None:
    path = document(tmp_path, "xlsx", sectioned())
    mapping = load_mapping(MAPPING)
    rows = case_rows(read_table(path, mapping), mapping)
    assert list(rows) == SAMPLE_CASES and rows["EX-FSE-001"] == 6


def test_a_title_spanning_an_unread_column_is_not_counted_there(tmp_path: Path) -> None:
    """A Word span repeats its title in the cells it covers: the column no field reads counts the cases' cells."""
    path = document(tmp_path, "docx", sectioned())
    mapping = load_mapping(MAPPING)
    columns = {name: spec for name, spec in mapping.columns.items() if name != "comment"}
    result = import_document(path, replace(mapping, columns=columns))
    count = sum(1 for row in MAKE.rows() if row["Calcul"])
    assert f"tableau 1, ligne 4, colonne 26: colonne « Calcul » non reprise ({count} cellules)" in [
        p.text("fr") for p in result.notes
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_import_command_writes_every_case_of_a_sectioned_casebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    path = document(work, "xlsx", sectioned())
    code = main(["import", str(path), "--mapping", str(MAPPING), "-o", str(work / "out.xml"), "--lang", lang])
    out = capsys.readouterr()
    assert code == 0, out
    said = out.out + out.err
    count = len(SAMPLE_CASES)
    if lang == "fr":
        assert f"{SHEET}!A5: ligne de titre de section « {FIRST} » : pas un cas, non reprise" in said, said
        assert f"out.xml : {count} cas écrits" in said and "laissé" not in said
    else:
        assert f"{SHEET}!A5: section title row “{FIRST}”: not a case, not imported" in said, said
        assert "titre de section" not in said and "left out" not in said
        assert re.search(rf"out\.xml: {count} cases? written", said), said
    assert FIRST not in (work / "out.xml").read_text(encoding="utf-8")
