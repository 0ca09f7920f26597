"""Shared helpers of the TUI tests: a small casebook on fakes, a fake bench, an app factory.

(The name starts with test_tui_ so it belongs to the TUI's files; it holds no test.)
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import dataclasses
from collections.abc import Callable
from pathlib import Path

from fakes import FakeBay, FakeEngine, invoice_step, make_case, make_casebook, value

from testbench.casebook.model import (
    CardRequirement,
    Casebook,
    Domain,
    Expectation,
    ExpectationKind,
    Mode,
    Observe,
    Step,
    StepKind,
)
from testbench.runner.assemble import Bench
from testbench.runner.tracing import TraceRecorder
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation


def sample_casebook(tmp: Path) -> Casebook:
    cards = (CardRequirement("vitale", "v1"),)
    ok = make_case("TC-OK-001", (invoice_step(),), (value("e-amo", "invoice.totals.amo", "33.60"),), cards=cards)
    ko = make_case("TC-KO-002", (invoice_step(),), (value("e-amo", "invoice.totals.amo", "33.61"),))
    manual = Step(
        id="m-screen",
        kind=StepKind.MANUAL,
        instruction="Lire le montant AMO affiché par le logiciel",
        observe=(Observe("manual.amo", "Montant AMO à l'écran", "33.60"),),
    )
    man = make_case(
        "TC-MAN-003",
        (invoice_step(), manual),
        (value("e-man", "manual.amo", "33.60", step="m-screen"),),
        mode=Mode.SECURISE,
    )
    refusal = Expectation(id="r-plv", kind=ExpectationKind.REFUSAL, step="s2", code="PRICE_ABOVE_PLV")
    ref = dataclasses.replace(
        make_case("TC-LOT-004", (invoice_step(unit_price="5.50", plv="5.07"),), (refusal,)),
        domain=Domain.LOT,
        title="refus attendu au-delà du PLV",
        tags=("lot", "plv"),
    )
    return make_casebook((ok, ko, man, ref), tmp)


class StableFakeEngine(FakeEngine):
    """The fake engine with a fixed invoice number (the real one carries the session's random id)."""

    def create_invoice(self, request):
        return super().create_invoice({**request, "invoice_ref": "FACT-0001"})


def fake_bench(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
    bay = FakeBay()
    engine = StableFakeEngine(bay, trace=recorder.engine_sink)
    return Bench(engine=engine, bay=bay, guard=None, description={"cards": "fake", "engine": {"name": "fake"}})


def make_app(tmp: Path, *, lang: str = "fr", keymap: dict[str, str] | None = None, session: str = "exam.tbsession"):
    from testbench.tui.app import WorkstationApp

    cb = sample_casebook(tmp)
    ws = Workstation([cb], tmp / session)
    app = WorkstationApp(
        ws,
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test", keymap=keymap or {}),
        state=UiState(tmp / "config"),
    )
    app.animation_level = "none"
    return app


def demo_app(tmp: Path, *, cards: str = "inprocess"):
    """The bundled demo casebook on the real bench assembled in process (reference engine, card bay)."""
    from testbench.casebook.loader import load_casebooks
    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.assemble import BenchOptions
    from testbench.tui.app import WorkstationApp
    from testbench.tui.execution import assembled_bench

    ws = Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp / "demo.tbsession")
    return WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards=cards)),
        settings=Settings(operator="Opératrice Test"),
        state=UiState(tmp / "cfg"),
    )


def run_log(app) -> str:
    """The run view's log as the person reads it."""
    from textual.widgets import Log

    return "\n".join(str(line) for line in app.query_one("#run-log", Log).lines)


def toasts(app) -> str:
    """Every notification the workstation showed, newest last."""
    return "\n".join(str(n.message) for n in app._notifications)


async def wait_run(app, pilot) -> None:
    """Wait for the run worker to finish and its messages to be handled."""
    import asyncio

    await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)  # a hang fails, it does not block CI
    await pilot.pause()
    await pilot.pause()


async def run_and_open_traces(app, pilot, case_id: str):
    """Run case ``case_id`` with ``r``, then open the traces view (4) once its lines are loaded: its panes."""

    app.goto_case(app.ws.find(case_id).key)
    await pilot.pause()
    await pilot.press("r")
    await wait_run(app, pilot)
    await pilot.press("4")
    return await traces_indexed(app, pilot)


async def traces_indexed(app, pilot):
    """Wait for the traces view's full index: its worker starts after a refresh, so waiting for the workers
    alone may return before it began (the step starts would then come later). The panes."""
    from testbench.tui.traceview import TracePanes

    panes = app.query_one("#trace-panes", TracePanes)
    for _ in range(1000):
        await pilot.pause(0.01)
        if panes.indexed or panes.attempt_id is None:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()
    return panes


def big_trace_session(path: Path, lines: int) -> tuple[Path, int]:
    """A session whose one attempt holds ``lines`` trace lines over the four channels."""
    from testbench.store.session import SessionStore
    from testbench.traces.model import TraceLine

    channels = ("apdu", "engine", "app", "bench")
    with SessionStore.open(path) as store:
        run_id = store.begin_run(["bench"], {}, {})
        attempt = store.start_attempt(run_id, "sha", "BIG-001")
        batch = [
            TraceLine(
                "apdu" if i % 10 == 0 else channels[i % 4],
                1_000_000 + i * 1000,
                1.0 + i / 1000,
                f"{i:06d} A>> 80 CA 9F 7F 00  A<< 1E 2F EB 89 41 4C 90 00  (0.20 ms) [vitale@Lecteur]",
                "bench",
                None,
                None,
                attempt,
                f"s{i // 5000:02d}",
            )
            for i in range(lines)
        ]
        store.add_trace_lines(batch)
    return path, attempt
