"""docs/office-export.md's promises not checked elsewhere, with the real ``testbench import``, ``run`` and
``export`` commands on the shipped sample exam book: a case of the session whose row is gone from the document is
listed « cas de la session absents du document (non reportés) »; a case whose row no longer imports gets no
verdict but the mark « modifié depuis l'exécution : à relancer », said at its row « … illisible dans le document
(testbench import le détaille) … »; a target that is a folder is refused, exit 3; the session is only read."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SHEET = "Cahier de tests"
HEADER_ROW = 4


def _testbench(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TESTBENCH_LANG", "XDG_CONFIG_HOME", "XDG_DATA_HOME"}}
    env["HOME"] = str(cwd)
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``w/``: the sample exam book, its mapping and fixtures (their cards in ``../cards``), the casebook imported
    from it and a session of its 13 cases run on the demo bench in process (all pass)."""
    root = tmp_path_factory.mktemp("export-promises")
    work = root / "w"
    work.mkdir()
    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copyfile(EXAMPLES / name, work / name)
    shutil.copytree(REPO / "casebooks" / "cards", root / "cards")
    done = _testbench("import", "cahier-exemple.xlsx", "--mapping", "cahier-exemple.mapping.toml", "-o", "cahier.xml",
                      cwd=work)  # fmt: skip
    assert done.returncode == 0, done.stderr
    ran = _testbench("run", "cahier.xml", "--session", "s.tbsession", "--cards", "inprocess", "--engine", "inprocess",
                     cwd=work)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    return work


