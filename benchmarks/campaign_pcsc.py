"""A CNDA-sized campaign (700 cases) on virtual cards through the real pcscd — target ≤ 60 s end to end.

The casebook is generated from the bundled billing casebook (its 57 cases repeated with new ids until
there are 700), so the card sequence is realistic: mostly the same CPS, Vitale cards that change.
The run uses the default parts: virtual cards through pcscd + vpcd, reference engine out of process.
Prints the total, the time per case, and where the time goes (card presentation vs the rest).

The bay uses every spare vpcd reader pcscd lists (docs/cards.md §4.1). When no pcscd runs, the script
starts one with ``--readers`` vpcd readers (default 8: four per slot, poll phases spread; 4 gives two
per slot) and stops it afterwards; a running pcscd is used as it is. ``TESTBENCH_CARD_READERS``
chooses the readers as for ``testbench run``.

Usage: .venv/bin/python benchmarks/campaign_pcsc.py [--cases 700] [--cards auto|inprocess] [--readers 8]
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


def card_changes(session: Path) -> dict[str, int]:
    """Per slot, how many cases got another card than the slot held before (the costly presentations)."""
    conn = sqlite3.connect(session)
    rows = conn.execute("SELECT data FROM events WHERE kind = 'card-present' ORDER BY attempt_id, id").fetchall()
    conn.close()
    held: dict[str, str] = {}
    changes: dict[str, int] = {}
    for (data,) in rows:
        event = json.loads(data)
        slot, profile = str(event.get("slot")), str(event.get("profile"))
        if held.get(slot) != profile:
            changes[slot] = changes.get(slot, 0) + 1
            held[slot] = profile
    return changes


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


def breakdown(session: Path) -> tuple[dict[str, int], float, float, str]:
    """Verdict counts, total card presentation + guard time, total step time (s), and the bay used."""
    conn = sqlite3.connect(session)
    verdicts = dict(conn.execute("SELECT verdict, COUNT(*) FROM attempts GROUP BY verdict").fetchall())
    rows = conn.execute(
        "SELECT a.started_mono_ns, a.duration_ms, MIN(e.mono_ns) FROM attempts a"
        " LEFT JOIN events e ON e.attempt_id = a.id AND e.kind = 'step-start' GROUP BY a.id"
    ).fetchall()
    environment = json.loads(conn.execute("SELECT environment FROM runs ORDER BY id DESC").fetchone()[0])
    conn.close()
    cards = sum((first - start) / 1e9 for start, _, first in rows if first is not None)
    total = sum(duration / 1000 for _, duration, _ in rows if duration is not None)
    return verdicts, cards, total - cards, str(environment.get("cards"))


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
    parser.add_argument("--readers", type=int, default=8, help="vpcd readers when this script starts pcscd")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, vpcd_readers(args.readers), pcsc_stack(), vpcd_lock():
        casebook = Path(tmp) / "campaign.xml"
        generate(casebook, args.cases)
        session = Path(tmp) / "campaign.tbsession"
        started = time.perf_counter()
        options = CampaignOptions(BenchOptions(cards=args.cards, engine=args.engine))
        result = run_campaign(RunRequest(casebooks=[casebook], session=session, options=options))
        total = time.perf_counter() - started
        verdicts, cards, steps = breakdown(session)[:3]
        bay = breakdown(session)[3]
        print(f"bay: {bay}")
        print(
            f"{result.ran} cases in {total:.1f} s end to end ({total / max(result.ran, 1) * 1000:.0f} ms/case)"
            " — target ≤ 60 s"
        )
        print(
            f"  card presentation + guard: {cards:.1f} s; steps (engine, APDUs, store): {steps:.1f} s; "
            f"load, start-up and the rest: {total - cards - steps:.1f} s"
        )
        changes = card_changes(session)
        per_change = cards / max(sum(changes.values()), 1)
        print(f"  verdicts: {verdicts}")
        print(f"  card changes: {changes}; card presentation + guard / changes: {per_change:.2f} s")


if __name__ == "__main__":
    main()
