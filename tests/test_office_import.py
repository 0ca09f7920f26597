"""``testbench import``: the sample exam book (XLSX, DOCX, ODS, CSV) into casebooks that validate and run on
the demo bench; a malformed sheet gives placed problems and no traceback; a re-import reports exactly the
rows that changed. Real files on disk, the real command line in a subprocess."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from testbench.casebook.loader import check_casebook

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
CASE_IDS = [
    "EX-FSE-001",
    "EX-FSE-002",
    "EX-FSE-003",
    "EX-FSE-004",
    "EX-FSE-005",
    "EX-FSE-006",
    "EX-FSE-010",
    "EX-FSE-020",
    "EX-FSE-012",
    "EX-FSE-014",
    "EX-FSE-031",
    "EX-LOT-001",
    "EX-CARDS-001",
]


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "testbench", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def import_(document: Path, out: Path, *extra: str, mapping: Path = MAPPING) -> subprocess.CompletedProcess[str]:
    return cli("import", document, "--mapping", mapping, "-o", out, *extra, cwd=out.parent)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


def column(header: str) -> int:
    sheet = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")["Cahier de tests"]
    return next(c.column for c in sheet[4] if c.value == header)


def row_of(sheet: openpyxl.worksheet.worksheet.Worksheet, case_id: str) -> int:
    return next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == case_id)


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_sample_imports_into_a_casebook_that_validates_and_passes_on_the_demo_bench(
    tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"cahier-{kind}.xml"
    done = import_(EXAMPLES / f"cahier-exemple.{kind}", out)
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert f"{out.name} : 13 cas écrits" in done.stdout
    casebook, problems = check_casebook(out)
    assert problems == [] and casebook is not None
    assert [case.id for case in casebook.cases] == CASE_IDS
    two_lines = casebook.case("EX-FSE-010").steps[3].params["lines"]
    assert [line["code"] for line in two_lines] == ["1231782", "1225646"]  # the continuation row
    session = tmp_path / f"{kind}.tbsession"
    ran = cli("run", out, "--cards", "inprocess", "--engine", "inprocess", "--session", session, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "réussi 13" in ran.stdout + ran.stderr


def test_the_four_forms_of_the_sample_give_the_same_casebook(tmp_path: Path) -> None:
    """XLSX (openpyxl), ODS (odfpy), CSV and DOCX (python-docx) readers agree cell for cell."""
    bodies = {}
    for kind in ("xlsx", "ods", "csv", "docx"):
        out = tmp_path / f"{kind}.xml"
        done = import_(EXAMPLES / f"cahier-exemple.{kind}", out)
        assert done.returncode == 0, done.stderr
        bodies[kind] = [line for line in out.read_text(encoding="utf-8").splitlines() if "<!--" not in line]
    assert bodies["ods"] == bodies["xlsx"] == bodies["csv"] == bodies["docx"]


def test_the_committed_sample_files_are_what_the_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(tmp_path)])
    for kind in ("xlsx", "ods", "csv", "docx"):
        name = f"cahier-exemple.{kind}"
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_a_malformed_sheet_gives_placed_problems_and_keeps_the_other_cases(tmp_path: Path) -> None:
    """Merged cells, a bad amount, an unknown domain: each placed, no traceback, exit 3 (a missing column stops
    the import: tests/test_office_import_missing_columns.py)."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    price, domain = column("Prix unitaire"), column("Domaine")
    bad_amount = row_of(sheet, "EX-FSE-003")
    sheet.cell(bad_amount, price).value = "12,5O €"
    unknown = row_of(sheet, "EX-FSE-004")
    sheet.cell(unknown, domain).value = "Pharmacie"
    merged = row_of(sheet, "EX-FSE-006")
    sheet.merge_cells(start_row=merged, start_column=2, end_row=merged, end_column=3)
    document = tmp_path / "abime.xlsx"
    book.save(document)

    out = tmp_path / "abime.xml"
    done = import_(document, out)
    no_traceback(done)
    assert done.returncode == 3
    letter = openpyxl.utils.get_column_letter
    assert f"{SHEET}!{letter(price)}{bad_amount}: montant illisible « 12,5O € »" in done.stderr
    said = "colonne « Domaine » : « Pharmacie » n'est pas un domaine connu"
    assert f"{SHEET}!{letter(domain)}{unknown}: {said}" in done.stderr
    assert f"{SHEET}!B{merged}: cellules fusionnées" in done.stderr
    assert "3 cas laissés de côté : EX-FSE-003, EX-FSE-004, EX-FSE-006" in done.stderr
    casebook, problems = check_casebook(out)
    assert problems == [] and casebook is not None
    assert [c.id for c in casebook.cases] == [
        i for i in CASE_IDS if i not in ("EX-FSE-003", "EX-FSE-004", "EX-FSE-006")
    ]


