"""Benchmark: tailing keeps up with an application writing 5,000 lines/s, and redaction throughput.

Usage: ``.venv/bin/python benchmarks/traces_tail.py [--rate 5000] [--seconds 10] [--store] [--rotate-every N]``

Part 1 runs a separate writer process that appends timestamped lines to a log file at ``--rate`` lines/s
(rotating it by rename every ``--rotate-every`` lines), while a :class:`TraceCapture` follows the file
and hands batches to a writer (an in-memory sink, or the real SQLite session store with ``--store``).
It prints the achieved rate, lines lost or duplicated, the capture lag (line written -> line captured)
and the write lag (line captured -> batch written).

Part 2 sends syslog messages at the same rate from another process (half over UDP, half over TCP) and
prints what was received, lost or duplicated, and the lag.

Part 3 measures redaction on 100,000 realistic lines (full redaction for export, and the PIN-only
pass that runs on every captured line).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine
from testbench.traces.redact import Redactor, redact_pins

WRITER = r"""
import os, sys, time
from datetime import datetime, timezone
path, rate, seconds, rotate_every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
total = int(rate * seconds)
tick = 0.005
per_tick = max(1, int(rate * tick))
handle = open(path, "a", encoding="utf-8", newline="\n", buffering=1)
start = time.perf_counter()
i = 0
while i < total:
    for _ in range(min(per_tick, total - i)):
        if rotate_every and i and i % rotate_every == 0:
            handle.close()
            os.replace(path, f"{path}.{i // rotate_every}")
            handle = open(path, "a", encoding="utf-8", newline="\n", buffering=1)
        now = time.time()
        ts = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="milliseconds")
        handle.write(f"{ts} INFO com.editeur.fse.Builder - seq={i} t={now:.6f} FSE créée, lot 000123, montant 12,50\n")
        i += 1
    target = start + (i / rate)
    delay = target - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
handle.close()
print(f"{total} {time.perf_counter() - start:.3f}")
"""


class Sink:
    def __init__(self, store_writer=None) -> None:
        self.lines: list[TraceLine] = []
        self.write_lags: list[float] = []
        self.store_writer = store_writer
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        if self.store_writer is not None:
            self.store_writer(batch)
        now = time.time()
        with self._lock:
            self.lines.extend(batch)
            self.write_lags.extend(now - line.wall for line in batch)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_tail(rate: int, seconds: float, rotate_every: int, use_store: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "app.log"
        log.write_text("")
        store = None
        if use_store:
            from testbench.store.session import SessionStore

            store = SessionStore.open(Path(tmp) / "session.sqlite")
        sink = Sink(store.add_trace_lines if store else None)
        capture = TraceCapture(sink, poll_interval=0.05, flush_interval=0.1)
        capture.add_files(log, fmt="iso8601")
        capture.start()
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", WRITER, str(log), str(rate), str(seconds), str(rotate_every)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        total, write_time = int(out[0]), float(out[1])
        deadline = time.monotonic() + 10
        while len(sink.lines) < total and time.monotonic() < deadline:
            time.sleep(0.01)
        capture.stop()
        elapsed = time.perf_counter() - started
        if store is not None:
            store.close()
        seqs = [int(line.text.split("seq=", 1)[1].split()[0]) for line in sink.lines]
        lags = [line.wall - float(line.text.split(" t=", 1)[1].split()[0]) for line in sink.lines]
        walls = [line.wall for line in sink.lines]
        span = (max(walls) - min(walls)) or 1e-9
        print(f"tail: writer {total} lines in {write_time:.2f} s = {total / write_time:,.0f} lines/s offered")
        print(
            f"tail: captured {len(sink.lines)} lines, missing {total - len(set(seqs))}, "
            f"duplicated {len(seqs) - len(set(seqs))}, in order {seqs == sorted(seqs)}; "
            f"rotations {capture.tailers[0].rotations}"
        )
        print(f"tail: achieved {len(sink.lines) / span:,.0f} lines/s over {span:.2f} s (wall {elapsed:.2f} s)")
        print(
            "tail: capture lag (written -> captured) "
            f"p50 {1000 * statistics.median(lags):.1f} ms, p95 {1000 * pct(lags, 0.95):.1f} ms, "
            f"p99 {1000 * pct(lags, 0.99):.1f} ms, max {1000 * max(lags):.1f} ms"
        )
        w = sink.write_lags
        print(
            f"tail: write lag (captured -> {'SQLite store' if use_store else 'sink'}) "
            f"p50 {1000 * statistics.median(w):.1f} ms, p95 {1000 * pct(w, 0.95):.1f} ms, "
            f"max {1000 * max(w):.1f} ms; batches {capture.stats().batches}, "
            f"mean batch {len(sink.lines) / max(1, capture.stats().batches):.0f} lines"
        )


SENDER = r"""
import socket, sys, time
from datetime import datetime, timezone
udp_port, tcp_port, rate, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tcp = socket.create_connection(("127.0.0.1", tcp_port))
total = int(rate * seconds)
start = time.perf_counter()
for i in range(total):
    now = time.time()
    ts = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="microseconds")
    payload = f"<14>1 {ts} poste editeur 42 - - seq={i} t={now:.6f} lot 000123 envoyé".encode()
    if i % 2:
        udp.sendto(payload, ("127.0.0.1", udp_port))
    else:
        tcp.sendall(f"{len(payload)} ".encode() + payload)
    if i % 25 == 24:
        delay = start + (i + 1) / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
