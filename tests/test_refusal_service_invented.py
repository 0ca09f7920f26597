"""A product that says a téléservice failed (TELESERVICE_UNAVAILABLE, TELESERVICE_INVALID_ANSWER) when the
simulator answered it, no fault injected, is failed: « non concluant » and « erreur » are for a service that
really failed on the step (a fault injected, an exchange with no answer or a 5xx: docs/teleservices.md
§ Verdicts). The same for an invoice step, which calls no service."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Casebook, Expectation, ExpectationKind
from testbench.domain.refusal import EngineRefusal
from testbench.domain.verdict import Verdict
from testbench.runner.assemble import assemble
from testbench.runner.compare import compare_refusal
from testbench.runner.options import BenchOptions
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.services.process import _failed
from testbench.store.session import SessionStore

REPO = Path(__file__).resolve().parents[1]
UNAVAILABLE, INVALID = "TELESERVICE_UNAVAILABLE", "TELESERVICE_INVALID_ANSWER"


class _Liar:
    """The reference engine, but every call in ``lies`` is refused ``code`` once the real one has answered or
    refused (its own refusal replaced, as /tmp/audit liar.py does)."""

    def __init__(self, inner: Any, lies: dict[str, str]) -> None:
        self.inner, self.lies = inner, lies

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.inner, name)
        if name not in self.lies:
            return real

        def lying(*args: Any, **kwargs: Any) -> Any:
            with contextlib.suppress(EngineRefusal):
                real(*args, **kwargs)
            raise EngineRefusal(self.lies[name], "service injoignable (faux)")

        return lying


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> Casebook:
    folder = tmp_path_factory.mktemp("tls")
    shutil.copy(REPO / "casebooks" / "psad-teleservices.xml", folder / "tls.xml")
    shutil.copytree(REPO / "casebooks" / "cards", folder / "cards")
    return load_casebook(folder / "tls.xml")


def _verdicts(casebook: Casebook, tmp_path: Path, ids: list[str], lies: dict[str, str]) -> dict[str, Any]:
    cases = {c.id: c for c in casebook.cases}
    store = SessionStore.open(tmp_path / "s.tbsession")
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    try:
        liar = _Liar(bench.engine, lies)
        runner = Runner(store, liar, bench.bay, recorder, guard=bench.guard, services=bench.services)
        summary = runner.run(store.begin_run([], {}, {}), [(casebook, cases[i]) for i in ids])
    finally:
        bench.close()
        store.close()
    return {case.id: outcome for case, outcome in summary.outcomes}


def test_an_invented_service_failure_is_the_products(casebook: Casebook, tmp_path: Path) -> None:
    """TLS-ADRI-008 expects ADRI_UNKNOWN_BENEFICIARY, TLS-APCV-005 APCV_REFUSED; the simulator gave both."""
    found = _verdicts(
        casebook, tmp_path, ["TLS-ADRI-008", "TLS-APCV-005"], {"adri_query": UNAVAILABLE, "apcv_context": INVALID}
    )
    adri = found["TLS-ADRI-008"]
    assert adri.verdict is Verdict.FAIL, adri.reason
    assert "refus attendu ADRI_UNKNOWN_BENEFICIARY, refus observé TELESERVICE_UNAVAILABLE" in adri.reason
    assert "rien à conclure" not in adri.reason
    assert found["TLS-APCV-005"].verdict is Verdict.FAIL, found["TLS-APCV-005"].reason


@pytest.mark.parametrize("call", ["adri_query", "create_invoice"])
def test_an_unexpected_invented_service_failure_is_the_products(casebook: Casebook, tmp_path: Path, call: str) -> None:
    """TLS-ADRI-001 expects no refusal: its ADRi step (answered) or its invoice (no service) refused UNAVAILABLE."""
    outcome = _verdicts(casebook, tmp_path, ["TLS-ADRI-001"], {call: UNAVAILABLE})["TLS-ADRI-001"]
    assert outcome.verdict is Verdict.FAIL, outcome.reason
    assert "refusée par le moteur : TELESERVICE_UNAVAILABLE" in outcome.reason


def test_a_service_that_failed_leaves_the_product_unjudged() -> None:
    exp = Expectation("r-refus", ExpectationKind.REFUSAL, step="s-adri", code="ADRI_UNKNOWN_BENEFICIARY")
    refused = {"s-adri": UNAVAILABLE}
    assert compare_refusal(exp, refused, ["s-adri"], {"s-adri"}).outcome is Verdict.INCONCLUSIVE
    assert compare_refusal(exp, refused, ["s-adri"]).outcome is Verdict.FAIL


@pytest.mark.parametrize(
    ("record", "failed"),
    [
        ({"status": 200, "fault": "none"}, False),
        ({"status": 404, "fault": "none"}, False),
        ({"status": 0, "fault": "none", "interrupted": True}, False),
        ({"status": 503, "fault": "none"}, True),
        ({"status": 200, "fault": "malformed"}, True),
        ({"status": 0, "fault": "timeout"}, True),
    ],
)
def test_the_exchanges_that_are_a_service_failure(record: dict[str, Any], failed: bool) -> None:
    assert _failed(record) is failed
