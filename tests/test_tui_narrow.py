"""The workstation at 80×24 (Pilot, headless): everything needed stays on screen.

The footer keeps quit and help, every tab can be clicked, the traces show one or two panes wide
enough to read an APDU, the expected/observed table keeps its observed column, and the review mark ✎
survives a narrow tree.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import demo_app, make_app, run_and_open_traces, wait_run
from textual.widgets import DataTable, TabbedContent, Tree
from textual.widgets._footer import FooterKey

from testbench.tui.screens import ReviewScreen
from testbench.tui.traceview import TraceView

NARROW = (80, 24)
APDU_WIDTH = 60  # "A>> 00 A4 04 00 07 A0 00 00 00 04 10 10  A<< 90 00 succès" and its reader


def fully_visible(app, widget) -> bool:
    """The whole widget is on screen and nothing covers its first cell."""
    region = widget.region
    if not region or not app.screen.region.contains_region(region):
        return False
    found, _ = app.screen.get_widget_at(region.x, region.y)
    return found is widget or widget in found.ancestors


def test_footer_keeps_quit_and_help_and_every_tab_can_be_clicked(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            keys = {key.action: key for key in app.screen.query(FooterKey)}
            assert fully_visible(app, keys["quit"]) and fully_visible(app, keys["help"])
            tabs = app.query_one("#views", TabbedContent)
            for view in ("review", "overview", "traces", "compare", "run", "case"):
                tab = tabs.get_tab(view)
                assert fully_visible(app, tab), view
                await pilot.click(tab)
                assert tabs.active == view

    asyncio.run(scenario())


def test_traces_show_two_panes_wide_enough_for_an_apdu_and_tab_reaches_all_four(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "DEMO-FSE-001")
            shown = [v for v in panes.views() if v.display]
            assert [v.channel for v in shown] == ["apdu", "engine"]
            for view in shown:  # the text column, after the step column
                assert view.scrollable_content_region.width - 11 >= APDU_WIDTH, view.channel
            apdu = panes.view("apdu")
            assert app.focused is apdu and len(apdu) > 0
            line = apdu.index.row(0).text
            assert line.startswith("A>> ")
            drawn = "".join(segment.text for segment in apdu.render_line(0))
            assert line[:APDU_WIDTH] in drawn
            # Tab goes through the four channels, showing the other two when needed
            seen = []
            for _ in range(3):
                await pilot.press("tab")
                seen.append((app.focused.channel, [v.channel for v in panes.views() if v.display]))
            assert seen == [
                ("engine", ["apdu", "engine"]),
                ("app", ["app", "bench"]),
                ("bench", ["app", "bench"]),
            ]
            # the tree comes back when asked for, and steps aside again
            await pilot.press("ctrl+b")
            assert app.query_one("#tree", Tree).region.width > 0
            await pilot.press("4")
            assert isinstance(app.focused, TraceView)
            assert not app.query_one("#left").display

    asyncio.run(scenario())


def test_expected_observed_keeps_the_observed_column_at_80x24(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-006").key)
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            table = app.query_one("#compare-table", DataTable)
            assert table.row_count > 0
            columns = list(table.columns.values())
            keys = [str(c.key.value) for c in columns]
            end = sum(c.get_render_width(table) for c in columns[: keys.index("Observé") + 1])
            assert end <= table.scrollable_content_region.width

    asyncio.run(scenario())


def test_the_review_mark_is_visible_in_a_narrow_tree(tmp_path: Path, monkeypatch) -> None:
    from testbench.signing import init_key

    key = tmp_path / "keys" / "signing-key.pem"
    init_key(key)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-KO-002").key)
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("1", "ctrl+b", "a")
            assert isinstance(app.screen, ReviewScreen)
            app.screen.query_one("#decision").value = "pass"
            await pilot.press(*"arrondi", "ctrl+s")
            await pilot.pause()
            tree = app.query_one("#tree", Tree)
            node = app.nodes[app.ws.find("TC-KO-002").key]
            y = node.line - tree.scroll_offset.y
            drawn = "".join(segment.text for segment in tree.render_line(y))
            assert "TC-KO" in drawn and "✎" in drawn, drawn

    asyncio.run(scenario())
