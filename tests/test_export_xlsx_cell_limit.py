"""``testbench export`` to XLSX writes no cell over Excel's 32,767 characters.

A case with eight values or more that the report cuts (4,096 characters shown, then the note) made an observed values'
cell longer than an XLSX cell may be: Excel refused the file or cut the cell unsaid. The longest values are now cut
shorter so that the case's lines fit one cell, each cut said with its whole length and the session that keeps it; a
CSV document's own cell longer than that is cut in the workbook, the note naming the document. The files written are
read back with the project's own XLSX reader (the import's).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from testbench.cli.main import main
from testbench.office.export import CELL_CHARS, _cap, fit_cell
from testbench.office.mapping import load_mapping
from testbench.office.tables import read_table
from testbench.store.read import SessionView

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
XLSX = EXAMPLES / "cahier-exemple.xlsx"
CSV = EXAMPLES / "cahier-exemple.csv"
NIR = "1 80 01 99 999 001 68"  # fictitious, a NIR the pattern rules know
LONG = 100_000
SESSION_NOTE = "caractères en tout ; elle est entière dans la session]"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cell_limit")
    for args in (
        ["import", XLSX, "--mapping", MAPPING, "-o", "cahier.xml"],
        ["run", "cahier.xml", "--session", "s.tbsession", "--engine", "inprocess", "--cards", "inprocess"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "testbench", *map(str, args)], cwd=folder, capture_output=True, timeout=300
        )
        assert done.returncode in (0, 1), done.stderr
    return folder / "s.tbsession"


def _with_long_values(count: int) -> Callable[[SessionView, int], list[dict[str, Any]]]:
    """``SessionView.comparisons`` with ``count`` more observed values, each a NIR then 100,000 characters, and a short
    one: what an application answering huge values records (the session itself is left as written)."""
    original = SessionView.comparisons

    def comparisons(self: SessionView, attempt_id: int) -> list[dict[str, Any]]:
        extra = [
            {"kind": "value", "path": f"reponse.champ{n}", "value_type": "string", "observed": f"{NIR} " + "Y" * LONG}
            for n in range(count)
        ]
        short = {"kind": "value", "path": "reponse.court", "value_type": "string", "observed": "bref"}
        return [*original(self, attempt_id), *extra, short]

    return comparisons


def _observed_cells(path: Path) -> list[str]:
    table = read_table(path, load_mapping(MAPPING))
    column = table.column("Valeurs observées")
    return [cell.text for row in table.rows for cell in row if cell.place.col == column and cell.text]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_case_with_many_cut_values_fits_one_cell(
    session: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    monkeypatch.setattr(SessionView, "comparisons", _with_long_values(12))
    target = tmp_path / "resultats.xlsx"
    argv = ["export", str(session), "--to", str(target), "--document", str(XLSX), "--mapping", str(MAPPING)]
    assert main([*argv, "--lang", lang]) == 0, capsys.readouterr()
    cells = _observed_cells(target)
    assert cells
    for text in cells:
        assert len(text) <= CELL_CHARS
        lines = text.split("\n")
        long_lines = [line for line in lines if line.startswith("reponse.champ")]
        assert len(long_lines) == 12  # every value is there, cut
        total = len(NIR) + 1 + LONG  # the value's whole length, not the cell's
        note = (
            f"{total:,}".replace(",", "\u00a0") + " " + SESSION_NOTE
            if lang == "fr"
            else f"{total:,} characters in all; it is whole in the session]"
        )
        assert all(line.endswith(note) for line in long_lines), long_lines[0][-120:]
        assert all(line.count("Y") > 1000 for line in long_lines)  # the cell's room shared, not one value shown
        assert "reponse.court = bref" in lines  # a short value whole
        assert "99 999" not in text and "‹NIR›" in text  # the values redacted as the report redacts them


def test_a_few_cut_values_keep_the_report_cut(session: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fewer cut values than a cell's room: each shows the report's 4,096 characters, as the report does."""
    monkeypatch.setattr(SessionView, "comparisons", _with_long_values(3))
    target = tmp_path / "resultats.xlsx"
    argv = ["export", str(session), "--to", str(target), "--document", str(XLSX), "--mapping", str(MAPPING)]
    assert main(argv) == 0
    for text in _observed_cells(target):
        long_lines = [line for line in text.split("\n") if line.startswith("reponse.champ")]
        assert len(long_lines) == 3 and all(line.count("Y") == 4096 - len(NIR) - 1 for line in long_lines)


def test_a_csv_documents_long_cell_is_cut_in_the_workbook(session: Path, tmp_path: Path) -> None:
    text = CSV.read_text(encoding="utf-8-sig")
    title = text.split("\n", 1)[0]
    document = tmp_path / "cahier.csv"
    document.write_text(text.replace(title, '"' + "T" * 40_000 + '"', 1), encoding="utf-8-sig")
    target = tmp_path / "resultats.xlsx"
    argv = ["export", str(session), "--to", str(target), "--document", str(document), "--mapping", str(MAPPING)]
    assert main(argv) == 0
    mapping = load_mapping(MAPPING)
    whole = read_table(target, replace(mapping, source=replace(mapping.source, header_row=1, first_data_row=2)))
    (first,) = [cell.text for cell in whole.header_cells if cell.place.col == 1]
    assert len(first) <= CELL_CHARS and first.startswith("T" * 30_000)
    assert first.endswith("40\u00a0000 caractères en tout ; elle est entière dans le document]")


def test_fit_cell_never_cuts_a_marker_in_two() -> None:
    cut_in_marker = 0
    for before in range(CELL_CHARS - 120, CELL_CHARS - 40):  # the marker before, across and after the cut
        text = "A" * before + "‹NIR masqué, 15 octets›" + "B" * 1000
        fitted = fit_cell(text, "en")
        assert len(fitted) <= CELL_CHARS and fitted.count("‹") == fitted.count("›"), before
        assert fitted.endswith(f" … [value cut here: {len(text):,} characters in all; it is whole in the session]")
        cut_in_marker += "‹" not in fitted and fitted.startswith("A" * before + " … [")
    assert cut_in_marker  # some cut fell inside the marker: it went whole
    assert fit_cell("court", "fr") == "court"


def test_the_cap_keeps_short_lines_whole() -> None:
    assert _cap([10, 10, 1000, 1000], 1020) == 500
    assert _cap([10, 2000, 3000], 10_000) == 3000  # all fit
    assert _cap([900, 900], 1000) == 500
