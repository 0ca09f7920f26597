"""testbench against its peers on the same job: wall time, peak memory and the ratios (issue 16 acceptance).

The peer job (benchmarks/peer/: each case logs 12 APDU-like exchanges and prices one LPP invoice in
Decimal, asserted; a full HTML report) runs under pytest + pytest-html and under Robot Framework, both
installed by this script into a throw-away virtualenv (never dependencies of testbench). testbench runs a
generated casebook of the same size where each case presents a virtual Vitale card, reads it and prices
the same invoice (expected AMO 33.60), with the in-process reader and engine and ``--report``:

    testbench run peer.xml --session S --cards inprocess --engine inprocess --report DIR

Each tool runs as its own process, ``--rounds`` times, the tools interleaved (median kept); CPU time
(user + system) and peak memory (the maximum resident set) come from ``wait4``, so this script needs
Linux or macOS. On a shared machine the CPU time is the steadier figure; the targets are in wall time.
To measure another checkout's testbench with this venv, run the script with ``PYTHONPATH=<checkout>``
from outside this repository. Targets of issue 16: testbench ≤ 1.0× the
wall time of pytest-html and ≤ 1.5× its peak memory (the step after that: 0.5×).

Usage: .venv/bin/python benchmarks/peer_ratio.py [--cases 700] [--rounds 3] [--venv DIR] [--keep DIR]
       [--only testbench] (``--venv`` reuses a virtualenv that already holds the peers)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEER = HERE / "peer"
PEER_PACKAGES = ("robotframework", "pytest", "pytest-html")
TARGET_TIME, TARGET_MEMORY = 1.0, 1.5


@dataclass
class Figure:
    seconds: float
    peak_mib: float
    cpu: float  # user + system seconds of the process: steadier than wall time on a busy machine


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Figure:
    """Run one tool to its end; its wall time and the peak resident memory of its process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}\n{err[-2000:]}")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Figure(seconds, usage.ru_maxrss * scale / 2**20, usage.ru_utime + usage.ru_stime)


def peer_venv(target: Path) -> Path:
    """A throw-away virtualenv with the peers, from the package registry; its bin folder."""
    bindir = target / ("Scripts" if os.name == "nt" else "bin")
    if not (bindir / "robot").exists() or not (bindir / "pytest").exists():
        subprocess.run([sys.executable, "-m", "venv", str(target)], check=True)
        subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
    return bindir


def compile_testbench() -> None:
    """Write testbench's bytecode as an installation does, so that no round pays for compiling it.

    pip compiles what it installs (the peers' packages in their virtualenv); an editable checkout run with
    ``PYTHONDONTWRITEBYTECODE=1`` would recompile every module in each process (about 0.16 s of CPU).
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("testbench")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def write_robot_suite(target: Path, cases: int) -> None:
    body = "".join(
        f"Case {i:04d}\n    [Tags]    lpp    fse\n    Exchange Apdus    12\n"
        "    ${amo}=    Price Invoice    14.00    4    60\n    Should Be Equal    ${amo}    33.60\n"
        for i in range(cases)
    )
    target.write_text("*** Settings ***\nLibrary    BillingLib.py\n\n*** Test Cases ***\n" + body, encoding="utf-8")


def write_casebook(target: Path, cases: int) -> None:
    """The testbench side: one Vitale card read and one LPP invoice priced per case."""
    from testbench.paths import CASEBOOKS_DIR

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CASEBOOKS_DIR / "cards" / "vitale2-adult-standard.xml", target.parent / "vitale.xml")
    case = """    <case id="PEER-{i:04d}" domain="fse" mode="securise" tags="lpp fse">
      <title>Cas {i:04d}</title>
      <objective>Lire la carte Vitale et facturer une ligne LPP.</objective>
      <cards><card slot="vitale" ref="vitale"/></cards>
      <steps>
        <read-vitale id="s-vitale" beneficiary="1"/>
        <invoice id="s-invoice" patient="p" care-date="2026-01-12" tiers-payant="amo">
          <line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00"/>
        </invoice>
      </steps>
      <expectations>
        <value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>
      </expectations>
    </case>
