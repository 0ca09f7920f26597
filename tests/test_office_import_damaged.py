"""``testbench import`` on damaged or extreme documents and mappings (audit of the converter): nothing is ever
imported in part, nothing is printed but the command's own lines, every problem has its place — the cell,
the row, the mapping's line, the fixtures file's line — and never a traceback or an internal error.

Real files on disk; the command line in a subprocess where the exit code and stdout matter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from testbench.casebook.loader import check_casebook
from testbench.office import convert
from testbench.office.mapping import load_mapping
from testbench.office.problems import OfficeError
from testbench.office.tables import read_table

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
#: The sample ODS writes its cells so (content.xml): EX-FSE-001's quantity (P5) and unit price (R5) come first.
QUANTITY = '<table:table-cell office:value-type="float" office:value="4"><text:p>4</text:p></table:table-cell>'
PRICE = '<table:table-cell office:value-type="float" office:value="14.0"><text:p>14.0</text:p></table:table-cell>'
UNCOMPUTED = (
    "formule sans valeur calculée (document jamais recalculé) : ouvrez-le dans un tableur, enregistrez-le, "
    "puis importez-le à nouveau"
)


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "testbench", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def import_(document: Path, out: Path, *extra: str, mapping: Path = MAPPING) -> subprocess.CompletedProcess[str]:
    done = cli("import", document, "--mapping", mapping, "-o", out, *extra, cwd=out.parent)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert "erreur interne" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done


def ods(path: Path, change: Callable[[str], str]) -> Path:
    """The sample ODS with its content.xml changed by ``change``, the other parts as they are."""
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as package:
        parts = [(info, package.read(info.filename)) for info in package.infolist()]
    with zipfile.ZipFile(path, "w") as package:
        for info, data in parts:
            if info.filename == "content.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            package.writestr(info, data)
    return path


def text_cell(text: str, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell{times} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def blank_row(repeat: int) -> str:
    """Blank rows as LibreOffice writes them to a sheet's end: every column, repeated."""
    cells = '<table:table-cell table:number-columns-repeated="16384"/>'
    return f'<table:table-row table:number-rows-repeated="{repeat}">{cells}</table:table-row>'


def working_copy(tmp_path: Path) -> Path:
    """The sample's folder and the card profiles its fixtures name (../cards/), to change a file of it."""
    shutil.copytree(EXAMPLES, tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    return tmp_path / "casebooks" / "examples"


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def place_of(path: Path, text: str) -> str:
    """``line:col`` of the value of the ``key = value`` line holding ``text``."""
    line = line_of(path, text)
    return f"{line}:{path.read_text(encoding='utf-8').splitlines()[line - 1].index('= ') + 3}"


# ----- 1. a cut-off ODS


def test_a_cut_off_ods_is_refused_whole_and_nothing_is_printed(tmp_path: Path) -> None:
    """Audit: odfpy printed the parse error (24 KB of XML on stdout) and imported the part before the cut, exit 0."""

    def cut(content: str) -> str:
        end = -1
        for _ in range(10):
            end = content.index("</table:table-row>", end + 1)
        return content[: end + len("</table:table-row>")]

    document = ods(tmp_path / "coupe.ods", cut)
    out = tmp_path / "coupe.xml"
    done = import_(document, out)
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{document}: document ODS illisible : fichier endommagé ou d'un autre format",
        "rien n'est écrit",
    ]
    assert not out.exists() and not (tmp_path / "cards").exists()


# ----- 2. repeated rows and cells


def test_an_ods_row_filled_down_to_the_bottom_is_refused_at_its_row(tmp_path: Path) -> None:
    """Audit: a row holding « Non » repeated 1 048 000 times was copied as many times (7.9 GB, 111 s)."""
    for repeat in (1001, 5000):  # the limit, 1000, is documented (docs/office-import.md)
        blank = '<table:table-cell table:number-columns-repeated="3"/>'
        filled = f'<table:table-row table:number-rows-repeated="{repeat}">{blank}{text_cell("Non")}</table:table-row>'
        document = ods(
            tmp_path / f"rempli-{repeat}.ods", lambda s, row=filled: s.replace("</table:table>", row + "</table:table>")
        )
        with pytest.raises(OfficeError) as raised:
            read_table(document, load_mapping(MAPPING))
        assert [p.text("fr") for p in raised.value.problems] == [
            f"{SHEET}!21:21: ligne répétée {repeat} fois, plus que la limite de 1000 (une valeur recopiée jusqu'au "
            "bas de la feuille ?) : effacez les cellules sous le dernier cas"
        ]
        assert [p.text("en") for p in raised.value.problems] == [
            f"{SHEET}!21:21: row repeated {repeat} times, more than the limit of 1000 (a value filled down to the "
            "bottom of the sheet?): clear the cells below the last case"
        ]
    done = import_(document, tmp_path / "rempli.xml")
    assert done.returncode == 3 and "rien n'est écrit" in done.stderr and not (tmp_path / "rempli.xml").exists()


