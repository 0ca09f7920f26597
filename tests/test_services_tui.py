"""The workstation shows the téléservices' exchanges in their own trace pane (channel ``http``)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from test_tui_helpers import run_and_open_traces

from testbench.casebook.loader import load_casebooks
from testbench.domain.vocabulary import TRACE_CHANNELS
from testbench.runner.assemble import BenchOptions
from testbench.tui.config import Settings, UiState
from testbench.tui.traceview import PAIRS
from testbench.tui.workstation import Workstation

REPO = Path(__file__).resolve().parents[1]


def test_the_http_pane_shows_the_exchanges_of_the_case(tmp_path: Path) -> None:
    from testbench.tui.app import WorkstationApp
    from testbench.tui.execution import assembled_bench

    shutil.copy(REPO / "tests" / "data" / "services" / "teleservices.xml", tmp_path)
    shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "cards")
    ws = Workstation(load_casebooks([tmp_path / "teleservices.xml"]), tmp_path / "tls.tbsession")
    app = WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards="inprocess")),
        settings=Settings(operator="Opératrice Test"),
        state=UiState(tmp_path / "cfg"),
    )

    async def scenario() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            http = (await run_and_open_traces(app, pilot, "EPRESC-LPP")).view("http")
            assert http.display and len(http) >= 2
            texts = [http.index.row(i).text for i in range(len(http))]
            assert texts[0] == "eprescription : scénario ordonnance-lpp, sans défaut"
            assert texts[1].startswith("POST /eprescription → 200 en ")

    asyncio.run(scenario())


def test_a_narrow_terminal_reaches_every_channel_once() -> None:
    """Tab on a narrow terminal goes through the pairs: every channel of the one list, once."""
    assert sorted(channel for pair in PAIRS for channel in pair) == sorted(TRACE_CHANNELS)
