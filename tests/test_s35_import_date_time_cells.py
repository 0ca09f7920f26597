"""A date cell is quoted in French as the sheet shows it (« 12/01/2026 18:45 »), as a number cell is (« 4,5 »): it
was quoted in ISO form, seconds added (« 2026-01-12 18:45:00 »), a text the person finds nowhere in the sheet. An
ODS date-time cell now reads as an XLSX one (« avec une heure », not « date illisible » of its ISO
« 2026-01-12T18:45:00 »), quoted with the text LibreOffice shows. English keeps the ISO form."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
SHEET = "'Cahier de tests'"
ACCEPTED = "(2026-01-31, 31/01/2026)"


def workbook(folder: Path, cells: dict[str, object]) -> Path:
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    for ref, value in cells.items():
        sheet[ref] = value
    path = folder / "cahier.xlsx"
    book.save(path)
    return path


def said(path: Path, lang: str) -> list[str]:
    return [p.text(lang) for p in import_document(path, load_mapping(MAPPING)).problems]


def test_a_date_time_cell_is_quoted_as_the_sheet_shows_it_in_french(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"K7": dt.datetime(2026, 1, 12, 18, 45), "K8": dt.datetime(2026, 1, 12, 9, 5, 30)})
    assert said(path, "fr") == [
        f"{SHEET}!K7: date « 12/01/2026 18:45 » avec une heure : la date seule est attendue {ACCEPTED}",
        f"{SHEET}!K8: date « 12/01/2026 09:05:30 » avec une heure : la date seule est attendue {ACCEPTED}",
    ]
    assert said(path, "en") == [
        f"{SHEET}!K7: date “2026-01-12 18:45:00” with a time: the date alone is expected {ACCEPTED}",
        f"{SHEET}!K8: date “2026-01-12 09:05:30” with a time: the date alone is expected {ACCEPTED}",
    ]


def test_a_date_cell_in_a_field_that_wants_no_date_is_quoted_as_shown(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"E7": dt.datetime(2026, 1, 12)})  # a date pasted into the Mode column
    assert said(path, "fr") == [
        f"{SHEET}!E7: colonne « Mode » : « 12/01/2026 » n'est pas un mode connu (modes : Sécurisé, Dégradé,"
        " SESAM sans Vitale, Sans objet)"
    ]


def ods_with_date_time(folder: Path) -> Path:
    """The sample ODS whose first care date (K5, 12/01/2026) is a date-time as LibreOffice saves one."""
    path = folder / "cahier.ods"
    date = '<table:table-cell office:value-type="date" office:date-value="2026-01-12"><text:p>12/01/2026</text:p>'
    timed = (
        '<table:table-cell office:value-type="date" office:date-value="2026-01-12T18:45:00">'
        "<text:p>12/01/2026 18:45</text:p>"
    )
    data = io.BytesIO()
    with zipfile.ZipFile(EXAMPLES / "cahier-exemple.ods") as old, zipfile.ZipFile(data, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "content.xml":
                text = content.decode("utf-8")
                assert date in text, text[:3000]
                content = text.replace(date, timed, 1).encode("utf-8")
            new.writestr(item, content)
    path.write_bytes(data.getvalue())
    return path


def test_an_ods_date_time_cell_reads_as_a_date_with_a_time(tmp_path: Path) -> None:
    path = ods_with_date_time(tmp_path)
    assert said(path, "fr") == [
        f"{SHEET}!K5: date « 12/01/2026 18:45 » avec une heure : la date seule est attendue {ACCEPTED}"
    ]
    assert said(path, "en") == [
        f"{SHEET}!K5: date “2026-01-12 18:45:00” with a time: the date alone is expected {ACCEPTED}"
    ]


@pytest.mark.parametrize(("lang", "expected"), [("fr", "« 12/01/2026 18:45 »"), ("en", "“2026-01-12 18:45:00”")])
def test_the_import_command_quotes_the_date_time_in_each_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str
) -> None:
    shutil.copytree(EXAMPLES.parent / "cards", tmp_path / "cards")  # where the fixtures find their profiles
    work = tmp_path / "examples"
    work.mkdir()
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", work)
    path = workbook(work, {"K7": dt.datetime(2026, 1, 12, 18, 45)})
    code = main(["import", str(path), "--mapping", str(MAPPING), "-o", str(work / "out.xml"), "--lang", lang])
    out = capsys.readouterr()
    assert code == 3, out
    assert f"{SHEET}!K7: date {expected}" in out.err, out.err
