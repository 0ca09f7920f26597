"""An amount is never parted across lines in the workstation: « 403,00 € » stays whole at the wrap edge.

French amounts join their digits and their sign with no-break spaces (``fmt.money``), but Rich and Textual wrap at
any space Python's ``\\s`` matches: at 80 columns a verdict line ended on « 403,00 » and the next began with « € ».
The workstation's renderer sets both wrappers to break only at the other spaces (``tui.nobreak``);
what the amounts are written as (reports, the CLI) does not change.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from fakes import invoice_step, make_case, make_casebook, value
from rich.console import Console
from rich.text import Text
from test_tui_helpers import fake_bench, wait_run
from textual.content import Content
from textual.widgets import Static

from testbench import fmt
from testbench.tui.config import Settings, UiState
from testbench.tui.nobreak import keep_no_break_spaces
from testbench.tui.workstation import Workstation

#: the expectation's id long enough that « 403,00 » ends the first line of its verdict at 80 columns (78 inside the
#: padding): « ✘ {id} : attendu 403,00 €, … »
EDGE_ID = "e-" + "x" * 57
LINE = f"✘ {EDGE_ID} : attendu {fmt.money('403.00', 'fr')}, observé {fmt.money('33.60', 'fr')} (différent)"


def test_the_amount_falls_at_the_wrap_edge() -> None:
    """The premise of the tests below: the line is cut right after « 403,00 » when « € » is a place to break."""
    width = 78
    assert LINE.index("403,00") + len("403,00") == width


def test_both_wrappers_keep_an_amount_whole_at_the_edge() -> None:
    keep_no_break_spaces()
    rich_lines = [line.plain for line in Text(LINE).wrap(Console(width=80), 78)]
    content_lines = [line.plain for line in Content(LINE).wrap(78)]
    for lines in (rich_lines, content_lines):
        assert lines[0].rstrip().endswith("attendu"), lines
        assert lines[1].startswith("403,00\u00a0€,"), lines
    # the ordinary spaces still break: the text is wrapped, not cropped
    assert len(rich_lines) == len(content_lines) == 2
    # the words are unchanged: only where a line may break
    assert fmt.money("1403.00", "fr") == "1\u00a0403,00\u00a0€"


def test_the_verdict_line_keeps_its_amount_whole_at_80_columns(tmp_path: Path) -> None:
    from testbench.tui.app import WorkstationApp

    case = make_case("TC-EDGE", (invoice_step(),), (value(EDGE_ID, "invoice.totals.amo", "403.00"),))
    ws = Workstation([make_casebook((case,), tmp_path)], tmp_path / "edge.tbsession")
    app = WorkstationApp(
        ws, bench_factory=fake_bench, settings=Settings(lang="fr", operator="Opératrice"), state=UiState(tmp_path / "c")
    )
    shown: list[str] = []

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-EDGE").key)
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            messages = app.query_one("#compare-messages", Static)
            assert messages.region.width == 80  # the tree aside: the whole width, 78 inside the padding
            assert str(messages.render()).startswith(LINE), str(messages.render())
            top = messages.region.y
            strips = app.screen._compositor.render_strips()
            shown.extend(strip.text for strip in strips[top : top + messages.region.height])

    asyncio.run(scenario())
    assert shown[0].rstrip().endswith("attendu"), shown
    assert shown[1].lstrip().startswith("403,00\u00a0€, observé 33,60\u00a0€"), shown
