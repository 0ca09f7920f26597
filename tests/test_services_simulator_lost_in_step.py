"""A simulator that stops answering (SIGSTOP) or dies (SIGKILL) during a téléservice step makes that step's case
inconclusive (docs/teleservices.md § Verdicts), also when the case expected TELESERVICE_UNAVAILABLE: the
refusal the product gave cannot be told from the simulator's failure (audit 20). A death is said once, with
the case it happened in, not again to the next case."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from testbench.casebook.loader import load_casebook
from testbench.casebook.model import Casebook
from testbench.runner.assemble import assemble
from testbench.runner.options import BenchOptions
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.services.process import ServicesProcess
from testbench.store.session import SessionStore

REPO = Path(__file__).resolve().parents[1]
CASEBOOK = REPO / "tests" / "data" / "services" / "teleservices.xml"


@pytest.fixture(scope="module")
def casebook(tmp_path_factory: pytest.TempPathFactory) -> Casebook:
    folder = tmp_path_factory.mktemp("tls")
    shutil.copy(CASEBOOK, folder / CASEBOOK.name)
    shutil.copytree(REPO / "casebooks" / "cards", folder / "cards")
    return load_casebook(folder / CASEBOOK.name)


def _run(casebook: Casebook, tmp_path: Path, sig: signal.Signals, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """ADRI-PANNE-ATTENDUE (it expects TELESERVICE_UNAVAILABLE) with ``sig`` sent to the simulator once its
    step set the scenario, then EPRESC-LPP: the outcomes."""
    cases = {c.id: c for c in casebook.cases}
    store = SessionStore.open(tmp_path / "s.tbsession")
    recorder = TraceRecorder(writer=store.add_trace_lines)
    bench = assemble(BenchOptions(cards="inprocess", engine="inprocess"), recorder)
    assert bench.services is not None
    services: ServicesProcess = bench.services
    configure, hit = services.configure, []

    def struck(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        if not hit and services._proc is not None:
            hit.append(services._proc)
            os.kill(services._proc.pid, sig)  # during the step: after its scenario, before its engine call

    monkeypatch.setattr(services, "configure", struck)
    try:
        run_id = store.begin_run([], {}, {})
        runner = Runner(store, bench.engine, bench.bay, recorder, guard=bench.guard, services=services)
        summary = runner.run(run_id, [(casebook, cases["ADRI-PANNE-ATTENDUE"]), (casebook, cases["EPRESC-LPP"])])
    finally:
        for proc in hit:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)
        bench.close()
        store.close()
    return [outcome for _, outcome in summary.outcomes]


@pytest.mark.skipif(os.name != "posix", reason="stops by signal")
def test_a_simulator_hung_during_a_step_makes_its_case_inconclusive(
    casebook: Casebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.i18n import english
    from testbench.services import process

    monkeypatch.setattr(process, "CONTROL_TIMEOUT", 1.0)  # 5 s in a run
    hung, after = _run(casebook, tmp_path, signal.SIGSTOP, monkeypatch)
    assert (hung.verdict.value, hung.reason) == (
        "inconclusive",
        "téléservices indisponibles : le simulateur de téléservices ne répond pas en 1 s : arrêté, l'étape suivante"
        " en démarre un neuf",
    )
    assert english(hung.reason).isascii()
    assert after.verdict.value == "pass"  # a fresh simulator


@pytest.mark.skipif(os.name != "posix", reason="kills by signal")
def test_a_simulator_dead_during_a_step_costs_that_case_only(
    casebook: Casebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead, after = _run(casebook, tmp_path, signal.SIGKILL, monkeypatch)
    assert (dead.verdict.value, dead.reason) == (
        "inconclusive",
        "téléservices indisponibles : le simulateur de téléservices a été tué par le signal 9 (SIGKILL)",
    )
    assert after.verdict.value == "pass"  # said once, with the case it died in
