"""Kill -9 at random moments, then ``--resume``: what a killed run keeps, on a CNDA-sized campaign (issue 16).

The 700-case casebook of ``peer_ratio.py`` (a virtual Vitale card read and one LPP invoice priced per case)
runs in process (``--cards inprocess --engine inprocess``). An uninterrupted run gives the reference
verdicts. Then, in series of ``--per-series`` kills on a fresh session each, a run (``--resume`` after the
first) is killed at a random moment once it has recorded a verdict of its own — mid-step, between steps or
between cases — and a last ``--resume`` finishes the campaign. Checked after every kill and at the end:

- no recorded step end and no recorded verdict is lost (each kill's rows are a superset of the last's);
- the final verdicts are those of the uninterrupted run, and no finished case ran twice;
- the session's hash chain verifies.

Prints the kills, the series, the seed, the wall time and the count of each failure (all 0 expected); exits 1
when one is not. The kill is ``Popen.kill``: SIGKILL on POSIX (``kill -9``), TerminateProcess on Windows.

Usage: .venv/bin/python benchmarks/resume_kills.py [--cases 700] [--kills 50] [--per-series 10] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from peer_ratio import write_casebook

from testbench.store import chain

_STEPS = (
    "SELECT id, attempt_id, step_id, kind, data FROM events WHERE kind IN ('step-end', 'step-failed', 'step-refused')"
)
_VERDICTS = "SELECT id, case_id, number, verdict, reason FROM attempts WHERE verdict NOT IN ('none', 'pending')"


def run_args(casebook: Path, session: Path) -> list[str]:
    return [sys.executable, "-m", "testbench", "run", str(casebook), "--session", str(session),
            "--cards", "inprocess", "--engine", "inprocess"]  # fmt: skip


def _read(session: Path, query: str) -> list[tuple[Any, ...]]:
    """Rows of a session being written by another process (read-only, WAL readers do not block it)."""
    if not session.exists():
        return []
    conn = sqlite3.connect(f"file:{session}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(query).fetchall()
    except sqlite3.OperationalError:  # killed before its schema was written
        return []
    finally:
        conn.close()


def recorded(session: Path) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    return set(_read(session, _STEPS)), set(_read(session, _VERDICTS))


def latest_verdicts(session: Path) -> dict[str, str]:
    return dict(_read(session, "SELECT case_id, verdict FROM attempts ORDER BY number"))


def series(casebook: Path, session: Path, kills: int, rng: random.Random, failures: Counter[str]) -> int:
    """Kill a run of ``casebook`` up to ``kills`` times, then resume it to its end; the kills made."""
    made = 0
    while made < kills:
        steps_before, verdicts_before = recorded(session)
        args = run_args(casebook, session) + (["--resume"] if session.exists() else [])
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:  # once this run recorded a verdict of its own
            if len(recorded(session)[1]) > len(verdicts_before):
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.06))  # a case takes a few milliseconds: anywhere in the next few cases
        if proc.poll() is not None:
            break  # the campaign ended before this kill
        proc.kill()
        proc.wait(timeout=60)
        made += 1
        steps_after, verdicts_after = recorded(session)
        failures["recorded step lost"] += len(steps_before - steps_after)
        failures["recorded verdict lost"] += len(verdicts_before - verdicts_after)
    final = subprocess.run([*run_args(casebook, session), "--resume"], capture_output=True, text=True, timeout=600)
    if final.returncode not in (0, 1, 2) or "Traceback" in final.stderr:
        failures["final resume failed"] += 1
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=700)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--per-series", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    failures: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        casebook = work / "peer.xml"
        write_casebook(casebook, args.cases)
        reference = work / "reference.tbsession"
        subprocess.run(run_args(casebook, reference), capture_output=True, timeout=600)
        expected = latest_verdicts(reference)
        started = time.perf_counter()
        kills = rounds = 0
        while kills < args.kills:
            rounds += 1
            session = work / f"killed-{rounds}.tbsession"
            made = series(casebook, session, min(args.per_series, args.kills - kills), rng, failures)
            if made == 0:
                print("the campaign ended before a kill: too few cases for these kills", file=sys.stderr)
                return 1
            kills += made
            final = latest_verdicts(session)
            failures["verdict differs from the uninterrupted run"] += sum(
                final.get(case) != verdict for case, verdict in expected.items()
            )
            twice = _read(session, f"SELECT case_id, COUNT(*) FROM ({_VERDICTS}) GROUP BY case_id HAVING COUNT(*) > 1")
            failures["finished case run twice"] += len(twice)
            conn = sqlite3.connect(f"file:{session}?mode=ro", uri=True)
            try:
                failures["chain broken"] += not chain.verify(conn).ok
            finally:
                conn.close()
        seconds = time.perf_counter() - started
    checks = ("recorded step lost", "recorded verdict lost", "verdict differs from the uninterrupted run",
              "finished case run twice", "chain broken", "final resume failed")  # fmt: skip
    shape = f"{rounds} series of up to {args.per_series}"
    print(f"{kills} kills in {shape} ({args.cases} cases, seed {seed}), {seconds:.1f} s")
    print(f"reference verdicts: {dict(Counter(expected.values()))}")
    for check in checks:
        print(f"  {check}: {failures[check]}")
    return 1 if any(failures[check] for check in checks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
