"""Téléservice round trip on loopback: the simulators in their own process (``testbench services serve``).

Target: <= 5 ms median round trip. Measured three ways, each ``--calls`` times after a warm-up:
- HTTP: one POST /adri through the reference engine's client (stdlib ``http.client``, kept alive);
- engine: the reference engine's ``adri_query`` in process (client + answer check + rights);
- JSON-RPC: ``adri_query`` through the out-of-process engine (bench → engine → simulator → back).
With ``--campaign N``: a campaign of N cases (the test casebook's cases without a fault, repeated: ADRi then
an invoice, ApCV then an invoice, INSi, e-prescription), in-memory cards, the reference engine out of
process — the simulators' share of the 700-case campaign target (≤ 60 s, benchmarks/campaign_pcsc.py).
Run: .venv/bin/python benchmarks/teleservice_roundtrip.py [--calls N] [--campaign 700]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from testbench.casebook.loader import load_casebook  # noqa: E402
from testbench.engines.protocol.client import SubprocessEngine  # noqa: E402
from testbench.engines.reference.engine import ReferenceEngine  # noqa: E402
from testbench.engines.reference.teleservices import TeleserviceClient  # noqa: E402
from testbench.runner.campaign import Campaign  # noqa: E402
from testbench.runner.options import BenchOptions, CampaignOptions  # noqa: E402
from testbench.services.process import ServicesProcess  # noqa: E402

CASEBOOK = REPO / "tests" / "data" / "services" / "teleservices.xml"

TARGET_MS = 5.0
BENEFICIARY = {"nir": "199990000000017", "rank": 1, "regime": "01", "coverage": {}}


def _measure(call: Callable[[], object], calls: int) -> list[float]:
    for _ in range(min(50, calls)):  # warm-up: connections open, code paths hot
        call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    median = statistics.median(times)
    verdict = "OK" if median <= TARGET_MS else "AU-DESSUS DE LA CIBLE"
    return f"{name:<10} médiane {median:6.3f} ms  p95 {p95:6.3f} ms  max {ordered[-1]:6.3f} ms  ({verdict})"


def campaign(cases: int) -> None:
    """N cases of téléservice steps through a whole campaign: time per case, verdicts."""
    text = CASEBOOK.read_text(encoding="utf-8")
    head, rest = text.split("<cases>", 1)
    body, tail = rest.rsplit("</cases>", 1)
    blocks = [b for b in re.findall(r"<case [\s\S]*?</case>", body) if "fault=" not in b and "indisponible" not in b]
    out = [
        re.sub(r'<case id="([^"]+)"', f'<case id="\\1-R{i:04d}"', blocks[i % len(blocks)], count=1)
        for i in range(cases)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(REPO / "casebooks" / "cards", Path(tmp) / "cards")
        path = Path(tmp) / "campaign.xml"
        path.write_text(head + "<cases>\n" + "\n".join(out) + "\n</cases>" + tail, encoding="utf-8")
        book = load_casebook(path)
        started = time.perf_counter()
        options = CampaignOptions(BenchOptions(cards="inprocess"))
        result = Campaign([book], Path(tmp) / "c.tbsession", options).run_selection([(book, c) for c in book.cases])
        total = time.perf_counter() - started
    counts: dict[str, int] = {}
    for verdict in result.verdicts.values():
        counts[verdict] = counts.get(verdict, 0) + 1
    print(
        f"campagne de {result.ran} cas à téléservices : {total:.1f} s ({total / max(result.ran, 1) * 1000:.1f} ms/cas)"
    )
    print(f"  verdicts : {counts}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--campaign", type=int, default=0, metavar="CASES")
    args = parser.parse_args()
    if args.campaign:
        campaign(args.campaign)
    services = ServicesProcess()
    try:
        services.configure("adri", "droits-ouverts")
        url = services.url("adri")
        request = {"beneficiary": BENEFICIARY, "care_date": "2026-01-12", "service_url": url}
        client = TeleserviceClient()
        payload = {"query": "cible", "care_date": "2026-01-12", "beneficiary": BENEFICIARY}
        results = {"HTTP": _measure(lambda: client.post("adri", request, payload), args.calls)}
        engine = ReferenceEngine()
        results["moteur"] = _measure(lambda: engine.adri_query(request), args.calls)
        remote = SubprocessEngine([sys.executable, "-m", "testbench", "engine", "serve"], timeout=10)
        try:
            results["JSON-RPC"] = _measure(lambda: remote.adri_query(request), args.calls)
        finally:
            remote.close()
        client.close()
    finally:
        services.close()
    print(f"aller-retour téléservice ADRi sur la boucle locale, {args.calls} appels, cible médiane ≤ {TARGET_MS} ms")
    for name, times in results.items():
        print(_line(name, times))
    return 0 if statistics.median(results["JSON-RPC"]) <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
