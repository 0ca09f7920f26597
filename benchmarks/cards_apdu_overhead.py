"""Overhead per APDU of the bench's card path over raw pyscard, on the same real stack.

    .venv/bin/python benchmarks/cards_apdu_overhead.py [--n 2000]

Same reader, same emulated card (an emulator process through vpcd), same APDU (SELECT MF → 9000,
so the bench path does exactly one physical exchange). Raw: pyscard ``CardConnection.transmit``.
Bench: ``PcscBay.transmit`` (Link: T=0 checks, timing, PIN masking, ApduExchange to one sink,
watchdog deadline). Samples alternate in blocks of 100 so drift hits both sides equally.
Also measured without any PC/SC: the Link's own cost over a transport that answers at once.
Target: overhead (median bench − median raw) ≤ 0.2 ms.
"""

from __future__ import annotations

import argparse
import time

from _cards_stack import REPO, pcsc_stack, stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()

    from smartcard.pcsc.PCSCReader import PCSCReader

    from testbench.cards import apdu as A
    from testbench.cards import layout as L
    from testbench.cards.bay import PcscBay
    from testbench.cards.link import Link

    apdu = A.select_fid(L.FID_MF)
    cmd_list = list(apdu)
    with pcsc_stack(), PcscBay(emulator="process") as bay:
        bay.present("vitale", REPO / "casebooks/cards/vitale2-adult-standard.xml")
        seen = []
        bay.add_sink(seen.append)
        raw = PCSCReader(bay.reader_name("vitale")).createConnection()
        raw.connect()
        for _ in range(50):  # warm-up
            raw.transmit(cmd_list)
            with bay.sequence("vitale"):  # the bay's PC/SC transaction ends with it: the raw side is not held back
                bay.transmit("vitale", apdu)
        seen.clear()
        raw_ns: list[int] = []
        bench_ns: list[int] = []
        pc = time.perf_counter_ns
        for _ in range(args.n // 100):
            for _ in range(100):
                t = pc()
                raw.transmit(cmd_list)
                raw_ns.append(pc() - t)
            with bay.sequence("vitale"):
                for _ in range(100):
                    t = pc()
                    bay.transmit("vitale", apdu)
                    bench_ns.append(pc() - t)
            assert len(seen) == 100, "the sink must receive every bench APDU"
            seen.clear()
        raw.disconnect()
        bay.remove("vitale")

    class Instant:
        reader = "instant"

        def atr(self) -> bytes:
            return b""

        def transmit_raw(self, apdu: bytes) -> bytes:
            return b"\x90\x00"

        def close(self) -> None:
            pass

    link = Link(Instant(), "vitale", [seen.append])
    link_ns = []
    for _ in range(args.n):
        t = time.perf_counter_ns()
        link.transmit(apdu)
        link_ns.append(time.perf_counter_ns() - t)
        seen.clear()

    r, b, lk = stats(raw_ns), stats(bench_ns), stats(link_ns)
    print(f"APDU: SELECT MF, n = {args.n} per side, emulator process via pcscd + vpcd")
    for name, s in (("raw pyscard", r), ("bench (PcscBay)", b), ("Link alone (no PC/SC)", lk)):
        print(
            f"  {name:<22} median {s['median_ms']:.4f} ms  p90 {s['p90_ms']:.4f}  p99 {s['p99_ms']:.4f}  "
            f"max {s['max_ms']:.3f}"
        )
    overhead = b["median_ms"] - r["median_ms"]
    verdict = "OK" if overhead <= 0.2 else "AU-DESSUS DE LA CIBLE"
    print(f"overhead per APDU (median bench - median raw): {overhead:.4f} ms  (target <= 0.2 ms: {verdict})")


if __name__ == "__main__":
    main()
