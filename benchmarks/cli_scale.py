"""Benchmark: the command line on a CNDA-sized session (754 cases, about 100,000 trace lines by default).

Runs a generated casebook twice (``--cards inprocess --engine inprocess``: sessions A and B), then times each
read of them as its own process, as a person runs it: ``report`` (new folder, then the same folder rebuilt),
``verify`` (the report, the report against its session, the session alone), ``coverage --plan``, ``diff A B``,
``merge`` and ``run --resume`` of the finished session. Prints wall time, CPU time (user + system) and peak
resident memory of each (``wait4``: Linux or macOS), and the size of the report's files; not a unit test.
Every process runs with a throw-away HOME.

Each case reads the Vitale card ``--reads`` times (10 by default: 754 cases give about 104,000 trace lines) and
prices one LPP invoice (``benchmarks/peer_ratio.py``'s case). ``--reruns N`` re-runs session A N times before the
reads are timed (``run --rerun``: N + 1 attempts a case, the chain N + 1 times as long).

    .venv/bin/python benchmarks/cli_scale.py [--cases 754] [--reads 10] [--reruns 0] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from peer_ratio import compile_testbench, measure, testbench_command, write_casebook

PLAN = """format = "testbench-plan/1"
ps-category = "fournisseur-lpp"

[product]
name = "Banc d'échelle"
version = "1.0"

[[casebooks]]
plan-id = "PEER-JOB"
document-version = "01.00"
path = "scale.xml"
"""


def write_scale_casebook(target: Path, cases: int, reads: int) -> None:
    """The peer job's casebook, each case reading the Vitale card ``reads`` times before its invoice."""
    write_casebook(target, cases)
    steps = "".join(f'        <read-vitale id="s-vitale{k}" beneficiary="1"/>\n' for k in range(reads))
    text = re.sub(r'        <read-vitale id="s-vitale" beneficiary="1"/>\n', steps, target.read_text("utf-8"))
    target.write_text(text, encoding="utf-8")
    (target.parent / "plan.toml").write_text(PLAN, encoding="utf-8")


def size_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=754)
    ap.add_argument("--reads", type=int, default=10, help="card reads per case (each about 13 trace lines)")
    ap.add_argument("--reruns", type=int, default=0, help="re-run session A this many times before the reads")
    ap.add_argument("--keep", type=Path, default=None, help="keep the sessions and reports in this folder")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="tb-cli-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    home = work / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": "", "USERPROFILE": str(home)}
    tb = testbench_command()
    try:
        write_scale_casebook(work / "scale.xml", args.cases, args.reads)
        compile_testbench()
        for stale in work.glob("*.tbsession*"):
            stale.unlink()
        for folder in ("report", "report-b"):
            shutil.rmtree(work / folder, ignore_errors=True)
        run = ["run", "scale.xml", "--cards", "inprocess", "--engine", "inprocess", "--session"]
        jobs: list[tuple[str, list[str]]] = [
            ("run A", [*run, "a.tbsession"]),
            ("run B", [*run, "b.tbsession"]),
            *((f"run A --rerun ({n})", [*run, "a.tbsession", "--rerun"]) for n in range(1, args.reruns + 1)),
            ("report (new folder)", ["report", "a.tbsession", "-o", "report"]),
            ("report (rebuilt)", ["report", "a.tbsession", "-o", "report"]),
            ("verify REPORT", ["verify", "report"]),
            ("verify REPORT --session", ["verify", "report", "--session", "a.tbsession"]),
            ("verify SESSION", ["verify", "a.tbsession"]),
            ("coverage --plan", ["coverage", "a.tbsession", "--plan", "plan.toml"]),
            ("diff A B", ["diff", "a.tbsession", "b.tbsession"]),
            ("merge A", ["merge", "-o", "m.tbsession", "a.tbsession"]),
            ("run --resume (finished)", [*run, "a.tbsession", "--resume"]),
        ]
        print(
            f"{args.cases} cases, {args.reads} card reads each, {args.reruns} re-runs"
            " (wall time, CPU time, peak resident memory)"
        )
        for name, cmd in jobs:
            fig = measure([*tb, *cmd], work, env)
            print(f"  {name:<26} {fig.seconds:6.2f} s  CPU {fig.cpu:6.2f} s  {fig.peak_mib:6.1f} MiB")
            if name == "run A":
                with sqlite3.connect(work / "a.tbsession") as conn:
                    lines = conn.execute("SELECT count(*) FROM trace_lines").fetchone()[0]
                print(f"  {'':<26} session {size_mb(work / 'a.tbsession'):.1f} MB, {lines} trace lines")
        sizes = ", ".join(
            f"{p.name} {size_mb(p):.1f} MB" for p in sorted((work / "report").iterdir()) if p.is_file()
        )
        print(f"  report folder: {sizes}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