def test_problems_read_in_english_with_word_table_places(tmp_path: Path) -> None:
    import docx

    document = docx.Document(str(EXAMPLES / "cahier-exemple.docx"))
    table = document.tables[0]
    price = column("Prix unitaire")
    table.cell(6, price - 1).text = "douze euros"  # row 7 of the table: EX-FSE-003
    changed = tmp_path / "cahier.docx"
    document.save(str(changed))
    out = tmp_path / "cahier.xml"
    english = import_(changed, out, "--lang", "en")
    no_traceback(english)
    assert english.returncode == 3
    assert f"table 1 row 7, column {price}: unreadable amount “douze euros”" in english.stderr
    assert "1 case left out: EX-FSE-003" in english.stderr
    assert f"{out.name}: 12 cases written" in english.stdout
    french = import_(changed, out)
    assert f"tableau 1, ligne 7, colonne {price}: montant illisible « douze euros »" in french.stderr


def test_a_document_that_cannot_be_read_is_one_message_and_nothing_is_written(tmp_path: Path) -> None:
    damaged = tmp_path / "cahier.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp_path / "cahier.xml"
    done = import_(damaged, out)
    no_traceback(done)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"{damaged}: document XLSX illisible : fichier endommagé ou d'un autre format",
        "rien n'est écrit",
    ]
    assert not out.exists() and not (tmp_path / "cards").exists()

    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"].cell(4, 1).value = "Numéro"  # the id column is required
    book.save(damaged)
    done = import_(damaged, out)
    no_traceback(done)
    assert done.returncode == 3
    assert f"{SHEET}!4:4: colonne « N° cas » (champ id) absente de l'en-tête" in done.stderr
    assert not out.exists()


def test_a_bad_mapping_is_placed_at_its_line(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text.replace('"Facturation" = "invoice"', '"Facturation" = "facturer"'), encoding="utf-8")
    (tmp_path / "cahier-exemple.fixtures.xml").write_bytes((EXAMPLES / "cahier-exemple.fixtures.xml").read_bytes())
    line = next(n for n, s in enumerate(mapping.read_text(encoding="utf-8").splitlines(), 1) if "facturer" in s)
    done = import_(EXAMPLES / "cahier-exemple.xlsx", tmp_path / "out.xml", mapping=mapping)
    no_traceback(done)
    assert done.returncode == 3
    assert f"{mapping}:{line}:17: étape « Facturation » : action inconnue « facturer »" in done.stderr
    mapping.write_text('format = "testbench-mapping/1"\n[source\n', encoding="utf-8")
    done = import_(EXAMPLES / "cahier-exemple.xlsx", tmp_path / "out.xml", "--lang", "en", mapping=mapping)
    assert done.returncode == 3 and f"{mapping}:2:8: invalid TOML" in done.stderr


