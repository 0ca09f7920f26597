"""Assemble a bench from options: the card bay, the engine, the trace recorder, the card guard.

The CLI, the TUI and the demo all build their bench here, so they run the same parts the same way:
virtual cards through the real pcscd when it is there (the in-process reader otherwise, said out
loud), and the reference engine out of process through the JSON-RPC protocol.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from testbench import cmdline
from testbench.cards.api import CardBay
from testbench.cards.reader_pools import ReaderSpec
from testbench.domain.hooks import Closable
from testbench.domain.refusal import EngineError
from testbench.engines.api import Engine, EngineInfo, not_launched
from testbench.runner.blame import UnstartedEngine, is_product_engine
from testbench.runner.options import INPROCESS_ENGINE, OPERATOR_ENGINE, REFERENCE_ENGINE, BenchOptions
from testbench.runner.runner import CardGuard
from testbench.runner.tracing import TraceRecorder
from testbench.services.process import ServicesProcess

__all__ = ["Bench", "BenchOptions", "assemble", "assembled_bench", "card_stack", "reference_engine_command"]

#: How long the bench waits for the operator to put a case's card in a physical reader (seconds).
PHYSICAL_CARD_WAIT = 300.0


@dataclass
class Bench:
    """The parts a run uses: engine, card bay, card guard, simulated téléservices; closed together."""

    engine: Engine
    bay: CardBay
    guard: CardGuard | None
    notes: list[str] = field(default_factory=list)  # what the operator should know (fallbacks…)
    description: dict[str, Any] = field(default_factory=dict)
    #: the simulated téléservices: their process starts with the first step that needs one
    services: ServicesProcess | None = None
    #: the engine is the product under test (an external command): its faults fail the cases (runner.blame)
    product_engine: bool = False

    def close(self) -> None:
        """The simulators first: an engine waiting on a held téléservice answer is freed at once, not at its
        service timeout (a stopped run ends promptly)."""
        try:
            if self.services is not None:
                self.services.close()
        finally:
            try:
                self.engine.close()
            finally:
                if isinstance(self.bay, Closable):
                    self.bay.close()


def reference_engine_command() -> list[str]:
    """``-P``: a folder named ``testbench`` where the bench runs (a clone's parent) is not imported instead
    of the package (``python -m`` puts the current folder first on sys.path). In French, the language the bench
    records an engine's words in (it translates them where it shows them), whatever ``TESTBENCH_LANG`` says: the
    engine answers in its process's language (``engine serve --lang``)."""
    return [sys.executable, "-P", "-m", "testbench", "engine", "serve", "--lang", "fr"]


def _make_bay(
    options: BenchOptions,
    recorder: TraceRecorder,
    notes: list[str],
    readers: dict[str, list[ReaderSpec]] | None = None,
    notify: Callable[[str], None] | None = None,
    reserve: dict[str, list[ReaderSpec]] | None = None,
) -> CardBay:
    from testbench.cards import bays

    stack, problem = card_stack(options.cards, readers, operated=options.engine == OPERATOR_ENGINE)
    if stack == "pcsc":
        # the application under test (operator mode) watches its readers: a card change must be a
        # real removal and insertion there, not a change inside the emulator (docs/cards.md §4.2).
        # A reader without a port is physical: the bay asks the person (``notify``) for each case's card.
        return bays.PcscBay(
            readers,
            apdu_sink=recorder.apdu_sink,
            swap_in_place=options.engine != OPERATOR_ENGINE,
            prompt=notify,
            operator_timeout=PHYSICAL_CARD_WAIT,
            reserve=reserve,
        )
    if stack == "refused":
        from testbench.cards.api import CardUnavailable

        raise CardUnavailable(f"pile PC/SC indisponible : {problem}")
    if problem is not None:
        notes.append(f"pile PC/SC indisponible ({problem}) : lecteur virtuel en mémoire utilisé à la place")
    return bays.InProcessBay(apdu_sink=recorder.apdu_sink)


def card_stack(
    cards: str, readers: dict[str, list[ReaderSpec]] | None = None, *, operated: bool = False
) -> tuple[str, str | None]:
    """Which cards ``--cards`` gives a bench now, and why PC/SC is not used (French, None when it is or
    was not asked): ``pcsc`` (virtual or physical readers through pcscd), ``memory`` (the in-memory
    reader: ``inprocess``, or ``auto`` without a PC/SC stack), ``refused`` (``pcsc``, a physical reader, or
    the product under test reading the cards itself — ``operated``, operator mode —, without one: in-memory
    cards no application can read would be « carte de test acceptée » in the book for cards nobody inserted).
    The bench is built on this answer; the workstation's readers window shows it."""
    if cards not in ("auto", "pcsc"):
        return "memory", None
    from testbench.cards import bays

    problem = bays.pcsc_problem()
    if problem is None:
        return "pcsc", None
    return ("refused" if cards == "pcsc" or operated or _physical(readers) else "memory"), problem


def _physical(readers: dict[str, list[ReaderSpec]] | None) -> bool:
    """True when a slot's reader is physical (no vpcd port): never replaced by in-memory cards."""
    from testbench.cards.reader_pools import ReaderConfigError, default_pools

    try:
        pools = readers or default_pools()
    except ReaderConfigError:
        return False  # the campaign refused it before
    return any(not specs[0].port for specs in pools.values() if specs)


def _make_engine(options: BenchOptions, bay: CardBay, recorder: TraceRecorder) -> Engine:
    if options.engine == OPERATOR_ENGINE and options.profile is not None:
        from testbench.engines.operator.assisted import AssistedOperatorEngine

        # assisted: the profile's extractors read the application's files and the step's log lines
        return AssistedOperatorEngine(options.profile, recorder.attempt_lines, timeout=options.engine_timeout)
    if options.engine == OPERATOR_ENGINE:
        from testbench.engines.operator.mode import OperatorModeEngine

        return OperatorModeEngine(options.watch_dir)
    if options.engine == INPROCESS_ENGINE:
        from testbench.engines.reference.engine import ReferenceEngine

        return ReferenceEngine(channel=bay, trace=recorder.engine_sink)
    from testbench.engines.protocol.client import SubprocessEngine
    from testbench.runner.engine_cards import ProfiledEngine, engine_cards

    command = reference_engine_command() if options.engine == REFERENCE_ENGINE else _engine_words(options.engine)
    kind = ProfiledEngine if options.engine_cards == "profiles" else SubprocessEngine
    cards = engine_cards(options.engine_cards, bay)  # --engine-cards: the protocol's cards.mode
    return kind(command, timeout=options.engine_timeout, trace=recorder.engine_sink, bay=bay, cards=cards)


def _make_guard(options: BenchOptions) -> CardGuard | None:
    from testbench.cards.guard import case_guard

    return case_guard(allow_real=options.allow_real_cards)


def assemble(
    options: BenchOptions,
    recorder: TraceRecorder,
    notify: Callable[[str], None] | None = None,
    readers: dict[str, list[ReaderSpec]] | None = None,
    reserve: dict[str, list[ReaderSpec]] | None = None,
) -> Bench:
    """The bench; ``readers`` are its PC/SC readers per slot (a parallel worker's), else the default pools;
    ``reserve``: the readers it turns to when one of its own cannot be used (those no worker was given)."""
    notes: list[str] = []
    bay = _make_bay(options, recorder, notes, readers, notify, reserve)
    engine: Engine | None = None
    try:
        engine = _make_engine(options, bay, recorder)
        product = is_product_engine(options.engine)
        engine, info = _started(engine, options.engine) if product else (engine, engine.describe())
    except BaseException:  # a bench that cannot be assembled leaves no card emulator or engine running
        for part in (engine, bay):
            if isinstance(part, Closable):
                with contextlib.suppress(Exception):
                    part.close()
        raise
    services = ServicesProcess(sink=recorder.http_sink, on_start=recorder.bench)
    bench = Bench(engine=engine, bay=bay, guard=_make_guard(options), notes=notes, services=services)
    bench.product_engine = product
    bench.description = {"cards": bay.describe(), "engine": info.as_dict()}
    for note in notes:
        if notify is not None:
            notify(note)
    return bench


def _started(engine: Engine, command: str) -> tuple[Engine, EngineInfo]:
    """An external engine, started; one that ran but could not start (it answered ``initialize`` wrongly, or
    crashed or hung before it answered) becomes :class:`~.blame.UnstartedEngine`: the product failing each case
    that calls it, not a bench that is unavailable. A command that cannot be launched at all stays a fault of
    the environment (raised: the campaign stops, exit 2)."""
    try:
        return engine, engine.describe()
    except EngineError as exc:
        if not_launched(exc):
            raise
        engine.close()
        unstarted = UnstartedEngine(command, exc)
        return unstarted, unstarted.describe()


def assembled_bench(
    options: BenchOptions,
    readers: dict[str, list[ReaderSpec]] | None = None,
    reserve: dict[str, list[ReaderSpec]] | None = None,
) -> Callable[[TraceRecorder, Callable[[str], None]], Bench]:
    """The real bench as a factory of the campaign (tests and benchmarks give a fake one instead)."""

    def factory(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
        return assemble(options, recorder, notify=notify, readers=readers, reserve=reserve)

    return factory


def _engine_words(engine: str) -> list[str]:
    """An external engine's command line split as the system does (Windows: ``C:\\Editeur\\moteur.exe``
    keeps its backslashes); a quote left open said, not shlex's English."""
    try:
        return cmdline.split(engine)
    except ValueError:
        raise ValueError(f"commande du moteur illisible (guillemet ou « \\ » sans fin) : {engine}") from None
