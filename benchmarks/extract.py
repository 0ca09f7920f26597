"""Benchmark: extractors keep up with an application's log and read a large lot quickly.

Usage: ``.venv/bin/python benchmarks/extract.py [--lines 200000] [--megabytes 10]``

Part 1 runs a regex extractor (the demo application's wording, named groups, comma decimals) over
trace lines in that application's format, one line in five matching, and prints lines/s against the
target of 5,000 lines/s. Part 2 writes a B2-like lot of ``--megabytes`` with the reference engine's B2
writer (invoices of LPP and NGAP lines, repeated to size), reads it with the example fixed-width spec
(tests/data/extract/b2-reference.toml) and prints the time against the target of 1 s for 10 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testbench.engines.reference.engine import ReferenceEngine
from testbench.extract.logs import extract_lines
from testbench.extract.run import extract_file
from testbench.extract.spec import parse_extractor
from testbench.traces.model import TraceLine

REPO = Path(__file__).resolve().parent.parent
LINES_TARGET = 5_000
LOT_TARGET_S = 1.0

LOG_SPEC = {
    "name": "facture créée",
    "kind": "regex",
    "applies_to": ["create_invoice"],
    "pattern": r"FACT +Facture (?P<numero>F\d+) créée : total AMO (?P<amo>[\d ,]+) EUR, "
    r"AMC (?P<amc>[\d ,]+) EUR, assuré (?P<patient>[\d ,]+) EUR",
    "fields": {"numero": "invoice.number", "amo": "invoice.totals.amo", "amc": "invoice.totals.amc",
               "patient": "invoice.totals.patient"},
}  # fmt: skip


def log_lines(count: int) -> list[TraceLine]:
    out = []
    for i in range(count):
        ts = f"03/12/2026 09:{i // 60000 % 60:02d}:{i // 1000 % 60:02d},{i % 1000:03d}"
        if i % 5 == 0:
            text = (f"{ts} [INFO ] FACT Facture F{i:06d} créée : total AMO {i % 900},{i % 100:02d} EUR, "
                    f"AMC 0,00 EUR, assuré 12,{i % 100:02d} EUR")  # fmt: skip
        else:
            text = f"{ts} [DEBUG] SESAM lecture carte lecteur 1 : ATR 3B 9F 96 80 1F C3 80 31 E0 seq={i}"
        out.append(TraceLine("app", i * 1000, 1_764_753_242.0 + i / 1000, text, "logs/demo-erp.log", ts))
    return out


def bench_lines(count: int) -> None:
    spec = parse_extractor(LOG_SPEC, "benchmark")
    lines = log_lines(count)
    started = time.perf_counter()
    got = extract_lines(spec, lines)
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    verdict = "OK" if rate >= LINES_TARGET else "TOO SLOW"
    print(f"log lines: {count} lines, {len(got)} values in {elapsed:.3f} s -> {rate:,.0f} lines/s "
          f"(target {LINES_TARGET:,} lines/s: {verdict}, x{rate / LINES_TARGET:.0f})")  # fmt: skip


def lot_text(megabytes: float) -> str:
    """A lot of invoices written by the reference engine's B2 writer, its invoice records repeated to size."""
    from tests.test_engine_rules import line, request

    eng = ReferenceEngine(today=lambda: date(2024, 6, 10))
    ids = []
    nurse = [line("AMI", nomenclature="NGAP", coefficient="4"), line("IFD", nomenclature="NGAP")]
    lpp = [line("1241763", "4"), line("1231782", "4", unit_price="22.00")]
    for i in range(40):
        req = request(lpp if i % 2 else nurse, **({} if i % 2 else {"ps_category": "infirmier"}))
        req["invoice_ref"] = f"B{i}"
        res = eng.create_invoice(req)
        eng.secure_invoice({"invoice_id": res["invoice_id"]})
        ids.append(res["invoice_id"])
    records = eng.build_lot({"invoice_ids": ids})["b2"].splitlines()
    head, body, tail = records[:2], records[2:-2], records[-2:]
    size = int(megabytes * 1024 * 1024)
    out = list(head)
    while (len(out) + len(tail)) * 129 < size:
        out.extend(body)
    return "\n".join(out + tail) + "\n"


def bench_lot(megabytes: float) -> None:
    table = tomllib.loads((REPO / "tests/data/extract/b2-reference.toml").read_text(encoding="utf-8"))
    spec = parse_extractor(table["extractors"][0], "b2-reference.toml")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "000001.b2"
        path.write_text(lot_text(megabytes), encoding="ascii")
        size = path.stat().st_size
        started, cpu = time.perf_counter(), time.process_time()
        got = extract_file(spec, path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    target = LOT_TARGET_S * size / (10 * 1024 * 1024)
    verdict = "OK" if elapsed <= target else "TOO SLOW"
    print(f"B2 lot: {size / 1024 / 1024:.1f} MB, {size // 129:,} records, {len(got):,} values in {elapsed:.3f} s "
          f"(CPU {cpu:.3f} s) "
          f"(target {target:.2f} s: {verdict})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--megabytes", type=float, default=10.0)
    args = parser.parse_args()
    bench_lines(args.lines)
    bench_lot(args.megabytes)


if __name__ == "__main__":
    main()
