"""A CNDA-sized campaign (700 cases) on virtual cards through the real pcscd, timed against its target.

Targets for 700 cases end to end (issue 16): ≤ 45 s on one Vitale reader and one CPS reader
(``--readers 2``), ≤ 15 s on four benches (``--readers 8 --workers 4``), ≤ 60 s otherwise (:func:`target`).

The casebook is generated from the bundled billing casebook (its 57 cases repeated with new ids until
there are 700), so the card sequence is realistic: mostly the same CPS, Vitale cards that change.
The run uses the default parts: virtual cards through pcscd + vpcd, reference engine out of process.
Prints the total, the time per case, and where the time goes: card presentation vs the rest, the time
before the first case and after the last, and the CPU of this process, of its child processes (engines,
card emulators) and of pcscd (docs/cards.md §4.3).

The bay uses ``--readers`` vpcd readers (default 8: four per slot, poll phases spread; 4 gives two per
slot; 2 is the exam bench's one Vitale reader and one CPS reader, docs/cards.md §4.1, §4.2). When no
pcscd runs, the script starts one with that many readers and stops it afterwards; a running pcscd is
used as it is, the bay taking the first ``--readers / 2`` readers of each slot. ``TESTBENCH_CARD_READERS``
chooses the readers as for ``testbench run`` (and then ``--readers`` only sizes a pcscd it starts).

``--workers N`` runs the campaign on N benches at once (``run --workers``), each on one reader pair of
the ``--readers`` (4 pairs of 8 readers: ``--readers 8 --workers 4``); the time per case is then summed
over the benches. The bench lines name each bench's readers (in English, as the rest of the output).

Usage: .venv/bin/python benchmarks/campaign_pcsc.py [--cases 700] [--cards auto|inprocess] [--readers 8|4|2]
       [--workers 1|2|4]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _cards_stack import REPO, pcsc_stack

from testbench.cards.reader_pools import default_pools
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions


def generate(target: Path, cases: int) -> None:
    text = (CASEBOOKS_DIR / "billing.xml").read_text(encoding="utf-8")
    head, rest = text.split("<cases>", 1)
    body, tail = rest.rsplit("</cases>", 1)
    blocks = re.findall(r"<case [\s\S]*?</case>", body)
    out = []
    for i in range(cases):
        block = blocks[i % len(blocks)]
        out.append(re.sub(r'<case id="([^"]+)"', lambda m, i=i: f'<case id="{m.group(1)}-R{i:03d}"', block, count=1))
    # profiles are referenced relative to the casebook: give it the bundled cards beside it
    shutil.copytree(CASEBOOKS_DIR / "cards", target.parent / "cards", dirs_exist_ok=True)
    target.write_text(head + "<cases>\n" + "\n".join(out) + "\n</cases>" + tail, encoding="utf-8")


def card_changes(session: Path) -> tuple[dict[str, int], set[int]]:
    """Per slot, how many cases got another card than the slot held before (the costly presentations),
    and the attempts that changed a card."""
    conn = sqlite3.connect(session)
    rows = conn.execute(
        "SELECT attempt_id, data FROM events WHERE kind = 'card-present' ORDER BY attempt_id, id"
    ).fetchall()
    conn.close()
    held: dict[str, str] = {}
    changes: dict[str, int] = {}
    attempts: set[int] = set()
    for attempt, data in rows:
        event = json.loads(data)
        slot, profile = str(event.get("slot")), str(event.get("profile"))
        if held.get(slot) != profile:
            changes[slot] = changes.get(slot, 0) + 1
            held[slot] = profile
            attempts.add(attempt)
    return changes, attempts


def use_readers(count: int) -> None:
    """The bay takes the first ``count / 2`` readers of each slot (``TESTBENCH_CARD_READERS`` wins)."""
    if os.environ.get("TESTBENCH_CARD_READERS", "").strip():
        return
    per_slot = max(1, count // 2)
    os.environ["TESTBENCH_CARD_READERS"] = ",".join(
        f"{slot}=" + "|".join(f"{r.name}@{r.port}" for r in specs[:per_slot]) for slot, specs in default_pools().items()
    )


@contextlib.contextmanager
def vpcd_readers(count: int) -> Iterator[None]:
    """Start pcscd with ``count`` vpcd readers when none runs (stopped afterwards)."""
    from testbench.cards.pcsc import list_readers

    try:
        running = len(list_readers()) >= 2
    except Exception:
        running = False
    if not running:
        script = str(REPO / "scripts" / "pcscd.sh")
        r = subprocess.run([script, "start", "--readers", str(count)], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"pcscd indisponible : {r.stderr.strip()}")
    try:
        yield
    finally:
        if not running:
            subprocess.run([str(REPO / "scripts" / "pcscd.sh"), "stop"], capture_output=True)


def phases(session: Path, started: float, ended: float) -> tuple[float, float]:
    """Seconds before the first case started (casebook, session, benches: engines, emulators, first
    insertions) and after the last one ended (closing the benches)."""
    conn = sqlite3.connect(session)
    first, last = conn.execute("SELECT MIN(started_wall), MAX(ended_wall) FROM attempts").fetchone()
    conn.close()
    return (first or started) - started, ended - (last or ended)


def pcscd_cpu() -> float | None:
    """pcscd's CPU seconds so far (Linux /proc), None when not found."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            text = stat.read_text()
            if text[text.index("(") + 1 : text.rindex(")")] == "pcscd":
                fields = text[text.rindex(")") + 2 :].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def children_cpu() -> float:
    """CPU seconds of this process's ended children (engines, emulators; POSIX)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def target(readers: int, workers: int) -> tuple[float, str]:
    """The end-to-end target (s) for 700 cases in this mode, and the mode's name (issue 16 §3, §4)."""
    if workers >= 4:
        return 15.0, f"{workers} benches"
    if readers == 2 and workers == 1:
        return 45.0, "one Vitale reader and one CPS reader"
    return 60.0, "a CNDA-sized campaign"