"""
    target.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<casebook xmlns="urn:testbench:casebook:1" format-version="1">
  <identity>
    <plan-id>PEER-JOB</plan-id><evolution>EV000</evolution><document-version>01.00</document-version>
    <effective-date>2026-01-01</effective-date><cdc-version>1.40</cdc-version><addendum>8</addendum>
    <ps-category>fournisseur-lpp</ps-category><title>Travail de comparaison avec les outils pairs</title>
  </identity>
  <fixtures>
    <card id="vitale" profile="vitale.xml"/>
    <patient id="p" card="vitale" rank="1"/>
  </fixtures>
  <cases>
{"".join(case.format(i=i) for i in range(cases))}  </cases>
</casebook>
""",
        encoding="utf-8",
    )


def testbench_command() -> list[str]:
    script = Path(sys.executable).with_name("testbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "testbench"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=700)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--venv", type=Path, default=None, help="virtualenv for the peers (created if missing)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the jobs and their reports in this folder")
    ap.add_argument("--only", choices=("testbench",), default=None, help="measure testbench alone")
    args = ap.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="tb-peer-ratio-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        jobs: dict[str, tuple[list[str], Path, dict[str, str] | None, Path]] = {}
        if args.only is None:
            bindir = peer_venv(args.venv or work / "venv")
            shutil.copyfile(PEER / "BillingLib.py", work / "BillingLib.py")
            shutil.copyfile(PEER / "test_suite.py", work / "test_suite.py")
            write_robot_suite(work / "suite.robot", args.cases)
            env = {**os.environ, "PEER_CASES": str(args.cases)}
            jobs["pytest-html"] = (
                [str(bindir / "pytest"), "-q", "-p", "no:cacheprovider", "test_suite.py",
                 "--html=out-pytest/report.html", "--self-contained-html"],
                work, env, work / "out-pytest",
            )  # fmt: skip
            jobs["robotframework"] = (
                [str(bindir / "robot"), "--outputdir", "out-robot", "-L", "INFO", "suite.robot"],
                work, None, work / "out-robot",
            )  # fmt: skip
        write_casebook(work / "tb" / "peer.xml", args.cases)
        compile_testbench()
        session = work / "tb" / "peer.tbsession"
        jobs["testbench"] = (
            [*testbench_command(), "run", "peer.xml", "--session", str(session),
             "--cards", "inprocess", "--engine", "inprocess", "--report", str(work / "tb" / "report")],
            work / "tb", None, work / "tb" / "report",
        )  # fmt: skip
        figures: dict[str, list[Figure]] = {name: [] for name in jobs}
        for _ in range(args.rounds):
            for name, (cmd, cwd, env, out) in jobs.items():  # interleaved: machine noise hits every tool alike
                shutil.rmtree(out, ignore_errors=True)
                for stale in session.parent.glob(session.name + "*"):
                    stale.unlink()
                figures[name].append(measure(cmd, cwd, env))
        med = {
            name: Figure(
                statistics.median(f.seconds for f in fs),
                statistics.median(f.peak_mib for f in fs),
                statistics.median(f.cpu for f in fs),
            )
            for name, fs in figures.items()
        }
        print(f"{args.cases} cases, median of {args.rounds} rounds (wall time, CPU time, peak resident memory)")
        for name, fig in med.items():
            rounds = " ".join(f"{f.seconds:.2f}" for f in figures[name])
            print(
                f"  {name:<15} {fig.seconds:6.2f} s  CPU {fig.cpu:6.2f} s  {fig.peak_mib:6.1f} MiB   (wall: {rounds} s)"
            )
        tb = med["testbench"]
        for name, fig in med.items():
            if name != "testbench":
                ratios = f"time {tb.seconds / fig.seconds:4.2f}×  CPU {tb.cpu / fig.cpu:4.2f}×"
                print(f"  testbench / {name:<15} {ratios}  memory {tb.peak_mib / fig.peak_mib:4.2f}×")
        if "pytest-html" in med:
            ref = med["pytest-html"]
            ok_time = tb.seconds <= TARGET_TIME * ref.seconds
            ok_mem = tb.peak_mib <= TARGET_MEMORY * ref.peak_mib
            print(
                f"  target (issue 16): time ≤ {TARGET_TIME}× pytest-html {'OK' if ok_time else 'MISSED'}, "
                f"memory ≤ {TARGET_MEMORY}× {'OK' if ok_mem else 'MISSED'}"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
