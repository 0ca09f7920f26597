"""A re-import whose document has a case id typed over with another (a copy-paste) or erased never removes the
case that row was: the previous casebook's cases no row names are kept and said at that row, and the row refused
for its duplicate id is counted among the cases left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.cli.main import main
from testbench.office.diff import diff_casebooks, read_cases
from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SHEET = "'Cahier de tests'"


def working_copy(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "casebooks" / "examples")
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    return tmp_path / "casebooks" / "examples"


def with_a6(folder: Path, value: str | None) -> Path:
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    sheet = book["Cahier de tests"]
    assert sheet["A6"].value == "EX-FSE-002"
    sheet["A6"] = value
    path = folder / "edited.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("a6", ["EX-FSE-001", None], ids=["typed-over", "erased"])
def test_the_case_whose_id_was_lost_keeps_its_previous_version(tmp_path: Path, a6: str | None) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    out = folder / "cahier.xml"
    write_import(folder / "cahier-exemple.xlsx", mapping, out)
    before = out.read_bytes()

    done = write_import(with_a6(folder, a6), mapping, out)

    cases = read_cases(out.read_bytes())
    assert cases is not None and "EX-FSE-002" in cases[1] and len(cases[1]) == 13
    assert done.unmatched == ["EX-FSE-002"]
    assert [change.case for change in diff_casebooks(before, out.read_bytes()) or []] == []
    said = [problem.text("fr") for problem in done.problems]
    where = f"{SHEET}!A6" if a6 else f"{SHEET}!B6"
    assert (
        f"{where}: cas EX-FSE-002 de l'import précédent sans ligne dans le document : sa version précédente est"
        " conservée, car l'identifiant de cette ligne est en doute (elle est peut-être la sienne)"
    ) in said


def test_a_case_gone_from_a_document_without_doubt_is_still_removed(tmp_path: Path) -> None:
    folder = working_copy(tmp_path)
    mapping = load_mapping(folder / "cahier-exemple.mapping.toml")
    out = folder / "cahier.xml"
    write_import(folder / "cahier-exemple.xlsx", mapping, out)
    book = openpyxl.load_workbook(folder / "cahier-exemple.xlsx")
    book["Cahier de tests"].delete_rows(6)
    book.save(folder / "edited.xlsx")

    done = write_import(folder / "edited.xlsx", mapping, out)

    assert done.unmatched == [] and "EX-FSE-002" not in done.cases


def test_the_duplicate_row_is_counted_among_the_cases_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = working_copy(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(folder)
    document = with_a6(folder, "EX-FSE-001")

    code = main(["import", str(document), "--mapping", "cahier-exemple.mapping.toml", "-o", "cahier.xml"])

    assert code == 3
    err = capsys.readouterr().err
    assert f"2 cas laissés de côté : EX-FSE-001 ({SHEET}!A5, en double), EX-FSE-001 ({SHEET}!A6, en double)" in err
    main(["import", str(document), "--mapping", "cahier-exemple.mapping.toml", "-o", "cahier.xml", "--lang", "en"])
    said = capsys.readouterr().err
    assert f"2 cases left out: EX-FSE-001 ({SHEET}!A5, duplicate), EX-FSE-001 ({SHEET}!A6, duplicate)" in said