def test_a_reimport_after_editing_three_rows_reports_exactly_those_three(tmp_path: Path) -> None:
    out = tmp_path / "cahier.xml"
    assert import_(EXAMPLES / "cahier-exemple.xlsx", out).returncode == 0
    again = import_(EXAMPLES / "cahier-exemple.xlsx", out)
    assert "aucun changement depuis l'import précédent" in again.stdout

    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.cell(row_of(sheet, "EX-FSE-002"), column("Intitulé")).value = "Lit médical, ALD (intitulé revu)"
    expected = sheet.cell(row_of(sheet, "EX-FSE-003"), column("Résultats attendus"))
    expected.value = str(expected.value).replace("5,60", "5,61")
    continuation = row_of(sheet, "EX-FSE-010") + 1  # the case's second invoice line, a row without id
    sheet.cell(continuation, column("Qté")).value = 2
    sheet.move_range(f"A{row_of(sheet, 'EX-CARDS-001')}:AC{row_of(sheet, 'EX-CARDS-001')}", rows=2)  # moved only
    edited = tmp_path / "cahier.xlsx"
    book.save(edited)

    done = import_(edited, out)
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    changes = [line for line in done.stdout.splitlines() if line.startswith(("ajouté", "modifié", "supprimé"))]
    assert changes == [
        "modifié EX-FSE-002 : titre",
        "modifié EX-FSE-003 : résultats attendus",
        "modifié EX-FSE-010 : étapes",
    ]
    english = import_(EXAMPLES / "cahier-exemple.xlsx", out, "--lang", "en")
    assert "modified EX-FSE-002: title" in english.stdout.splitlines()


def test_hostile_cells_are_placed_problems_never_a_traceback(tmp_path: Path) -> None:
    """A bad step parameter, a card without slot, a value label nobody declared, a row
    without id before the first case, a duplicate id and an unknown refusal code: placed, the rest imported."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.insert_rows(5)
    sheet.cell(5, column("Intitulé")).value = "ligne orpheline"
    steps = sheet.cell(row_of(sheet, "EX-FSE-002"), column("Étapes"))
    steps.value = "Lecture CPS\nLecture Vitale (bénéficiaire=1)"
    sheet.cell(row_of(sheet, "EX-FSE-003"), column("Cartes")).value = "cps-psad"
    expected = sheet.cell(row_of(sheet, "EX-FSE-004"), column("Résultats attendus"))
    expected.value = "Part de la mutuelle = 22,40 €"
    duplicate = row_of(sheet, "EX-LOT-001")
    sheet.cell(duplicate, 1).value = "EX-FSE-001"
    refusal = sheet.cell(row_of(sheet, "EX-CARDS-001"), column("Code refus attendu"))
    refusal.value = "CARTE_PERDUE"
    document = tmp_path / "hostile.xlsx"
    book.save(document)
    out = tmp_path / "hostile.xml"
    done = import_(document, out, "--lang", "en")
    no_traceback(done)
    assert done.returncode == 3
    letter = openpyxl.utils.get_column_letter
    assert f"{SHEET}!A5: row without a case id before the first case" in done.stderr
    assert f"{SHEET}!{letter(steps.column)}{steps.row}: unreadable step parameter “bénéficiaire=1”" in done.stderr
    assert f"{SHEET}!{letter(column('Cartes'))}{steps.row + 1}: card “cps-psad”: write “slot: card”" in done.stderr
    assert f"{SHEET}!{letter(expected.column)}{expected.row}: expected result “Part de la mutuelle" in done.stderr
    assert f"{SHEET}!A{duplicate}: duplicate id “EX-FSE-001” (already at {SHEET}!A6)" in done.stderr
    assert f"{SHEET}!{letter(refusal.column)}{refusal.row}: unknown refusal code “CARTE_PERDUE”" in done.stderr
    casebook, problems = check_casebook(out)
    assert problems == [] and casebook is not None
    assert f"{SHEET}!A6: duplicate id “EX-FSE-001” (also at {SHEET}!A{duplicate}): neither row is taken" in done.stderr
    left_out = {"EX-FSE-001", "EX-FSE-002", "EX-FSE-003", "EX-FSE-004", "EX-CARDS-001"}  # both EX-FSE-001 rows
    assert [c.id for c in casebook.cases] == [i for i in CASE_IDS if i not in left_out and i != "EX-LOT-001"]


def test_characters_xml_cannot_hold_become_spaces(tmp_path: Path) -> None:
    text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    document = tmp_path / "cahier.csv"
    document.write_text(text.replace("Lit médical loué", "Lit\x0bmédical\x00loué", 1), encoding="utf-8-sig")
    out = tmp_path / "cahier.xml"
    done = import_(document, out)
    no_traceback(done)
    assert done.returncode == 0, done.stderr
    casebook, _problems = check_casebook(out)
    assert casebook is not None and casebook.case("EX-FSE-001").title.startswith("Lit médical loué")


def test_a_csv_saved_by_excel_in_cp1252_is_refused_with_the_mapping_line_that_reads_it(tmp_path: Path) -> None:
    """Excel's « CSV (séparateur : point-virgule) » is written in the Windows code page, not UTF-8."""
    text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    document = tmp_path / "cahier.csv"
    document.write_text(text, encoding="cp1252", errors="replace")  # as Excel, for what cp1252 lacks
    done = import_(document, tmp_path / "cahier.xml")
    no_traceback(done)
    assert done.returncode == 3
    hint = 'texte qui n\'est pas en utf-8 (un CSV enregistré par Excel : encoding = "cp1252" dans la correspondance)'
    assert hint in done.stderr
    shutil.copytree(REPO / "casebooks", tmp_path / "casebooks")  # the fixtures name ../cards/ beside the mapping
    mapping = tmp_path / "casebooks" / "examples" / MAPPING.name
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace('encoding = "utf-8-sig"', 'encoding = "cp1252"'), "utf-8"
    )
    assert 'encoding = "cp1252"' in mapping.read_text(encoding="utf-8")
    done = import_(document, tmp_path / "cahier.xml", mapping=mapping)
    assert done.returncode == 0, done.stderr


