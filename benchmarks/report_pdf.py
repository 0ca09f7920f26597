"""Benchmark: the PDF exam book of a CNDA-sized campaign (700 cases, 100,000 trace lines): time and size.

Generates the session as ``report_build.py`` does, builds the report with ``--pdf`` and prints how long the
PDF stage took and the PDF's size. Not a unit test.

    .venv/bin/python benchmarks/report_pdf.py [--cases 700] [--lines 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_build import campaign_arguments, make_session, work_folder

from testbench.report.build import BuildOptions, build_report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    campaign_arguments(ap)
    args = ap.parse_args(argv)
    work, session = work_folder(args.keep, "tb-report-pdf-")
    make_session(session, args.cases, args.lines)
    t = time.perf_counter()
    result = build_report(session, work / "report", BuildOptions(pdf=True))
    total = time.perf_counter() - t
    assert result.pdf is not None
    seconds, mb = result.timings["pdf"], result.pdf.stat().st_size / 1e6
    print(f"report with PDF: {total:.1f} s in all; PDF stage {seconds:.1f} s, report.pdf {mb:.1f} MB")
    print(f"budget: time {'OK' if seconds <= 10 else 'OVER'} (≤ 10 s), size {'OK' if mb <= 15 else 'OVER'} (≤ 15 MB)")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
