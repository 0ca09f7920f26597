"""Benchmark: the exam book of a CNDA-sized campaign (700 cases, 100,000 trace lines).

Writes the session through SessionStore (so the journal chain is real), then times the HTML report
build and, unless --no-pdf, the PDF. Prints the figures; not a unit test.

    .venv/bin/python benchmarks/report_build.py [--cases 700] [--lines 100000] [--no-pdf] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from testbench.report.build import BuildOptions, build_report
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine

DOMAINS = ("fse", "dre", "adri", "apcv", "lot", "cards")
APDUS = (
    "A>> 00 A4 04 00 07 A0 00 00 00 04 10 10  A<< 90 00  (12.40 ms) [vitale@Virtual PCD 00 00]",
    "A>> 00 B0 00 00 40  A<< 01 02 03 04 05 06 07 08 90 00  (18.20 ms) [vitale@Virtual PCD 00 00]",
    "A>> 80 CA 9F 7F 2D  A<< 9F 7F 2A 40 90 61 22 47 91 12 34 56 78 90 00  (9.81 ms) [cps@Virtual PCD 00 01]",
)


def make_session(path: Path, n_cases: int, n_lines: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    per_case = n_lines // n_cases
    extra = n_lines - per_case * n_cases
    cases = []
    for i in range(n_cases):
        cid = f"TC-{i + 1:04d}"
        steps = [
            {"id": "s1", "kind": "action", "action": "read-vitale", "instruction": "", "observe": []},
            {"id": "s2", "kind": "action", "action": "invoice", "instruction": "", "observe": []},
            {
                "id": "s3",
                "kind": "manual",
                "action": "",
                "instruction": "Vérifier l'écran de l'application",
                "observe": [],
            },
        ]
        definition = {"objective": f"Objectif du cas {cid} : facturation LPP", "tags": ["bench"], "steps": steps}
        cases.append((cid, f"Facture LPP n° {i + 1}", DOMAINS[i % len(DOMAINS)], "securise", definition))
    sha = "b" * 64
    with SessionStore.open(path) as store:
        store.conn.execute("PRAGMA synchronous = OFF")  # generation speed only; the report reads the same rows
        store.add_casebook(sha, "bench.xml", "PDT-CDC-087", {"plan_id": "PDT-CDC-087", "evolution": "EV112"}, cases)
        store.set_selection([(sha, c[0]) for c in cases])
        run = store.begin_run(["bench"], {}, {"engine": {"name": "reference", "version": "1"}, "cards": "virtual"})
        wall = time.time()
        for i, (cid, *_rest) in enumerate(cases):
            attempt = store.start_attempt(run, sha, cid)
            for step in ("s1", "s2", "s3"):
                store.add_event("step-start", {"action": step}, attempt_id=attempt, step_id=step)
                if step == "s3":
                    store.add_event(
                        "manual-attested",
                        {"confirmed": True, "operator": "opérateur", "note": "écran conforme", "values": {}},
                        attempt_id=attempt,
                        step_id=step,
                    )
                else:
                    store.add_event("step-end", {"status": "done"}, attempt_id=attempt, step_id=step)
            amo = f"{rnd.randint(100, 9000) / 100:.2f}"
            store.add_observations(attempt, "s2", {"invoice.totals.amo": amo, "vitale.nom": "MARTIN"}, "engine")
            fail = i % 23 == 0
            store.add_comparisons(
                attempt,
                [
                    (
                        "e1",
                        "value",
                        "fail" if fail else "pass",
                        {
                            "expectation_id": "e1",
                            "kind": "value",
                            "outcome": "fail" if fail else "pass",
                            "message": "différent" if fail else "égal",
                            "path": "invoice.totals.amo",
                            "expected": "12.00" if fail else amo,
                            "observed": amo,
                            "rules": [],
                        },
                    )
                ],
            )
            n = per_case + (1 if i < extra else 0)
            lines = []
            for k in range(n):
                kind = k % 4
                if kind == 0:
                    text, channel = APDUS[k % len(APDUS)], "apdu"
                elif kind == 1:
                    text, channel = f"create_invoice ref=bench-{i}-{k} lpp=1241763 qte=4 pu=14.00", "engine"
                elif kind == 2:
                    text, channel = (
                        f"2026-01-15 10:{k % 60:02d}:00 INFO facture {i}-{k} nom=MARTIN montant {amo}",
                        "app",
                    )
                else:
                    text, channel = f"étape s{k % 3 + 1} : ok", "bench"
                wall += 0.001
                lines.append(TraceLine(channel, int(wall * 1e9), wall, text, attempt_id=attempt, step_id="s2"))
            store.add_trace_lines(lines)
            store.finish_attempt(attempt, "fail" if fail else "pass", "e1 : différent" if fail else "")
        store.end_run(run)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def campaign_arguments(ap: argparse.ArgumentParser) -> None:
    """--cases, --lines and --keep, which every report benchmark takes."""
    ap.add_argument("--cases", type=int, default=700)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, default=None, help="keep the session and report in this folder")


def work_folder(keep: Path | None, prefix: str) -> tuple[Path, Path]:
    """The benchmark's folder (``keep``, else a temporary one) and the path of a fresh session file in it."""
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    session = work / "bench.tbsession"
    session.unlink(missing_ok=True)
    return work, session


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    campaign_arguments(ap)
    ap.add_argument("--no-pdf", action="store_true")
    args = ap.parse_args(argv)
    work, session = work_folder(args.keep, "tb-report-bench-")
    t = time.perf_counter()
    make_session(session, args.cases, args.lines)
    print(
        f"session: {args.cases} cases, {args.lines} trace lines written in {time.perf_counter() - t:.2f} s "
        f"({session.stat().st_size / 1e6:.1f} MB)"
    )
    out = work / "report"
    t, cpu = time.perf_counter(), time.process_time()
    result = build_report(session, out, BuildOptions())
    elapsed = time.perf_counter() - t
    cpu = time.process_time() - cpu  # what the build costs whatever else the machine is doing
    html_mb = result.html.stat().st_size / 1e6
    print(
        f"html report: {elapsed:.2f} s wall, {cpu:.2f} s CPU (HTML + evidence + JSON + JUnit + manifest), "
        f"index.html {html_mb:.2f} MB, "
        f"folder {folder_size(out) / 1e6:.1f} MB, {len(result.files)} files"
    )
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    print(
        f"budget: time {'OK' if elapsed <= 3 else 'OVER'} (≤ 3 s), size {'OK' if html_mb <= 10 else 'OVER'} (≤ 10 MB)"
    )
    if not args.no_pdf:
        from testbench.report.pdf import html_to_pdf

        t = time.perf_counter()
        pdf = html_to_pdf(result.html, out / "report.pdf")
        print(f"pdf: {time.perf_counter() - t:.1f} s, {pdf.stat().st_size / 1e6:.1f} MB")
    if args.keep is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
