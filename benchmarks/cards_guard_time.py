"""Time of the card guard once the cards are present (target ≤ 50 ms), on the real stack.

    .venv/bin/python benchmarks/cards_guard_time.py [--n 50]

A Vitale 2 (vitale2-c2s) and a CPS4 (cps4-nurse) are emulated by separate processes through vpcd.
Each iteration is one ``check_cards`` for both slots: connect, ATR, the Vitale read sequence, the
CPS reads and tries count, then release (SCardDisconnect with reset). The first call is reported
apart (it includes the first SCardConnect).
"""

from __future__ import annotations

import argparse
import time

from _cards_stack import REPO, pcsc_stack, stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    args = ap.parse_args()

    from testbench.cards.bay import PcscBay
    from testbench.cards.guard import check_cards
    from testbench.cards.profile import load_profile

    cards = REPO / "casebooks/cards"
    vitale, cps = load_profile(cards / "vitale2-c2s.xml"), load_profile(cards / "cps4-nurse.xml")
    with pcsc_stack(), PcscBay(emulator="process") as bay:
        bay.present("vitale", vitale.path)
        bay.present("cps", cps.path)
        apdus = []
        bay.add_sink(apdus.append)
        t = time.perf_counter_ns()
        check_cards(bay, [("vitale", vitale), ("cps", cps)])
        first_ms = (time.perf_counter_ns() - t) / 1e6
        per_call = len(apdus)
        both, single = [], []
        for _ in range(args.n):
            t = time.perf_counter_ns()
            check_cards(bay, [("vitale", vitale), ("cps", cps)])
            both.append(time.perf_counter_ns() - t)
            t = time.perf_counter_ns()
            check_cards(bay, [("vitale", vitale)])
            single.append(time.perf_counter_ns() - t)
    s2, s1 = stats(both), stats(single)
    print(f"guard, cards present, n = {args.n}; {per_call} APDUs per two-card check")
    print(f"  first call (two cards)  {first_ms:.2f} ms")
    print(f"  Vitale + CPS            median {s2['median_ms']:.2f} ms  p90 {s2['p90_ms']:.2f}  max {s2['max_ms']:.2f}")
    print(f"  Vitale only             median {s1['median_ms']:.2f} ms  p90 {s1['p90_ms']:.2f}  max {s1['max_ms']:.2f}")
    print(f"target <= 50 ms per check: {'OK' if s2['p90_ms'] <= 50 else 'AU-DESSUS DE LA CIBLE'} (p90, two cards)")


if __name__ == "__main__":
    main()
