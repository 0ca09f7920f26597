"""A start that failed is « démarrage » however it failed and whichever attempt it was (engine audit E): a first
start that crashed or hung before answering ``initialize`` read « arrêt ou erreur interne » / « délai dépassé »,
two failed starts « démarrage », which is what docs/engine-protocol.md lists."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.domain.refusal import EngineError
from testbench.domain.verdict import Verdict
from testbench.engines.api import EngineCrash, EngineStartFault, EngineTimeout, EngineUnavailable
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english
from testbench.runner.blame import engine_fault

ENGINE = Path(__file__).parent / "data" / "engines" / "audit_engine.py"


def _engine(*args: str, timeout: float = 20) -> SubprocessEngine:
    return SubprocessEngine([sys.executable, str(ENGINE), *args], timeout=timeout)


@pytest.mark.parametrize(
    ("mode", "kind", "timeout"), [("init-crash", EngineCrash, 20), ("init-hang", EngineTimeout, 1)]
)
def test_a_failed_start_in_a_case_is_a_start_fault(mode: str, kind: type[EngineError], timeout: float) -> None:
    engine = _engine(mode, timeout=timeout)
    engine.begin_case()
    try:
        with pytest.raises(kind) as failed:
            engine.describe()
    finally:
        engine.end_case()
        engine.close()
    blamed = engine_fault(failed.value, product=True)
    assert blamed.verdict is Verdict.FAIL
    assert blamed.reason.startswith("défaut du moteur (démarrage) : le moteur n'a pas démarré : initialize : ")
    assert english(blamed.reason).startswith("engine defect (start): the engine did not start: initialize: ")
    assert engine_fault(failed.value, product=False).reason.startswith("moteur en défaut (démarrage) : ")


def test_a_first_start_that_failed_reads_as_two_that_failed(tmp_path: Path) -> None:
    engine = _engine("init-crash-once", str(tmp_path / "marker"))
    try:
        engine.describe()  # started again at once: the next case answers for the failed start
        pending = engine.pending_fault
    finally:
        engine.close()
    assert isinstance(pending, EngineStartFault)
    assert engine_fault(pending, product=True).reason.startswith("défaut du moteur (démarrage) : au lancement")
    twice = EngineUnavailable("le moteur n'a pas démarré, deux fois de suite : initialize : …")
    assert engine_fault(twice, product=True).reason.startswith("défaut du moteur (démarrage) : ")


def test_a_fault_after_the_start_keeps_its_kind() -> None:
    crash = EngineCrash("create_invoice : le moteur s'est arrêté (code 2)")
    assert engine_fault(crash, product=True).reason.startswith("défaut du moteur (arrêt ou erreur interne) : ")