def test_a_mapping_problem_is_placed_in_the_table_it_belongs_to(tmp_path: Path) -> None:
    """``title`` is both an identity field and a column: the problem names the line of the right one."""
    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError

    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace('title = "Intitulé"', 'title = ["x"]'), "utf-8")
    (tmp_path / "cahier-exemple.fixtures.xml").write_bytes((EXAMPLES / "cahier-exemple.fixtures.xml").read_bytes())
    line = mapping.read_text(encoding="utf-8").splitlines().index('title = ["x"]') + 1
    with pytest.raises(OfficeError) as raised:
        load_mapping(mapping)
    assert f"{mapping}:{line}:9: « title » doit être un texte" in [p.text("fr") for p in raised.value.problems]


def test_a_reimport_says_which_cases_were_added_and_removed(tmp_path: Path) -> None:
    out = tmp_path / "cahier.xml"
    assert import_(EXAMPLES / "cahier-exemple.xlsx", out).returncode == 0
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet.cell(row_of(sheet, "EX-FSE-014"), 1).value = "EX-FSE-015"  # EX-FSE-014 goes, EX-FSE-015 comes
    edited = tmp_path / "cahier.xlsx"
    book.save(edited)
    done = import_(edited, out, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stdout.splitlines() if line.split(" ")[0] in ("added", "modified", "removed")] == [
        "added EX-FSE-015",
        "removed EX-FSE-014",
    ]


