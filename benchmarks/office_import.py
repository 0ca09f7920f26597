"""Benchmark: import a 700-row exam book spreadsheet (XLSX) into a casebook. Target: ≤ 2 s.

Builds the sheet from the sample's rows (casebooks/examples/make_examples.py), repeated with fresh case
ids until it has ``--rows`` data rows (continuation rows included), then times, over ``--runs`` runs:

  (a) ``import_document`` — read the workbook (openpyxl), group rows into cases, convert, build the XML;
  (b) ``write_import`` — (a) plus the casebook loader's check in the output folder and the atomic write:
      what ``testbench import`` does; the figure the target is about.

Run: ``.venv/bin/python benchmarks/office_import.py [--rows 700] [--runs 5]``
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from testbench.office.importer import import_document, write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
TARGET_S = 2.0


def _examples() -> object:
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_sheet(path: Path, rows: int) -> tuple[int, int]:
    """Write a sheet of at least ``rows`` data rows (the last case whole); return its rows and cases."""
    examples = _examples()
    sample = examples.rows()  # type: ignore[attr-defined]
    data: list[dict[str, object]] = []
    cases, copy = 0, 0
    while len(data) < rows:
        copy += 1
        for row in sample:
            if len(data) == rows and row["N° cas"]:
                break
            row = dict(row)
            if row["N° cas"]:
                row["N° cas"] = f"{row['N° cas']}-{copy:03d}"
                cases += 1
            data.append(row)
    examples.write_xlsx(path, data)  # type: ignore[attr-defined]
    return len(data), cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=700)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    mapping = load_mapping(EXAMPLES / "cahier-exemple.mapping.toml")
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "cahier-700.xlsx"
        rows, cases = build_sheet(sheet, args.rows)
        out = Path(folder) / "cahier-700.xml"
        write_import(sheet, mapping, out)  # untimed: copies the card profiles, warms the caches
        timings: dict[str, list[float]] = {"import_document": [], "write_import": []}
        for _ in range(args.runs):
            started = time.perf_counter()
            result = import_document(sheet, mapping)
            timings["import_document"].append(time.perf_counter() - started)
            started = time.perf_counter()
            written = write_import(sheet, mapping, out)
            timings["write_import"].append(time.perf_counter() - started)
        assert len(result.cases) == cases and not result.problems, result.problems[:3]
        assert len(written.cases) == cases and not written.problems, written.problems[:3]
    print(f"{rows} lignes, {cases} cas, {args.runs} essais")
    for name, values in timings.items():
        print(f"  {name:<16} médiane {statistics.median(values):.3f} s  min {min(values):.3f} s")
    figure = statistics.median(timings["write_import"])
    verdict = "OK" if figure <= TARGET_S else "AU-DESSUS DE LA CIBLE"
    print(f"import complet (testbench import) : {figure:.3f} s — cible ≤ {TARGET_S:.0f} s : {verdict}")
    return 0 if figure <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
