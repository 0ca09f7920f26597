"""Benchmark: write a run's results back into a 700-row exam book spreadsheet (XLSX), as ``testbench export``.

Builds the sheet as ``office_import.py`` does, imports it, runs its cases once (reference engine and cards in
process), then times ``export_results`` over ``--runs`` runs: read the workbook, read its cases again as the
import reads them (to catch a row edited after the run), and write the results into a copy.

Run: ``.venv/bin/python benchmarks/office_export.py [--rows 700] [--runs 5]``
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from testbench.casebook.loader import load_casebook
from testbench.office.export import export_results
from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping
from testbench.runner.campaign import Campaign
from testbench.runner.options import BenchOptions, CampaignOptions

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "casebooks" / "examples"


def _build_sheet() -> object:
    """``office_import.build_sheet``: one way to make the sheet for both benchmarks."""
    spec = importlib.util.spec_from_file_location("office_import", HERE / "office_import.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_sheet  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=700)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    mapping = load_mapping(EXAMPLES / "cahier-exemple.mapping.toml")
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "cahier.xlsx"
        rows, cases = _build_sheet()(sheet, args.rows)
        casebook_path = Path(folder) / "cahier.xml"
        write_import(sheet, mapping, casebook_path)
        casebook = load_casebook(casebook_path)
        session = Path(folder) / "run.tbsession"
        options = CampaignOptions(BenchOptions(cards="inprocess", engine="inprocess"))
        Campaign([casebook], session, options).run([(casebook, case) for case in casebook.cases])
        timings = []
        for run in range(args.runs):
            target = Path(folder) / f"resultats-{run}.xlsx"
            started = time.perf_counter()
            outcome = export_results(session, sheet, mapping, target)
            timings.append(time.perf_counter() - started)
        assert len(outcome.written) == cases, (len(outcome.written), cases)
    print(f"{rows} lignes, {cases} cas, {args.runs} essais")
    print(f"  export_results   médiane {statistics.median(timings):.3f} s  min {min(timings):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
