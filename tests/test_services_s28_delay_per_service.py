"""The ``delay`` a control request gives is its service's: a short hold set for ADRi made every other service's
``timeout`` fault answer as soon, where the docs (and a case that injects it) expect an answer held 30 s."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any

import pytest

from testbench.services.process import ServicesProcess


@pytest.fixture()
def served() -> Iterator[ServicesProcess]:
    proc = ServicesProcess()
    proc.ensure()
    yield proc
    proc.close()


def control(proc: ServicesProcess, body: dict[str, Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=5)
    try:
        conn.request("POST", "/_bench/scenario", json.dumps(body).encode(), {"Content-Type": "application/json"})
        assert conn.getresponse().status == 200
    finally:
        conn.close()


def answered_within(proc: ServicesProcess, service: str, body: dict[str, Any], seconds: float) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", proc.port, timeout=seconds)
    try:
        conn.request("POST", f"/{service}", json.dumps(body).encode(), {"Content-Type": "application/json"})
        conn.getresponse().read()
        return True
    except TimeoutError:
        return False
    finally:
        conn.close()


def test_a_delay_set_for_one_service_holds_no_other(served: ServicesProcess) -> None:
    control(served, {"service": "adri", "scenario": None, "fault": "timeout", "delay": 0.1})
    control(served, {"service": "eprescription", "scenario": None, "fault": "timeout"})
    assert answered_within(served, "adri", {"beneficiary": {"nir": "1999900000000"}}, 3)
    assert not answered_within(served, "eprescription", {"number": "RX-1"}, 1.5)  # held 30 s, as by default
