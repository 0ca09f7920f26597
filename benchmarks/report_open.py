"""Benchmark: how long the exam book of a CNDA-sized campaign (700 cases, 100,000 trace lines) takes to open
in headless Chromium.

Generates the session as ``report_build.py`` does, builds the report, then loads ``index.html`` with
``chromium --headless --dump-dom`` (which returns once the page has loaded and its script has run) and times
it, minus the same load of an empty page (the browser's own start-up). Median of ``--repeat`` loads. Prints
the figures; not a unit test.

    .venv/bin/python benchmarks/report_open.py [--cases 700] [--lines 100000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_build import make_session  # noqa: E402

from testbench.report.build import BuildOptions, build_report  # noqa: E402
from testbench.report.pdf import HEADLESS_FLAGS, find_chromium  # noqa: E402


def load_seconds(url: str, profile: Path) -> tuple[float, int]:
    """Wall time of one headless load of ``url`` and the size of the DOM it dumped."""
    cmd = [find_chromium(), *HEADLESS_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, timeout=300, check=True)
    return time.perf_counter() - t, len(proc.stdout)


def median_load(url: str, work: Path, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for i in range(repeat):
        seconds, size = load_seconds(url, work / f"profile-{i}")
        times.append(seconds)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=700)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the session and report in this folder")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="tb-report-open-"))
    work.mkdir(parents=True, exist_ok=True)
    session = work / "bench.tbsession"
    session.unlink(missing_ok=True)
    make_session(session, args.cases, args.lines)
    t = time.perf_counter()
    result = build_report(session, work / "report", BuildOptions())
    print(
        f"report: {args.cases} cases, {args.lines} trace lines built in {time.perf_counter() - t:.2f} s, "
        f"index.html {result.html.stat().st_size / 1e6:.2f} MB"
    )
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    base, _ = median_load(blank.as_uri(), work, args.repeat)
    whole, dom = median_load(result.html.as_uri(), work, args.repeat)
    opened = whole - base
    print(
        f"chromium: index.html loaded in {whole:.2f} s wall, empty page {base:.2f} s, "
        f"so the page itself {opened:.2f} s (median of {args.repeat}); DOM {dom / 1e6:.2f} MB"
    )
    print(f"budget: {'OK' if opened <= 1.5 else 'OVER'} (≤ 1.5 s)")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
