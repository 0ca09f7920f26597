"""A mark the bench did not send — another client's ``POST /_bench/mark`` with an integer past the bench's own —
leaves the bench's barrier whole: :meth:`ServicesProcess.settle` still waits until the step's exchanges are read,
where a stray ``{"mark": 1000000000}`` made every later settle return at once, the step's lines then free to join
the next step's channel."""

from __future__ import annotations

import http.client
import json
import time

from testbench.services.process import ServicesProcess


def _post(port: int | None, path: str, body: object) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_a_stray_integer_mark_does_not_open_the_barrier() -> None:
    lines: list[str] = []

    def slow_sink(text: str, ts: str | None, level: str | None) -> None:
        time.sleep(0.3)  # a bench writing its traces to a slow disk
        lines.append(text)

    proc = ServicesProcess(sink=slow_sink)
    try:
        proc.ensure()
        assert _post(proc.port, "/_bench/mark", {"mark": 1_000_000_000}) == 200
        proc.configure("eprescription", "ordonnance-lpp")
        for number in ("RX-1", "RX-2", "RX-3"):
            assert _post(proc.port, "/eprescription", {"number": number}) == 200
        proc.settle(timeout=10)
        assert len([line for line in lines if line.startswith("POST /eprescription → 200")]) == 3, lines
    finally:
        proc.close()
