"""Shared helper of the card benchmarks: make sure a pcscd with the vpcd readers is running."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _ready() -> bool:
    from testbench.cards.pcsc import list_readers

    try:
        return len(list_readers()) >= 2
    except Exception:
        return False


@contextlib.contextmanager
def pcsc_stack() -> Iterator[None]:
    """Use the running pcscd, or start one with scripts/pcscd.sh (and stop it afterwards)."""
    started = False
    if not _ready():
        r = subprocess.run([str(REPO / "scripts" / "pcscd.sh"), "start"], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"pcscd indisponible : {r.stderr.strip()}")
        started = True
    try:
        yield
    finally:
        if started:
            subprocess.run([str(REPO / "scripts" / "pcscd.sh"), "stop"], capture_output=True)


def stats(samples_ns: list[int]) -> dict[str, float]:
    s = sorted(samples_ns)
    n = len(s)
    return {
        "n": n,
        "median_ms": s[n // 2] / 1e6,
        "p90_ms": s[int(n * 0.9)] / 1e6,
        "p99_ms": s[min(n - 1, int(n * 0.99))] / 1e6,
        "max_ms": s[-1] / 1e6,
    }
