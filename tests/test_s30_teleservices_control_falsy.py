"""The control API refuses a scenario or a fault that is no name — ``false``, ``0``, ``[]`` — as an unknown one
(HTTP 400 with the known names, docs/teleservices.md), instead of taking it for « not given » and playing the
service's first scenario, or no fault, in silence; ``null`` or ``""`` still mean « not given »."""

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


def _control(served: ServicesProcess, **body: object) -> tuple[int, dict[str, object]]:
    return exchange(served.port, "POST", "/_bench/scenario", json.dumps({"service": "apcv", **body}).encode())


@pytest.mark.parametrize("scenario", [False, 0, []])
def test_a_scenario_that_is_no_name_is_refused(served: ServicesProcess, scenario: object) -> None:
    status, answer = _control(served, scenario=scenario, fault="none")
    assert status == 400 and answer["ok"] is False, answer
    assert str(answer["message"]).startswith(f"scénario inconnu « {json.dumps(scenario)} » pour apcv (connus : ")
    assert english(str(answer["message"])).startswith(f"unknown scenario “{json.dumps(scenario)}” for apcv")


@pytest.mark.parametrize("fault", [False, 0, []])
def test_a_fault_that_is_no_name_is_refused(served: ServicesProcess, fault: object) -> None:
    status, answer = _control(served, scenario="contexte-refuse", fault=fault)
    assert status == 400 and answer["ok"] is False, answer
    known = "none, timeout, server-error, malformed, down"
    assert answer["message"] == f"défaut inconnu « {json.dumps(fault)} » (connus : {known})"


@pytest.mark.parametrize("absent", [None, ""])
def test_null_or_empty_still_means_not_given(served: ServicesProcess, absent: object) -> None:
    status, answer = _control(served, scenario=absent, fault=absent)
    assert (status, answer["scenario"], answer["fault"]) == (200, "contexte-valide", "none"), answer