def test_an_ods_cell_filled_right_to_the_end_is_refused_at_its_cell(tmp_path: Path) -> None:
    """The same for ``number-columns-repeated``: a value filled right was cut at column 256 without a word."""
    filled = text_cell("x", 16000)
    last = "</table:table-row></table:table>"
    document = ods(tmp_path / "droite.ods", lambda s: s.replace(last, filled + last))
    with pytest.raises(OfficeError) as raised:
        read_table(document, load_mapping(MAPPING))
    assert [p.text("en") for p in raised.value.problems] == [
        f"{SHEET}!AD20: cell repeated 16000 times, more than the limit of 1000 (a value filled right to the end of "
        "the row?): clear the cells to the right of the table"
    ]


def test_blank_repeated_ods_rows_cost_nothing_and_keep_the_rows_numbered(tmp_path: Path) -> None:
    """Blank rows repeated to the sheet's end are counted, not copied; blank rows repeated between two cases were
    left out, so every row after them was placed at the wrong row number. Neither the covered cells of a merge
    down the whole sheet (no value filled down) nor an undeclared namespace prefix (odfpy patched it in; the
    sheet is whole) is refused."""
    merge_down = '<table:table-row table:number-rows-repeated="5000"><table:covered-table-cell/></table:table-row>'

    def spread(content: str) -> str:
        at = content.index('<table:table-row><table:table-cell office:value-type="string"><text:p>EX-FSE-002<')
        content = content[:at] + blank_row(2000) + content[at:]
        content = content.replace(
            "<office:automatic-styles/>", "<office:automatic-styles><style:style/></office:automatic-styles>"
        )
        return content.replace("</table:table>", merge_down + blank_row(1_040_000) + "</table:table>")

    document = ods(tmp_path / "vides.ods", spread)
    table = read_table(document, load_mapping(MAPPING))
    ids = [row[0].text for row in table.rows if row[0].text]
    assert ids[:2] == ["EX-FSE-001", "EX-FSE-002"] and len(ids) == 13
    assert [row[0].place.row for row in table.rows if row[0].text][:2] == [5, 2006]
    assert max(len(row) for row in table.rows) == 29  # the trailing blank cells are not cells


# ----- 3. numbers too long to compute with


def test_numbers_too_long_to_compute_with_do_not_read() -> None:
    assert convert.amount("1" * 29) is None and convert.amount("1" + "0" * 40) is None
    assert convert.amount("1" * 27) is None  # its cents would make 29 digits
    assert convert.amount("1" * 26) == "1" * 26 + ".00"
    assert convert.integer("1" * 5000) is None and convert.number("1" * 29) is None
    assert convert.number("0,0000001") == "0.0000001" and convert.amount("0,0000001") == "0.0000001"  # not 1E-7
    assert convert.amount("12,5 €") == "12.50" and convert.integer("4,0") == "4"


