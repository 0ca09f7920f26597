"""Reference engine throughput: in process (invoices/s) and out of process (JSON-RPC round trip).

Targets: >= 5,000 invoices/s in process; <= 2 ms median round trip out of process.
Run: .venv/bin/python benchmarks/engine_throughput.py [--invoices N] [--calls N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from testbench.engines.protocol.client import SubprocessEngine  # noqa: E402
from testbench.engines.reference.engine import ReferenceEngine  # noqa: E402
from testbench.engines.reference.model import parse_invoice_request  # noqa: E402
from testbench.engines.reference.split import compute_invoice  # noqa: E402
from testbench.engines.reference.tables import load_bundled_tables  # noqa: E402


def _line(code: str, qty: str, **kw: Any) -> dict[str, Any]:
    return {"nomenclature": kw.pop("nomenclature", "LPP"), "code": code, "quantity": qty, "coefficient": "1", **kw}


def _request(i: int) -> dict[str, Any]:
    """A PSAD invoice of three lines (bed, lift above tariff, delivery), AMC with tiers payant."""
    return {
        "invoice_ref": f"BENCH-{i}",
        "mode": "securise",
        "care_date": "2024-06-03",
        "ps_category": "fournisseur-lpp",
        "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": {"ald": i % 3 == 0}},
        "prescription": None,
        "tiers_payant": "amo+amc",
        "amc": {"contract": "tm+depassement", "cap": "50.00"},
        "rounding": None,
        "lines": [
            _line("1241763", "4", ald=i % 3 == 0),
            _line("1231782", "4", unit_price="22.00"),
            _line("1205520", "1"),
        ],
    }


def in_process(count: int) -> tuple[float, float, float]:
    """Rates per second of CPU time of this process (robust on a shared machine) and of wall time."""
    tables = load_bundled_tables()
    requests = [_request(i) for i in range(count)]
    gc.freeze()  # the prebuilt inputs stand for an outside source: keep them out of the GC's walks
    start = time.process_time()
    for req in requests:
        compute_invoice(parse_invoice_request(req), tables)
    rules_rate = count / (time.process_time() - start)
    engine = ReferenceEngine()
    start, wall = time.process_time(), time.perf_counter()
    for req in requests:
        engine.create_invoice(req)
    cpu_rate = count / (time.process_time() - start)
    return rules_rate, cpu_rate, count / (time.perf_counter() - wall)


def out_of_process(calls: int) -> tuple[float, float, float]:
    engine = SubprocessEngine([sys.executable, "-m", "testbench", "engine", "serve"], timeout=10, cwd=str(REPO))
    try:
        engine.describe()
        for i in range(50):  # warm-up
            engine.call("describe", {})
            engine.create_invoice(_request(10_000_000 + i))
        small, full = [], []
        for i in range(calls):
            t = time.perf_counter()
            engine.call("describe", {})
            small.append(time.perf_counter() - t)
            t = time.perf_counter()
            engine.create_invoice(_request(i))
            full.append(time.perf_counter() - t)
        p95 = sorted(full)[int(len(full) * 0.95)]
        return statistics.median(small) * 1000, statistics.median(full) * 1000, p95 * 1000
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=2_000)
    args = parser.parse_args()
    rules, engine, wall = in_process(args.invoices)
    print(f"en mémoire, règles seules (parse + calcul)     : {rules:10,.0f} factures par seconde CPU")
    print(f"en mémoire, create_invoice complet (avec FSE)  : {engine:10,.0f} factures par seconde CPU (cible >= 5 000)")
    print(f"   idem en temps écoulé (machine partagée)     : {wall:10,.0f} factures/s")
    small, full, p95 = out_of_process(args.calls)
    print(f"hors processus, aller-retour describe (médiane): {small:10.3f} ms")
    print(f"hors processus, create_invoice (médiane)       : {full:10.3f} ms   (cible <= 2 ms ; p95 {p95:.3f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
