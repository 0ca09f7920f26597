"""Who answers for an engine's fault: the product under test, or the bench. The one rule.

On exam day the product examined is the editor's program. An external engine (a command speaking the protocol,
``--engine "COMMAND…"``) that crashes on a valid request, hangs past its timeout (the ``describe`` closing each case
included: :meth:`~testbench.engines.protocol.client.SubprocessEngine.end_case`), breaks the protocol, answers
outside its schema, answers ``initialize`` wrongly or says a card is missing that the bench's reader holds and
reads (``EngineCardDenied``) is the product failing: verdict ``failed``, « défaut du moteur … » with what
happened, exit 1. What stays the bench's (``error``/``inconclusive``, exit 2): an engine
command that cannot be launched at all (:func:`~testbench.engines.api.not_launched`), the bench's own faults,
and every fault of the reference engine, which is part of the bench. Operator mode's engine is a person: an
abandoned step is inconclusive.
"""

from __future__ import annotations

from typing import NoReturn

from testbench.domain.refusal import EngineError
from testbench.domain.verdict import Outcome, Verdict
from testbench.engines.api import (
    EngineCardDenied,
    EngineInfo,
    EngineProtocolError,
    EngineStartFault,
    EngineTimeout,
    EngineUnavailable,
    not_launched,
)
from testbench.runner.options import BENCH_ENGINES


def is_product_engine(engine: str) -> bool:
    """Whether ``--engine`` names an external engine, the product under test."""
    return engine not in BENCH_ENGINES


def engine_fault(exc: EngineError, *, product: bool) -> Outcome:
    """The verdict of a step the engine failed (``exc``: a crash, a timeout, a protocol error, unavailable)."""
    if not_launched(exc):
        return Outcome(Verdict.INCONCLUSIVE, f"moteur indisponible : {exc}")
    if product:
        return Outcome(Verdict.FAIL, f"défaut du moteur ({_kind(exc)}) : {exc}")
    if isinstance(exc, EngineUnavailable):  # the reference engine did not start: the bench is not there
        return Outcome(Verdict.INCONCLUSIVE, f"moteur indisponible : {exc}")
    return Outcome(Verdict.ERROR, f"moteur en défaut ({_kind(exc)}) : {exc}")


def _kind(exc: EngineError) -> str:
    """What kind of engine fault, in words (the reason is read by people, not by Python). A start that failed
    is « démarrage » however it failed (a crash, a hang, a wrong answer to ``initialize``), the first time as
    after two failed starts."""
    if isinstance(exc, EngineUnavailable | EngineStartFault):
        return "démarrage"
    if isinstance(exc, EngineCardDenied):
        return "carte présente déclarée absente"
    if isinstance(exc, EngineTimeout):
        return "délai dépassé"
    if isinstance(exc, EngineProtocolError):
        return "réponse invalide"
    return "arrêt ou erreur interne"


class UnstartedEngine:
    """An external engine that ran but could not be started (it answered ``initialize`` wrongly, or crashed or
    hung before answering, twice): the campaign goes on, and every call fails with that start, so each case
    that needs the engine is failed by the product, not stopped as « banc indisponible »."""

    def __init__(self, command: str, fault: EngineError) -> None:
        self.command = command
        self.fault = fault

    def describe(self) -> EngineInfo:
        return EngineInfo(name=self.command, version="")

    def _fail(self, *_args: object) -> NoReturn:
        raise self.fault.with_traceback(None)  # raised again by each case: no traceback piles up

    read_cps = read_vitale = adri_query = create_invoice = secure_invoice = build_lot = _fail
    read_returns = apcv_context = insi_query = eprescription_fetch = _fail

    def close(self) -> None:
        return None