tcp.close()
print(total)
"""


def bench_syslog(rate: int, seconds: float) -> None:
    sink = Sink()
    capture = TraceCapture(sink, flush_interval=0.1)
    receiver = capture.add_syslog()
    capture.start()
    out = subprocess.run(
        [sys.executable, "-c", SENDER, str(receiver.udp_port), str(receiver.tcp_port), str(rate), str(seconds)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    total = int(out)
    deadline = time.monotonic() + 5
    while len(sink.lines) < total and time.monotonic() < deadline:
        time.sleep(0.01)
    capture.stop()
    seqs = [int(line.text.split("seq=", 1)[1].split()[0]) for line in sink.lines]
    lags = [line.wall - float(line.text.split(" t=", 1)[1].split()[0]) for line in sink.lines]
    print(
        f"syslog: {total} messages at {rate:,} msg/s (half UDP, half TCP octet-counting): received {len(seqs)}, "
        f"lost {total - len(set(seqs))}, duplicated {len(seqs) - len(set(seqs))}; "
        f"lag p50 {1000 * statistics.median(lags):.2f} ms, p95 {1000 * pct(lags, 0.95):.2f} ms, "
        f"max {1000 * max(lags):.1f} ms"
    )


def sample_lines(n: int) -> list[str]:
    rng = random.Random(7)
    templates = [
        "2026-11-25 10:00:{s:02d},123 [main] INFO  com.editeur.fse.Builder - FSE {i} créée, lot {l}, 12,50 EUR",
        "20261125 10:00:{s:02d}.123 DEBUG    ssv- SSV_LireCarteVitale retour 0 durée 123 ms",
        "2026-11-25T10:00:{s:02d}.123+01:00 WARN lecteur Gemalto PC Twin Reader 00 00: carte retirée",
        "=> 00 B0 00 00 20 <= 6F 1E 84 08 A0 00 00 00 04 10 10 90 00",
        "2026-11-25 10:00:{s:02d},123 [http] DEBUG réponse "
        "eyJkaWFnbm9zdGljIjoiRklORVNTIC8gbnVtw6lybyBwcmF0aWNpZW4ifQ==",
        "2026-11-25 10:00:{s:02d},123 [main] INFO  patient Nom=DUPONT prenom=Jean NIR=185057800608436 né le 12/05/1985",
        "2026-11-25 10:00:{s:02d},123 [main] DEBUG => 00 20 00 00 08 31 32 33 34 FF FF FF FF <= 90 00",
    ]
    weights = [40, 25, 15, 10, 4, 4, 2]
    return [rng.choices(templates, weights)[0].format(s=i % 60, i=i, l=i // 100) for i in range(n)]


def bench_redaction(n: int = 100_000) -> None:
    lines = sample_lines(n)
    names = ["Éloïse Martin", "DUPONT", "Jean-Pierre Lefèvre"] + [f"Persona{i} Test" for i in range(20)]
    redactor = Redactor(names)
    started = time.perf_counter()
    _, counts = redactor.redact_lines(lines)
    full = time.perf_counter() - started
    started = time.perf_counter()
    for line in lines:
        redact_pins(line)
    pins = time.perf_counter() - started
    mb = sum(len(line) for line in lines) / 1e6
    print(f"redaction (export, 23 known names): {n} lines ({mb:.1f} MB) in {full:.2f} s = {n / full:,.0f} lines/s")
    print(f"redaction: replaced {dict(sorted(counts.items()))}")
    print(f"redaction (PIN only, at capture): {n / pins:,.0f} lines/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rotate-every", type=int, default=20000)
    parser.add_argument("--store", action="store_true", help="write to a real SQLite session store")
    parser.add_argument("--skip-tail", action="store_true")
    args = parser.parse_args()
    if not args.skip_tail:
        bench_tail(args.rate, args.seconds, args.rotate_every, args.store)
        bench_syslog(args.rate, min(args.seconds, 5.0))
    bench_redaction()


if __name__ == "__main__":
    main()
