"""The workstation between 100 and 140 columns (Pilot, the demo on the in-process bench, a real session file).

What an engineer reads there stays on screen: the expected/observed table's observed and result
columns (its long trace expectation wraps), the exam view's observed values, and an APDU's response in
the traces. At these widths the wide views take the whole width while the tree has no focus, and the
trace panes are one above the other (two at a time on a short terminal) instead of side by side.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import demo_app, run_and_open_traces
from textual.widgets import DataTable

from testbench.tui.views import TREE_ASIDE_UNDER, fit_columns

WIDTHS = (100, 120, 140)


def screen_lines(app) -> list[str]:
    """The screen as drawn, one string a line (what a person sees)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def visible_columns_end(table: DataTable, last: str) -> int:
    columns = list(table.columns.values())
    keys = [str(c.key.value) for c in columns]
    return sum(c.get_render_width(table) for c in columns[: keys.index(last) + 1])


@pytest.mark.parametrize("width", WIDTHS)
def test_observed_values_and_responses_stay_on_screen(tmp_path: Path, width: int) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            panes = await run_and_open_traces(app, pilot, "DEMO-FSE-001")
            # view 4: an APDU's response is drawn in its pane
            apdu = panes.view("apdu")
            assert apdu.display and len(apdu) > 0
            drawn = "".join(segment.text for segment in apdu.render_line(0))
            assert "A>> " in drawn and "A<< " in drawn, drawn
            # view 3: the observed and result columns are inside the table, the trace expectation wraps
            await pilot.press("3")
            await pilot.pause()
            await pilot.pause()
            table = app.query_one("#compare-table", DataTable)
            assert table.row_count == 9
            assert visible_columns_end(table, "Résultat") <= table.scrollable_content_region.width
            shown = "\n".join(screen_lines(app))
            assert "Observé" in shown and "Résultat" in shown
            no_pin = next(line for line in screen_lines(app) if "t-no-pin" in line)
            assert "✔ réussi" in no_pin, no_pin
            observed = app.query_one("#observed-table", DataTable)
            assert visible_columns_end(observed, "Source") <= observed.scrollable_content_region.width
            # view 7: every expected value with its observed value and source, none cut to « … »
            await pilot.press("7")
            await pilot.pause()
            await pilot.pause()
            line = next(line for line in screen_lines(app) if "invoice.lines[0].base" in line)
            assert line.count("56,00\u00a0€") == 2 and "moteur" in line and "…" not in line, line
            # under 140 columns the tree comes back with ctrl+b and steps aside again in a wide view
            await pilot.press("ctrl+b")
            assert app.query_one("#left").display
            await pilot.press("3")
            assert app.query_one("#left").display is (width >= TREE_ASIDE_UNDER)

    asyncio.run(scenario())


def test_columns_wrap_the_long_values_first_and_the_path_last() -> None:
    natural = {"Attente": 14, "Chemin": 26, "Attendu": 47, "Observé": 7, "Résultat": 8, "Règles": 6}
    assert fit_columns(natural, 200, (("Attendu", "Observé", "Règles"), ("Chemin",))) == natural
    fitted = fit_columns(natural, 80, (("Attendu", "Observé", "Règles"), ("Chemin",)))
    assert sum(fitted.values()) <= 80
    assert fitted["Chemin"] == 26 and fitted["Attendu"] < 47 and fitted["Observé"] == 7
    tight = fit_columns(natural, 60, (("Attendu", "Observé", "Règles"), ("Chemin",)))
    assert tight["Attendu"] == 12 and tight["Chemin"] < 26 and sum(tight.values()) <= 60