def test_huge_numbers_are_placed_problems_not_an_internal_error(tmp_path: Path) -> None:
    """Audit: a 29-digit amount, an XLSX number cell 1e300, an expected value 1 followed by 40 zeros: exit 2."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    sheet["R5"] = 1e300
    sheet["R6"] = "1" * 29
    expected = sheet.cell(7, next(c.column for c in sheet[4] if c.value == "Résultats attendus"))
    expected.value = "Part AMO = 1" + "0" * 40 + "\ninvoice.totals.amc = 1" + "0" * 40
    document = tmp_path / "enorme.xlsx"
    book.save(document)
    out = tmp_path / "enorme.xml"
    done = import_(document, out)
    assert done.returncode == 3
    letter = expected.column_letter
    forms = " (attendu : 12,50 €, 12.5, 1 234,56 ou une cellule nombre)"
    assert f"{SHEET}!R5: montant illisible « 1e+300 »{forms}" in done.stderr.splitlines()
    assert f"{SHEET}!R6: montant illisible « {'1' * 29} »{forms}" in done.stderr.splitlines()
    # both values of the cell hold the same unreadable text: one line says it (a problem is said once, as for a
    # column two fields read, docs/office-import.md)
    assert done.stderr.splitlines().count(f"{SHEET}!{letter}7: montant illisible « 1{'0' * 40} »{forms}") == 1
    assert "3 cas laissés de côté : EX-FSE-001, EX-FSE-002, EX-FSE-003" in done.stderr
    casebook, problems = check_casebook(out)
    assert problems == [] and casebook is not None and len(casebook.cases) == 10

    document = ods(tmp_path / "enorme.ods", lambda s: s.replace(PRICE, PRICE.replace('"14.0"', '"1e300"'), 1))
    done = import_(document, tmp_path / "enorme-ods.xml", "--lang", "en")
    assert done.returncode == 3
    expected = " (expected: 12,50 €, 12.5, 1 234,56 or a number cell)"
    assert f"{SHEET}!R5: unreadable amount “1e+300”{expected}" in done.stderr.splitlines()


# ----- 4. mapping mistakes that changed cases without a word


@pytest.mark.parametrize(
    ("before", "after", "said"),
    [
        ('false = ["Non", ""]', 'false = ["Oui", "Non", ""]', "« Oui » à la fois dans « true » et dans « false »"),
        (
            'date-formats = ["%d/%m/%Y"]',
            'date-formats = ["%Q"]',
            "format de date invalide « %Q » : il ne relit pas la date qu'il écrit (ex. %d/%m/%Y)",
        ),
        (
            'date-formats = ["%d/%m/%Y"]',
            'date-formats = ["%d/%m/%Y", "%"]',
            "format de date invalide « % » : il ne relit pas la date qu'il écrit (ex. %d/%m/%Y)",
        ),
        (
            'date-formats = ["%d/%m/%Y"]',
            'date-formats = ["%d/%m"]',
            "format de date invalide « %d/%m » : il ne relit pas la date qu'il écrit (ex. %d/%m/%Y)",
        ),
        ('verdict = "Verdict"', "verdict = 3", "« verdict » doit être un texte entre guillemets (en-tête ou lettre)"),
    ],
)
def test_a_mapping_mistake_is_refused_at_its_line(tmp_path: Path, before: str, after: str, said: str) -> None:
    mapping = tmp_path / "map.toml"
    text = MAPPING.read_text(encoding="utf-8")
    assert before in text
    mapping.write_text(text.replace(before, after), encoding="utf-8")
    (tmp_path / "cahier-exemple.fixtures.xml").write_bytes((EXAMPLES / "cahier-exemple.fixtures.xml").read_bytes())
    with pytest.raises(OfficeError) as raised:
        load_mapping(mapping)
    assert [p.text("fr") for p in raised.value.problems] == [f"{mapping}:{place_of(mapping, after)}: {said}"]


def test_a_yes_no_word_in_both_lists_is_said_in_english_too(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    text = MAPPING.read_text(encoding="utf-8").replace('true = ["Oui", "X"]', 'true = ["Oui", "X", "non"]')
    mapping.write_text(text, encoding="utf-8")
    (tmp_path / "cahier-exemple.fixtures.xml").write_bytes((EXAMPLES / "cahier-exemple.fixtures.xml").read_bytes())
    with pytest.raises(OfficeError) as raised:
        load_mapping(mapping)
    at = place_of(mapping, 'false = ["Non", ""]')
    assert [p.text("en") for p in raised.value.problems] == [f"{mapping}:{at}: “Non” in both “true” and “false”"]


# ----- 5. problems placed where their source is


def test_a_fixtures_problem_is_placed_at_its_line_in_the_fixtures_file(tmp_path: Path) -> None:
    """Audit: a duplicate card id or an element typo was said against the mapping file, with no line."""
    folder = working_copy(tmp_path)
    fixtures = folder / "cahier-exemple.fixtures.xml"
    original = fixtures.read_text(encoding="utf-8")
    fixtures.write_text(original.replace('<card id="vitale-ald"', '<card id="vitale-std"'), encoding="utf-8")
    out = tmp_path / "out.xml"
    done = import_(folder / "cahier-exemple.xlsx", out, mapping=folder / MAPPING.name)
    assert done.returncode == 3
    duplicate = line_of(fixtures, 'profile="../cards/vitale2-ald.xml"')
    assert f"{fixtures}:{duplicate}: carte « vitale-std » déjà déclarée dans les fixtures" in done.stderr.splitlines()
    assert str(folder / MAPPING.name) not in done.stderr and not out.exists()

    fixtures.write_text(original.replace('<patient id="p-std"', '<patiant id="p-std"'), encoding="utf-8")
    done = import_(folder / "cahier-exemple.xlsx", out, "--lang", "en", mapping=folder / MAPPING.name)
    assert done.returncode == 3
    typo = line_of(fixtures, "<patiant")
    assert f"{fixtures}:{typo}: not valid against the schema: <patiant>: element not expected here" in done.stderr
    assert str(folder / MAPPING.name) not in done.stderr


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_malformed_fixtures_file_reads_like_a_malformed_casebook(tmp_path: Path, lang: str) -> None:
    folder = working_copy(tmp_path)
    fixtures = folder / "cahier-exemple.fixtures.xml"
    text = fixtures.read_text(encoding="utf-8")
    fixtures.write_text(text.replace('rank="1"/>', 'rank="1">', 1), encoding="utf-8")  # <patient> left open
    opened = line_of(fixtures, 'rank="1">')
    closing = len(fixtures.read_text(encoding="utf-8").splitlines())
    done = import_(folder / "cahier-exemple.xlsx", tmp_path / "out.xml", "--lang", lang, mapping=folder / MAPPING.name)
    assert done.returncode == 3
    said = (
        f"XML mal formé : balise fermante </fixtures> alors que <patient> (ligne {opened}) est ouvert"
        if lang == "fr"
        else f"malformed XML: closing tag </fixtures> while <patient> (line {opened}) is open"
    )
    assert done.stderr.splitlines()[0] == f"{fixtures}:{closing}:12: {said}"
    assert "Opening and ending tag mismatch" not in done.stderr


def test_an_identity_problem_is_placed_at_its_cell_or_at_its_mapping_line(tmp_path: Path) -> None:
    """Audit: a plan id read from B2 that the casebook refuses was said against the mapping file."""
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    book["Cahier de tests"]["B2"] = "PDT CDC 087"
    document = tmp_path / "identite.xlsx"
    book.save(document)
    out = tmp_path / "identite.xml"
    done = import_(document, out)
    assert done.returncode == 3 and not out.exists()
    assert done.stderr.splitlines()[0].startswith(
        f"{SHEET}!B2: identité : non conforme au schéma : <plan-id> : « PDT CDC 087 » ne convient pas"
    )
    english = import_(document, out, "--lang", "en")
    assert english.stderr.splitlines()[0].startswith(f"{SHEET}!B2: identity: not valid against the schema: <plan-id>")

    folder = working_copy(tmp_path)
    mapping = folder / MAPPING.name
    mapping.write_text(mapping.read_text(encoding="utf-8").replace('"EV000"', '"EV 000"'), encoding="utf-8")
    done = import_(folder / "cahier-exemple.xlsx", out, mapping=mapping)
    assert done.returncode == 3
    assert done.stderr.splitlines()[0].startswith(f"{mapping}:{place_of(mapping, 'EV 000')}: identité : ")


# ----- 6. cells the readers could not place


def test_a_csv_cell_longer_than_pythons_csv_limit_is_read(tmp_path: Path) -> None:
    """Audit: a cell over 131 072 characters made the whole CSV « illisible », with no place."""
    text = (EXAMPLES / "cahier-exemple.csv").read_text(encoding="utf-8-sig")
    long_title = "Lit médical loué " + "x" * 140_000
    document = tmp_path / "long.csv"
    document.write_text(text.replace("Lit médical loué", long_title, 1), encoding="utf-8-sig")
    table = read_table(document, load_mapping(MAPPING))
    assert table.rows[0][1].text.startswith(long_title) and str(table.rows[0][1].place) == "long!B5"
    done = import_(document, tmp_path / "long.xml")
    assert done.returncode == 0, done.stderr


def test_an_ods_formula_without_its_value_is_placed_at_its_cell(tmp_path: Path) -> None:
    """As in XLSX: a formula the document holds no value for is said at its cell, its case left out."""

    def formulas(content: str) -> str:
        content = content.replace(QUANTITY, '<table:table-cell table:formula="of:=2*2"/>', 1)
        computed = (
            '<table:table-cell table:formula="of:=7*2" office:value-type="float"><text:p>14</text:p></table:table-cell>'
        )
        return content.replace(PRICE, computed, 1)

    document = ods(tmp_path / "formules.ods", formulas)
    out = tmp_path / "formules.xml"
    done = import_(document, out)
    assert done.returncode == 3
    placed = [line for line in done.stderr.splitlines() if line.startswith(f"{SHEET}!")]
    assert placed == [f"{SHEET}!P5: {UNCOMPUTED}", f"{SHEET}!R5: {UNCOMPUTED}"]
    assert "1 cas laissé de côté : EX-FSE-001" in done.stderr
    casebook, problems = check_casebook(out)
    assert problems == [] and casebook is not None and len(casebook.cases) == 12


@pytest.mark.parametrize("value", ["abc", "", "inf"])
def test_an_ods_number_cell_whose_value_is_not_a_number_is_placed_at_its_cell(tmp_path: Path, value: str) -> None:
    damaged = PRICE.replace('"14.0"', f'"{value}"') if value else PRICE.replace(' office:value="14.0"', "")
    document = ods(tmp_path / "abime.ods", lambda s: s.replace(PRICE, damaged, 1))
    out = tmp_path / "abime.xml"
    done = import_(document, out, "--lang", "en")
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        f"{SHEET}!R5: unreadable numeric value “{value}” (damaged cell)",
        "nothing is written",
    ]
    assert not out.exists()