def _rows(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Case id → its first row, read from column A of the re-opened sheet."""
    return {str(c.value): c.row for c in sheet["A"] if c.row > HEADER_ROW and str(c.value or "").startswith("EX-")}


def _columns(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {str(c.value): c.column for c in sheet[HEADER_ROW] if c.value}


def _export(bench: Path, document: Path, target: Path) -> subprocess.CompletedProcess[str]:
    return _testbench("export", "s.tbsession", "--to", target, "--document", document,
                      "--mapping", "cahier-exemple.mapping.toml", cwd=bench)  # fmt: skip


def test_a_case_whose_row_is_gone_from_the_document_is_listed_as_not_reported(bench: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(bench / "cahier-exemple.xlsx")
    sheet = book[SHEET]
    rows = _rows(sheet)
    following = min(row for row in rows.values() if row > rows["EX-FSE-002"])
    sheet.delete_rows(rows["EX-FSE-002"], following - rows["EX-FSE-002"])  # its first row and continuation rows
    document = tmp_path / "sans-002.xlsx"
    book.save(document)
    done = _export(bench, document, tmp_path / "r.xlsx")
    assert done.returncode == 0, done.stderr
    assert "cas de la session absents du document (non reportés) : EX-FSE-002" in done.stdout, done.stdout
    assert "résultats de 12 cas écrits" in done.stdout, done.stdout
    written = openpyxl.load_workbook(tmp_path / "r.xlsx")[SHEET]
    assert "EX-FSE-002" not in _rows(written)
    assert written.cell(_rows(written)["EX-FSE-003"], _columns(written)["Verdict"]).value == "réussi"


def test_a_row_that_no_longer_imports_gets_the_mark_not_a_verdict_and_is_said_at_its_row(
    bench: Path, tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(bench / "cahier-exemple.xlsx")
    sheet = book[SHEET]
    row, expected = _rows(sheet)["EX-FSE-003"], _columns(sheet)["Résultats attendus"]
    cell = sheet.cell(row, expected)
    assert "Part AMO = 50,40 €" in cell.value
    cell.value = cell.value.replace("Part AMO = 50,40 €", "Part AMO = 50,4O €")  # a letter O typed for a zero
    document = tmp_path / "illisible.xlsx"
    book.save(document)
    done = _export(bench, document, tmp_path / "r.xlsx")
    assert done.returncode == 0, done.stderr
    said = (
        f"'{SHEET}'!{row}:{row}: cas EX-FSE-003 illisible dans le document (testbench import le détaille) : son "
        "résultat n'est pas reporté (la ligne le signale)"
    )
    assert said in done.stderr, done.stderr
    written = openpyxl.load_workbook(tmp_path / "r.xlsx")[SHEET]
    rows, cols = _rows(written), _columns(written)
    assert written.cell(rows["EX-FSE-003"], cols["Verdict"]).value == "modifié depuis l'exécution : à relancer"
    assert written.cell(rows["EX-FSE-003"], cols["Valeurs observées"]).value in (None, "")
    assert written.cell(rows["EX-FSE-002"], cols["Verdict"]).value == "réussi"  # the others are written


def test_a_target_that_is_a_folder_is_refused_and_the_session_is_only_read(bench: Path, tmp_path: Path) -> None:
    session = bench / "s.tbsession"
    before = hashlib.sha256(session.read_bytes()).hexdigest()
    folder = tmp_path / "dossier.xlsx"
    folder.mkdir()
    refused = _export(bench, bench / "cahier-exemple.xlsx", folder)
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "ce chemin est un dossier, pas un fichier" in refused.stderr, refused.stderr
    assert list(folder.iterdir()) == []
    written = _export(bench, bench / "cahier-exemple.xlsx", tmp_path / "r.xlsx")
    assert written.returncode == 0, written.stderr
    assert hashlib.sha256(session.read_bytes()).hexdigest() == before  # `SESSION`: « only read »
    assert not Path(f"{session}-wal").exists() or Path(f"{session}-wal").stat().st_size == 0


@pytest.fixture(scope="module")
def two_plans(bench: Path) -> Path:
    """``bench`` plus ``autre.xml``: the same cases under another plan id, EX-FSE-003 expecting 50.41 (it fails
    there), each run in its own session, merged both ways (``ab.tbsession``, ``ba.tbsession``)."""
    casebook = (bench / "cahier.xml").read_text(encoding="utf-8")
    plan = "<plan-id>PDT-EXEMPLE-001</plan-id>"
    assert plan in casebook and casebook.count('expected="50.40"/>') == 1
    other = casebook.replace(plan, "<plan-id>PDT-AUTRE-002</plan-id>")
    other = other.replace('expected="50.40"/>', 'expected="50.41"/>')
    (bench / "autre.xml").write_text(other, encoding="utf-8")
    ran = _testbench("run", "autre.xml", "--session", "autre.tbsession", "--cards", "inprocess", "--engine",
                     "inprocess", cwd=bench)  # fmt: skip
    assert ran.returncode == 1 and "EX-FSE-003" in ran.stderr, ran.stderr
    for name, order in (("ab", ("s.tbsession", "autre.tbsession")), ("ba", ("autre.tbsession", "s.tbsession"))):
        merged = _testbench("merge", *order, "-o", f"{name}.tbsession", cwd=bench)
        assert merged.returncode == 0, merged.stderr
    return bench


@pytest.mark.parametrize("merged", ["ab", "ba"])
def test_a_case_id_in_two_casebooks_is_taken_from_the_documents_plan(
    two_plans: Path, tmp_path: Path, merged: str
) -> None:
    """« A case id found in several casebooks of the session is taken from the casebook whose plan id is the
    document's ([identity] plan-id) », whichever casebook the session holds first."""
    target = tmp_path / "r.xlsx"
    done = _testbench("export", f"{merged}.tbsession", "--to", target, "--document", "cahier-exemple.xlsx",
                      "--mapping", "cahier-exemple.mapping.toml", cwd=two_plans)  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = openpyxl.load_workbook(target)[SHEET]
    assert written.cell(_rows(written)["EX-FSE-003"], _columns(written)["Verdict"]).value == "réussi"
    # the document naming the other plan (its cell B2): that casebook's EX-FSE-003, which ran with 50.41
    book = openpyxl.load_workbook(two_plans / "cahier-exemple.xlsx")
    assert book[SHEET]["B2"].value == "PDT-EXEMPLE-001"
    book[SHEET]["B2"].value = "PDT-AUTRE-002"
    document = tmp_path / "autre-plan.xlsx"
    book.save(document)
    other = _testbench("export", f"{merged}.tbsession", "--to", tmp_path / "o.xlsx", "--document", document,
                       "--mapping", "cahier-exemple.mapping.toml", cwd=two_plans)  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert "cas EX-FSE-003 modifié dans le document depuis l'exécution (résultats attendus)" in other.stderr
    written = openpyxl.load_workbook(tmp_path / "o.xlsx")[SHEET]
    assert written.cell(_rows(written)["EX-FSE-003"], _columns(written)["Verdict"]).value == (
        "modifié depuis l'exécution : à relancer"
    )


@pytest.mark.parametrize(
    ("kind", "lang", "sheet"),
    [("docx", "fr", "Tableau 1"), ("docx", "en", "Table 1"), ("csv", "fr", "cahier-exemple")],
)
def test_without_a_source_sheet_the_written_sheet_is_named_like_the_documents(
    bench: Path, tmp_path: Path, kind: str, lang: str, sheet: str
) -> None:
    """« without one, like the document's sheet (`Tableau 1` for a Word table, the file name for a CSV) », and the
    same mapping reads the written file back."""
    text = (bench / "cahier-exemple.mapping.toml").read_text(encoding="utf-8")
    assert 'sheet = "Cahier de tests"\n' in text
    mapping = tmp_path / "sans-feuille.mapping.toml"
    fixtures = (bench / "cahier-exemple.fixtures.xml").as_posix()
    mapping.write_text(
        text.replace('sheet = "Cahier de tests"\n', "").replace('"cahier-exemple.fixtures.xml"', f'"{fixtures}"'),
        encoding="utf-8",
    )
    target = tmp_path / "r.xlsx"
    done = _testbench("export", "s.tbsession", "--to", target, "--document", EXAMPLES / f"cahier-exemple.{kind}",
                      "--mapping", mapping, "--lang", lang, cwd=bench)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(target).sheetnames == [sheet]
    again = _testbench("import", target, "--mapping", mapping, "-o", tmp_path / "again.xml", cwd=bench)
    assert again.returncode == 0, again.stderr
    assert "13 cas écrits" in again.stdout, again.stdout


def test_an_export_whose_every_case_changed_since_the_run_writes_nothing_and_exits_3(
    bench: Path, tmp_path: Path
) -> None:
    """« a document none of whose rows would receive a result (…, or each changed since the run): an export never
    succeeds having written no case »."""
    ran = _testbench("run", "cahier.xml", "--session", tmp_path / "un.tbsession", "--cards", "inprocess", "--engine",
                     "inprocess", "-k", "EX-FSE-003", cwd=bench)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    book = openpyxl.load_workbook(bench / "cahier-exemple.xlsx")
    sheet = book[SHEET]
    cell = sheet.cell(_rows(sheet)["EX-FSE-003"], _columns(sheet)["Résultats attendus"])
    cell.value = cell.value.replace("Part AMO = 50,40 €", "Part AMO = 50,41 €")
    document = tmp_path / "modifie.xlsx"
    book.save(document)
    target = tmp_path / "r.xlsx"
    done = _testbench("export", tmp_path / "un.tbsession", "--to", target, "--document", document,
                      "--mapping", "cahier-exemple.mapping.toml", cwd=bench)  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "chaque cas de la session a été modifié dans le document depuis l'exécution : aucun résultat à reporter" in (
        done.stderr
    )
    assert "rien n'est écrit" in done.stderr
    assert not target.exists()


@pytest.mark.parametrize(("lang", "words"), [("fr", "non exécuté"), ("en", "not run")])
def test_a_case_of_the_session_never_run_reads_not_run(bench: Path, tmp_path: Path, lang: str, words: str) -> None:
    """« A case never run reads `non exécuté` »: the cases of a shard a merge did not hold (run --shard 1/2, merged
    with --allow-missing-shards) are in the session without an attempt."""
    shard, merged = tmp_path / "p1.tbsession", tmp_path / "m.tbsession"
    ran = _testbench("run", "cahier.xml", "--session", shard, "--cards", "inprocess", "--engine", "inprocess",
                     "--shard", "1/2", cwd=bench)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    done = _testbench("merge", shard, "-o", merged, "--allow-missing-shards", cwd=bench)
    assert done.returncode == 0, done.stderr
    target = tmp_path / "r.xlsx"
    done = _testbench("export", merged, "--to", target, "--document", "cahier-exemple.xlsx",
                      "--mapping", "cahier-exemple.mapping.toml", "--lang", lang, cwd=bench)  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = openpyxl.load_workbook(target)[SHEET]
    rows, cols = _rows(written), _columns(written)
    verdicts = {case: written.cell(row, cols["Verdict"]).value for case, row in rows.items()}
    never = {case for case, verdict in verdicts.items() if verdict == words}
    assert len(rows) == 13 and 0 < len(never) < 13, verdicts
    for case in never:  # no attempt: nothing observed (the column as the mapping's [results] names it)
        assert written.cell(rows[case], cols["Valeurs observées"]).value in (None, "")
