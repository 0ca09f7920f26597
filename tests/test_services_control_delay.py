"""The simulators' control API refuses a « delay » it cannot use (text, negative, past an hour, a boolean) with
HTTP 400 and the reason, instead of ignoring it or answering a held request at once."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from test_services_http_refusals import exchange

from testbench.i18n import english
from testbench.services.process import ServicesProcess


@pytest.fixture(scope="module")
def served() -> Iterator[ServicesProcess]:
    proc = ServicesProcess(sink=lambda text, ts, level: None)
    proc.ensure()
    yield proc
    proc.close()


@pytest.mark.parametrize("delay", ["abc", -5, 7200, True])
def test_a_delay_that_is_no_number_of_seconds_is_refused(served: ServicesProcess, delay: object) -> None:
    body = json.dumps({"service": "adri", "scenario": None, "fault": "timeout", "delay": delay}).encode()
    status, answer = exchange(served.port, "POST", "/_bench/scenario", body)
    assert status == 400 and answer["ok"] is False
    shown = json.dumps(delay) if not isinstance(delay, str) else delay
    assert english(answer["message"]) == f"delay: a number of seconds from 0 to 3600 expected, got “{shown}”"


@pytest.mark.parametrize("delay", [0.5, 0, None])
def test_a_delay_in_seconds_or_none_given_is_taken(served: ServicesProcess, delay: object) -> None:
    body = json.dumps({"service": "adri", "scenario": None, "fault": "none", "delay": delay}).encode()
    status, answer = exchange(served.port, "POST", "/_bench/scenario", body)
    assert status == 200 and answer["ok"] is True