def breakdown(session: Path, changed: set[int]) -> tuple[dict[str, int], float, float, list[str], float]:
    """Verdict counts, total card presentation + guard time, total step time (s), each bench's bay (as
    recorded, French), and the card presentation + guard time of the ``changed`` attempts (those that
    changed a card)."""
    conn = sqlite3.connect(session)
    verdicts = dict(conn.execute("SELECT verdict, COUNT(*) FROM attempts GROUP BY verdict").fetchall())
    rows = conn.execute(
        "SELECT a.id, a.started_mono_ns, a.duration_ms, MIN(e.mono_ns) FROM attempts a"
        " LEFT JOIN events e ON e.attempt_id = a.id AND e.kind = 'step-start' GROUP BY a.id"
    ).fetchall()
    environment = json.loads(conn.execute("SELECT environment FROM runs ORDER BY id DESC").fetchone()[0])
    conn.close()
    card_time = {a: (first - start) / 1e9 for a, start, _, first in rows if first is not None}
    cards = sum(card_time.values())
    total = sum(duration / 1000 for _, _, duration, _ in rows if duration is not None)
    on_change = sum(t for a, t in card_time.items() if a in changed)
    bays = environment.get("workers") or [environment.get("cards")]  # a parallel run records every bench's
    return verdicts, cards, total - cards, [str(bay) for bay in bays], on_change


@contextlib.contextmanager
def vpcd_lock() -> Iterator[None]:
    """The test suite's vpcd lock (tests/conftest_cards.py): concurrent pytest sessions wait instead of
    fighting over the readers (benchmark only: fcntl is POSIX)."""
    import fcntl

    with open(os.environ.get("TESTBENCH_VPCD_LOCK", "/tmp/testbench-vpcd.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=700)
    parser.add_argument("--cards", default="auto", choices=("auto", "pcsc", "inprocess"))
    parser.add_argument("--engine", default="reference", help="reference (out of process) or inprocess")
    parser.add_argument("--readers", type=int, default=8, help="vpcd readers used (and started when no pcscd runs)")
    parser.add_argument("--workers", type=int, default=1, help="parallel benches, one reader pair each (run --workers)")
    args = parser.parse_args()
    use_readers(args.readers)
    with tempfile.TemporaryDirectory() as tmp, vpcd_readers(args.readers), pcsc_stack(), vpcd_lock():
        casebook = Path(tmp) / "campaign.xml"
        generate(casebook, args.cases)
        session = Path(tmp) / "campaign.tbsession"
        started, cpu_started, wall_started = time.perf_counter(), time.process_time(), time.time()
        pcscd_started, children_started = pcscd_cpu(), children_cpu()
        options = CampaignOptions(BenchOptions(cards=args.cards, engine=args.engine), workers=args.workers)
        result = run_campaign(RunRequest(casebooks=[casebook], session=session, options=options))
        total = time.perf_counter() - started
        pcscd_ended, children = pcscd_cpu(), children_cpu() - children_started
        before, after = phases(session, wall_started, time.time())
        changes, changed = card_changes(session)
        verdicts, cards, steps, bays, on_change = breakdown(session, changed)
        for number, bay in enumerate(bays, 1):
            print(f"bench {number} of {len(bays)}: {english(bay)}")
        goal, mode = target(args.readers, args.workers)
        met = "" if args.cases != 700 else " (met)" if total <= goal else " (missed)"
        print(
            f"{result.ran} cases in {total:.1f} s end to end ({total / max(result.ran, 1) * 1000:.0f} ms/case)"
            f" — target for 700 cases, {mode}: ≤ {goal:.0f} s{met}"
        )
        if args.workers > 1:  # the benches' times overlap: their sums are not parts of the total
            print(
                f"  card presentation + guard: {cards:.1f} s; steps (engine, APDUs, store): {steps:.1f} s"
                f" (summed over the {args.workers} benches)"
            )
        else:
            print(
                f"  card presentation + guard: {cards:.1f} s; steps (engine, APDUs, store): {steps:.1f} s; "
                f"load, start-up and the rest: {total - cards - steps:.1f} s"
            )
        same = cards - on_change
        cpu = time.process_time() - cpu_started
        print(
            f"  before the first case (casebook, session, benches: engines, emulators, first cards): {before:.1f} s;"
            f" after the last case (closing the benches): {after:.1f} s"
        )
        print(f"  this process CPU: {cpu:.1f} s ({cpu / total * 100:.0f} % of one core: its Python threads share it)")
        pcscd = "" if pcscd_started is None or pcscd_ended is None else f"; pcscd: {pcscd_ended - pcscd_started:.1f} s"
        print(f"  other CPU: engines and card emulators (child processes): {children:.1f} s{pcscd}")
        print(f"  verdicts: {verdicts}")
        print(
            f"  card changes: {changes}; cases that change a card: {len(changed)}, {on_change:.1f} s"
            f" ({on_change / max(len(changed), 1) * 1000:.0f} ms each); the others: {same:.1f} s"
            f" ({same / max(result.ran - len(changed), 1) * 1000:.0f} ms each)"
        )


if __name__ == "__main__":
    main()
