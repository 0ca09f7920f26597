"""Benchmark: how long the exam book of a CNDA-sized campaign (700 cases, 100,000 trace lines) takes to open
in headless Chromium.

Generates the session as ``report_build.py`` does, builds the report, then opens ``index.html`` in headless
Chromium two ways (median of ``--repeat`` loads each):

- in the page: a throw-away wrapper page loads it in a frame and times, with the browser's clock, from the
  frame's creation to its load event (parsing, the page's script) plus a forced style and layout pass —
  the time until the page can be drawn. This is the figure held against the budget (≤ 1.5 s);
- the process: ``chromium --headless --dump-dom`` wall time minus the same for an empty page (the browser's
  start-up); it also counts serialising the whole DOM back to text, which a reader never pays.

Prints the figures; not a unit test.

    .venv/bin/python benchmarks/report_open.py [--cases 700] [--lines 100000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_build import campaign_arguments, make_session, work_folder

from testbench.report.build import BuildOptions, build_report
from testbench.report.pdf import HEADLESS_FLAGS, find_chromium


def load_seconds(url: str, profile: Path) -> tuple[float, int]:
    """Wall time of one headless load of ``url`` and the size of the DOM it dumped."""
    cmd = [find_chromium(), *HEADLESS_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, timeout=300, check=True)
    return time.perf_counter() - t, len(proc.stdout)


#: loads the report in a frame and writes the time to its load event plus a layout pass into the wrapper's DOM
WRAPPER = """<!DOCTYPE html><html><body><p id="ms">none</p><script>
var t0=performance.now(),f=document.createElement("iframe");f.style.width="1200px";f.style.height="900px";
f.onload=function(){var h=f.contentDocument.body.offsetHeight;
document.getElementById("ms").textContent=String(performance.now()-t0)+" "+h;};
f.src=%s;document.body.appendChild(f);</script></body></html>"""


def in_page_seconds(page: Path, work: Path, repeat: int) -> float:
    """Median time from the frame's creation to its load event and first layout, by the browser's clock."""
    wrapper = work / "wrapper.html"
    wrapper.write_text(WRAPPER % json.dumps(page.as_uri()), encoding="utf-8")
    times = []
    for i in range(repeat):
        cmd = [
            find_chromium(),
            *HEADLESS_FLAGS,
            f"--user-data-dir={work / f'profile-frame-{i}'}",
            "--allow-file-access-from-files",  # the wrapper reads the frame's layout
            "--dump-dom",
            wrapper.as_uri(),
        ]
        out = subprocess.run(cmd, capture_output=True, timeout=300, check=True).stdout.decode()
        found = re.search(r'<p id="ms">([0-9.]+) (\d+)</p>', out)
        if found is None or int(found.group(2)) == 0:
            raise SystemExit("the wrapper page could not time the report (no layout measured)")
        times.append(float(found.group(1)) / 1000)
    return statistics.median(times)


def median_load(url: str, work: Path, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for i in range(repeat):
        seconds, size = load_seconds(url, work / f"profile-{i}")
        times.append(seconds)
    return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    campaign_arguments(ap)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    work, session = work_folder(args.keep, "tb-report-open-")
    make_session(session, args.cases, args.lines)
    t = time.perf_counter()
    result = build_report(session, work / "report", BuildOptions())
    print(
        f"report: {args.cases} cases, {args.lines} trace lines built in {time.perf_counter() - t:.2f} s, "
        f"index.html {result.html.stat().st_size / 1e6:.2f} MB"
    )
    page = in_page_seconds(result.html, work, args.repeat)
    print(f"chromium, in the page: loaded and laid out in {page:.2f} s (median of {args.repeat})")
    blank = work / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    base, _ = median_load(blank.as_uri(), work, args.repeat)
    whole, dom = median_load(result.html.as_uri(), work, args.repeat)
    opened = whole - base
    print(
        f"chromium, the process: --dump-dom in {whole:.2f} s wall, empty page {base:.2f} s, "
        f"difference {opened:.2f} s (median of {args.repeat}); DOM dumped {dom / 1e6:.2f} MB"
    )
    print(f"budget: {'OK' if page <= 1.5 else 'OVER'} (in the page ≤ 1.5 s)")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