def test_the_output_never_overwrites_a_file_that_is_not_a_casebook(tmp_path: Path) -> None:
    document = tmp_path / "cahier.xlsx"
    document.write_bytes((EXAMPLES / "cahier-exemple.xlsx").read_bytes())
    done = import_(document, document)  # -o the document itself, by mistake
    no_traceback(done)
    assert done.returncode == 3
    assert done.stderr.strip() == f"{document} existe et n'est pas un cahier de tests : rien n'est écrit"
    assert document.read_bytes() == (EXAMPLES / "cahier-exemple.xlsx").read_bytes()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_formula_never_computed_is_placed_at_its_cell_with_what_to_do(tmp_path: Path, lang: str) -> None:
    """A workbook written by a script holds formulas without their values (openpyxl writes them so): the
    problem is at each such cell and says what to do, not an attribute missing at the case's id cell."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    row, quantity, price = row_of(sheet, "EX-FSE-001"), column("Qté"), column("Prix unitaire")
    sheet.cell(row, quantity).value = "=2*2"
    sheet.cell(row, price).value = "=7*2"
    document = tmp_path / "formules.xlsx"
    book.save(document)
    done = import_(document, tmp_path / "formules.xml", "--lang", lang)
    no_traceback(done)
    letter = openpyxl.utils.get_column_letter
    said = (
        "formule sans valeur calculée (document jamais recalculé) : ouvrez-le dans un tableur, enregistrez-le, "
        "puis importez-le à nouveau"
        if lang == "fr"
        else "formula without a computed value (the document was never recalculated): open it in a spreadsheet, "
        "save it, then import it again"
    )
    placed = [line for line in done.stderr.splitlines() if line.startswith(f"{SHEET}!")]
    assert placed == [f"{SHEET}!{letter(quantity)}{row}: {said}", f"{SHEET}!{letter(price)}{row}: {said}"]
    assert ("1 cas laissé de côté : EX-FSE-001" if lang == "fr" else "1 case left out: EX-FSE-001") in done.stderr
    casebook, problems = check_casebook(tmp_path / "formules.xml")
    assert problems == [] and casebook is not None and "EX-FSE-001" not in [c.id for c in casebook.cases]


@pytest.mark.parametrize("stray", ["B100000", "XFD1048576"])
def test_a_stray_cell_far_away_reads_only_the_cells_there_are(tmp_path: Path, stray: str) -> None:
    """Audit 13: a forgotten « x » at B100000 took 34 s and 1.3 GB, at XFD1048576 memory grew without end: the
    sheet was read as the whole rectangle up to its farthest cell. Rows are now built from the cells the sheet
    holds, each as long as its last value; the casebook is the sample's."""
    from testbench.office.tables import _sparse_grid

    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sample_rows = book["Cahier de tests"].max_row
    book["Cahier de tests"][stray] = "x"
    document = tmp_path / "stray.xlsx"
    book.save(document)
    grid = _sparse_grid(book["Cahier de tests"], set())
    row, _col = openpyxl.utils.cell.coordinate_to_tuple(stray)
    assert len(grid) == row and not any(grid[sample_rows : row - 1])  # the rows between: empty lists
    assert sum(len(r) for r in grid[: row - 1]) < 2000  # the sample's cells, not the rectangle's
    plain, strayed = tmp_path / "plain.xml", tmp_path / "strayed.xml"
    assert import_(EXAMPLES / "cahier-exemple.xlsx", plain).returncode == 0
    done = import_(document, strayed)
    if stray == "B100000":  # a title under the last case, without id: said, never merged unsaid into that case
        assert done.returncode == 3 and f"{SHEET}!B100000: ligne sans n° de cas mais avec Intitulé" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    body = [line for line in strayed.read_text(encoding="utf-8").splitlines() if "<!--" not in line]
    assert body == [line for line in plain.read_text(encoding="utf-8").splitlines() if "<!--" not in line]


def test_a_card_profile_missing_beside_the_fixtures_is_said_at_the_fixtures_line(tmp_path: Path) -> None:
    """The fixtures name profiles relative to their own folder: the one missing is said at its card's line in the
    fixtures file, with the path it was looked for at — not as a problem of the casebook being written."""
    folder = tmp_path / "w"
    folder.mkdir()
    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copyfile(EXAMPLES / name, folder / name)  # without the ../cards/ folder the fixtures name
    fixtures = folder / "cahier-exemple.fixtures.xml"
    line = next(n for n, text in enumerate(fixtures.read_text("utf-8").splitlines(), 1) if "profile=" in text)
    missing = tmp_path / "cards" / "vitale2-adult-standard.xml"
    for lang, said in (("fr", "profil de carte introuvable : "), ("en", "card profile not found: ")):
        done = import_(folder / "cahier-exemple.xlsx", folder / "out.xml", "--lang", lang,
                       mapping=folder / "cahier-exemple.mapping.toml")  # fmt: skip
        no_traceback(done)
        assert done.returncode == 3
        assert f"{fixtures.name}:{line}: {said}{missing}" in done.stderr, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"]
    )  # nothing written, no copy left
