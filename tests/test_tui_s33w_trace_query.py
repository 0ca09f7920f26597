"""The traces view's query box as a person uses it at 80×24, with the « fichiers lus » pane.

Enter on a search from the query box goes to the first pane that holds a match, the files read included (a value read
is only there: it used to stay in the box, the hit highlighted in a pane not even shown); a search that finds nothing
anywhere says so. F2 redraws the line above the panes (« 19 lignes, 3 étapes ») in the other language too: it stayed
French in an English workstation.

A real assisted campaign (the stand-in application's real FSE, lot and log; the real capture and session store)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from test_tui_helpers import traces_indexed
from test_tui_s33v_trace_files import assisted, workstation  # noqa: F401 - the fixture is used by name
from textual.widgets import Input


async def _searched(app, pilot, words: str, case: str = "T-OK"):
    """``words`` typed in the traces' query box of ``case``'s attempt, then Enter."""
    app.goto_case(app.ws.find(case).key)
    await pilot.pause()
    await pilot.press("4")
    panes = await traces_indexed(app, pilot)
    query = app.query_one("#trace-query", Input)
    query.focus()
    query.value = words
    await pilot.press("enter")
    await pilot.pause()
    return panes


def test_enter_goes_to_the_value_read_in_the_files_pane(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    book, session = assisted
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panes = await _searched(app, pilot, "lot.totals.amo")
            files = panes.files_view()
            seen["focused"] = getattr(app.focused, "channel", app.focused)
            seen["shown"] = files.display and app.screen.region.contains_region(files.region)
            seen["line"] = files.index.row(files.cursor).text if files.index is not None else ""

    asyncio.run(scenario())
    assert seen["focused"] == "files", seen
    assert seen["shown"], seen  # at 80 columns the panes come two at a time: the files' pair shown
    assert seen["line"].strip().startswith("lot.totals.amo = 33,60\u00a0€"), seen


def test_a_search_that_finds_nothing_says_so(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    book, session = assisted

    async def scenario() -> list[str]:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await _searched(app, pilot, "introuvable-xyz")
            return [n.message for n in app._notifications]

    said = asyncio.run(scenario())
    assert "Aucune occurrence de « introuvable-xyz » dans les traces de cette tentative" in said, said


def test_f2_says_the_line_above_the_panes_in_english(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    book, session = assisted
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-OK").key)
            await pilot.pause()
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            seen["fr"] = str(panes.query_one("#trace-info").render())
            await pilot.press("f2")
            await pilot.pause()
            seen["en"] = str(panes.query_one("#trace-info").render())

    asyncio.run(scenario())
    assert "lignes" in seen["fr"] and "étapes" in seen["fr"], seen
    assert "lines" in seen["en"] and "steps" in seen["en"], seen
    assert "lignes" not in seen["en"] and "étape" not in seen["en"] and "canaux" not in seen["en"], seen


def test_a_case_never_run_is_said_above_its_empty_panes(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    book, _session = assisted
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = workstation(book, tmp_path / "fresh.tbsession", tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-OK").key)
            await pilot.pause()
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            seen["info"] = str(panes.query_one("#trace-info").render())
            seen["files"] = str(panes.files_view().border_subtitle)

    asyncio.run(scenario())
    assert seen["info"].startswith("aucune tentative à montrer"), seen  # was « 0 ligne, 0 étape » over empty frames
    assert "0 ligne" not in seen["info"], seen


def test_a_correction_is_in_sight_at_80_columns(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The operator's value used to come after the place in the file (« …, string(/fse/totaux/@amo) — corrigé par
    l'opérateur : 33,60 € »), past the pane's right edge at 80 columns: the line drawn said 33,00 € alone."""
    book, session = assisted
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panes = await _searched(app, pilot, "invoice.totals.amo", "T-FIX")
            files = panes.files_view()
            await pilot.pause()
            y = files.cursor - files.scroll_offset.y
            seen["drawn"] = "".join(segment.text for segment in files.render_line(y))

    asyncio.run(scenario())
    assert "invoice.totals.amo = 33,00\u00a0€ — corrigé par l'opérateur : 33,60\u00a0€" in seen["drawn"], seen


def test_tab_into_the_files_pane_says_its_moment(
    assisted: tuple[Path, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """At 80×24 Tab shows the panes two at a time: reaching « fichiers lus », the line above said the moment of the
    pane left (the empty http's: none), not the line under the files pane's cursor."""
    from testbench.report.labels import clock_text

    book, session = assisted
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = workstation(book, session, tmp_path, "fr")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-OK").key)
            await pilot.pause()
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            files = panes.files_view()
            for _ in range(10):
                await pilot.press("tab")
                await pilot.pause()
                if app.focused is files:
                    break
            seen["focused"] = app.focused is files
            seen["moment"] = clock_text(files.index.row(files.cursor).wall)
            seen["info"] = str(panes.query_one("#trace-info").render())

    asyncio.run(scenario())
    assert seen["focused"], seen
    assert f"heure du banc (UTC) : {seen['moment']}" in seen["info"], seen
