"""The workstation in one language at a time, and the case it runs is the case it shows (Pilot, headless).

Booleans read oui/non (yes/no) in every view, the trace expectations and the bench line of the overview
read in the language shown, and a filter that hides the selected case moves the selection to a case shown.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_app import leaves, text_of
from test_tui_exam import demo_case, plain
from test_tui_helpers import demo_app, make_app, wait_run
from textual.widgets import DataTable, Static, Tree

from testbench.tui import exam
from testbench.tui.texts import make_translator

SIZE = (130, 40)


def rows(app, selector: str) -> list[list[str]]:
    table = app.query_one(selector, DataTable)
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)] for i in range(table.row_count)]


def test_a_filter_that_hides_the_selected_case_selects_a_case_shown_and_r_runs_that_one(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.current is not None and app.current[1] == "TC-OK-001"
            await pilot.press("slash", *"KO", "enter", "ctrl+b", "down", "down", "down", "down")
            await pilot.pause()
            assert leaves(app) == ["TC-KO-002"]
            assert app.current is not None and app.current[1] == "TC-KO-002"  # what the tree and case view show
            assert text_of(app, "#case-detail").startswith("TC-KO-002")
            tree = app.query_one("#tree", Tree)
            assert tree.cursor_node is not None and tree.cursor_node.data == app.current
            await pilot.press("r")
            await wait_run(app, pilot)
            assert len(app.ws.find("TC-KO-002").view.attempts) == 1
            assert app.ws.find("TC-OK-001").view is None or app.ws.find("TC-OK-001").view.attempts == ()
            # a filter that shows no case: nothing is selected, and r runs nothing
            await pilot.press("slash", *"nothing-matches", "enter")
            await pilot.pause()
            assert leaves(app) == [] and app.current is None
            await pilot.press("r")
            await pilot.pause()
            assert not app.running and len(app.ws.find("TC-KO-002").view.attempts) == 1

    asyncio.run(scenario())


def test_booleans_and_trace_expectations_read_in_the_language_shown(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = demo_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f2")  # English
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            compare = {row[0]: row for row in rows(app, "#compare-table")}
            assert compare["t-code"][2] == "present /1241763/ on engine"
            assert compare["t-no-pin"][2].startswith("absent /") and compare["t-no-pin"][2].endswith("/ on bench")
            observed = {row[1]: row[2] for row in rows(app, "#observed-table")}
            assert (observed["pin.verified"], observed["secure.signature.certified"]) == ("yes", "no")
            assert not {"True", "False"} & set(observed.values())
            # the case view of a boolean expectation and the hint of its manual step
            app.goto_case(app.ws.find("DEMO-FSE-030").key)
            await pilot.press("1")
            await pilot.pause()
            case = text_of(app, "#case-detail")
            assert "manual.paper_printed = yes" in case
            assert "(manual.paper_printed): yes" in case and "true" not in case
            await pilot.press("7")
            await pilot.pause()
            values = plain(app.query_one("#exam-values", Static).content, width=160)
            paper = next(line for line in values.splitlines() if "manual.paper_printed" in line)
            assert " yes " in paper and "true" not in paper
            # F2 again: the same views in French
            await pilot.press("f2")
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.press("3")
            await pilot.pause()
            compare = {row[0]: row for row in rows(app, "#compare-table")}
            assert compare["t-code"][2] == "présent /1241763/ sur engine"
            observed = {row[1]: row[2] for row in rows(app, "#observed-table")}
            assert (observed["pin.verified"], observed["secure.signature.certified"]) == ("oui", "non")

    asyncio.run(scenario())


def test_the_exam_view_reads_an_observed_boolean_yes_no() -> None:
    case = demo_case("DEMO-FSE-030")
    observations = [{"path": "manual.paper_printed", "value": True, "source": "operator"}]
    for lang, yes in (("fr", "oui"), ("en", "yes")):
        t = make_translator(lang)
        paper = next(v for v in exam.expected_values(case, observations, t, lang) if v.path == "manual.paper_printed")
        assert (paper.expected, paper.observed, paper.state) == (yes, yes, "observed")
        shown = plain(exam.values_table([paper], t), width=200)
        # expected, observed, and where it comes from (« saisi par l'opérateur : oui »)
        assert shown.count(yes) == 3 and "True" not in shown and "true" not in shown


def test_ui_in_english_shows_its_bench_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``testbench ui --lang en``: the overview's bench line, composed by the command, reads in English."""
    from testbench.cli.main import main
    from testbench.paths import CASEBOOKS_DIR
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    overviews: list[str] = []

    def shown_overview(app: WorkstationApp) -> int:
        async def scenario() -> None:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press("5")
                await pilot.pause()
                overviews.append(text_of(app, "#overview-detail"))

        asyncio.run(scenario())
        return 0

    monkeypatch.setattr(WorkstationApp, "run", shown_overview)
    demo, session = str(CASEBOOKS_DIR / "demo.xml"), str(tmp_path / "exam.tbsession")
    args = ["ui", demo, "--session", session, "--cards", "inprocess", "--engine", "inprocess", "--allow-real-cards"]
    assert main([*args, "--lang", "en"]) == 0
    said = "in-memory virtual reader · reference engine (in the bench's process) · real cards allowed"
    assert f"Bench: {said}" in overviews[-1]
    assert main(args) == 0
    said = "lecteur virtuel en mémoire · moteur de référence (dans le processus du banc) · cartes réelles admises"
    assert f"Banc : {said}" in overviews[-1]
