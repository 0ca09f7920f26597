"""The exam day at 80×24, keyboard only, in French then in English (audit of the workstation, Pilot).

A session with a case passed, one failed, one pending and one in error (the bench's engine breaks under
it). Every key acts or says why it cannot; every window switches language with F2 and closes with its
keys; the footer writes its keys as F1 does; Tab goes through every trace pane on a narrow terminal; the
tool windows, the unfinished attempt's window, the overview, the run's header and the expected/observed
view keep what they say readable at 80×24.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import io
from pathlib import Path

from fakes import FakeBay, invoice_step, make_case, make_casebook, value
from rich.console import Console
from test_tui_helpers import StableFakeEngine, sample_casebook, wait_run
from textual.widgets import Button, Static

from testbench.runner.assemble import Bench
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

NARROW = (80, 24)
ERROR_PRICE = "9.99"  # the engine breaks on an invoice at this price: the case ends in error (a bench fault)


class BreakingEngine(StableFakeEngine):
    """The fake engine, broken for invoices at ERROR_PRICE (``breaks`` times, then it prices them)."""

    breaks = 10**6

    def create_invoice(self, request):
        if any(line["unit_price"] == ERROR_PRICE for line in request["lines"]) and BreakingEngine.breaks > 0:
            BreakingEngine.breaks -= 1
            raise RuntimeError("engine broken")
        return super().create_invoice(request)


def _bench(recorder, notify) -> Bench:
    bay = FakeBay()
    engine = BreakingEngine(bay, trace=recorder.engine_sink)
    return Bench(engine=engine, bay=bay, guard=None, description={"cards": "fake", "engine": {"name": "fake"}})


def audit_app(tmp: Path, *, lang: str = "fr", breaks: int = 10**6):
    """The sample casebook and TC-ERR-005, whose invoice the engine fails to price ``breaks`` times."""
    from testbench.tui.app import WorkstationApp

    BreakingEngine.breaks = breaks
    cases = sample_casebook(tmp).cases
    error = make_case(
        "TC-ERR-005", (invoice_step(unit_price=ERROR_PRICE),), (value("e-amo", "invoice.totals.amo", "1.00"),)
    )
    ws = Workstation([make_casebook((*cases, error), tmp)], tmp / "exam.tbsession")
    app = WorkstationApp(
        ws,
        bench_factory=_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(tmp / "config"),
    )
    app.animation_level = "none"
    return app


def screen_text(app) -> str:
    """What the terminal shows, as text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def region_text(app, widget) -> str:
    """The screen's text inside ``widget``'s region."""
    region = widget.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


async def until(pilot, condition, what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not seen: {what}")


async def populate(app, pilot) -> None:
    """Pass, fail, pending and error: ``x`` runs the cases, the manual step is left pending (ctrl+t), the
    cases after it run with ``r``."""
    from testbench.tui.screens import AttestScreen

    await pilot.press("x")
    await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step")
    await pilot.press("ctrl+t")
    await wait_run(app, pilot)
    for case_id in ("TC-LOT-004", "TC-ERR-005"):
        await select(app, pilot, case_id)
        await pilot.press("r")
        await wait_run(app, pilot)
    verdicts = {e.case.id: e.verdict for e in app.ws.entries}
    assert verdicts == {
        "TC-OK-001": "pass",
        "TC-KO-002": "fail",
        "TC-MAN-003": "pending",
        "TC-LOT-004": "pass",
        "TC-ERR-005": "error",
    }, verdicts


async def select(app, pilot, case_id: str) -> None:
    app.goto_case(app.ws.find(case_id).key)
    await pilot.pause()
    app.query_one("#tree").focus()
    await pilot.pause()


async def said_after(app, pilot, *keys: str) -> str:
    """The notifications the keys gave (newest last)."""
    before = {id(note) for note in app._notifications}  # an older one may expire meanwhile
    await pilot.press(*keys)
    await pilot.pause()
    return "\n".join(str(note.message) for note in app._notifications if id(note) not in before)


def test_every_key_that_cannot_act_says_why(tmp_path: Path) -> None:
    """n N ] [ outside the traces, ctrl+t without a run, , and . with no other attempt, d and a with no case
    selected: each said nothing before."""

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            for key in ("n", "N", "right_square_bracket", "left_square_bracket"):
                said = await said_after(app, pilot, key)
                assert "« Traces » (touche 4)" in said, (key, said)
            assert "Aucune exécution en cours." in await said_after(app, pilot, "ctrl+t")
            assert "Aucune tentative pour ce cas." in await said_after(app, pilot, "comma")
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree").focus()
            assert "Pas de tentative précédente : tentative 1/1" in await said_after(app, pilot, "comma")
            assert "Pas de tentative suivante : tentative 1/1" in await said_after(app, pilot, "full_stop")
            # in the traces, without a search or a step to go to
            await pilot.press("4")
            await app.workers.wait_for_complete()
            await pilot.pause()
            said = await said_after(app, pilot, "n")
            assert "Aucune occurrence : cherchez d'abord (Ctrl+F)" in said, said
            app.query_one("#tree").focus()
            # a filter that shows no case: the case's windows say there is none
            await pilot.press("slash", *"zzz-aucun", "enter")
            assert app.current is None
            for key in ("d", "a"):
                assert "Aucun cas sélectionné." in await said_after(app, pilot, key), key
            # in English
            await pilot.press("f2")
            assert "No case selected." in await said_after(app, pilot, "d")
            assert "No run in progress." in await said_after(app, pilot, "ctrl+t")

    asyncio.run(scenario())


def test_the_attempt_keys_redraw_the_exam_view_and_say_which_attempt(tmp_path: Path) -> None:
    """r r 7 , : the exam view stayed on the latest attempt and nothing said which one was meant."""

    async def scenario() -> None:
        app = audit_app(tmp_path, breaks=1)  # the first attempt ends in error, the second is priced
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-ERR-005")
            for _ in range(2):
                await pilot.press("r")
                await wait_run(app, pilot)
            await pilot.press("7")
            await pilot.pause()
            view = app.query_one("#exam-view")
            assert "! erreur" not in region_text(app, view)
            said = await said_after(app, pilot, "comma")
            assert "Tentative 1/2" in said, said
            assert "! erreur" in region_text(app, view)

    asyncio.run(scenario())


def test_f2_switches_the_reading_windows_and_f1_closes_the_help(tmp_path: Path) -> None:
    """f1 f2, d f2, c f2, l f2, i f2: the window stayed in its language and F2 did nothing; f1 f1 opened a
    second help over the first."""
    from testbench.tui.bench_view import BenchScreen
    from testbench.tui.coverage_screen import CoverageScreen
    from testbench.tui.glossary_screen import GlossaryScreen
    from testbench.tui.screens import HelpScreen

    def shown(screen) -> str:
        return "\n".join(_plain(widget) for widget in screen.query(Static))

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            assert len(app.screen_stack) == 1, "F1 closes the help it opened"
            await pilot.press("f1", "f2")
            await pilot.pause()
            assert app.lang == "en" and isinstance(app.screen, HelpScreen)
            assert "Show this help and the keys" in shown(app.screen), shown(app.screen)
            await pilot.press("escape", "d")
            await pilot.pause()
            assert isinstance(app.screen, GlossaryScreen)
            assert "Definitions of the terms" in shown(app.screen)
            await pilot.press("f2")
            await pilot.pause()
            assert app.lang == "fr" and "Définitions des termes" in shown(app.screen), shown(app.screen)
            await pilot.press("escape", "c")
            await pilot.pause()
            assert isinstance(app.screen, CoverageScreen)
            assert "aucun plan d'examen" in shown(app.screen)
            await pilot.press("f2")
            await pilot.pause()
            assert "no exam plan" in shown(app.screen), shown(app.screen)
            await pilot.press("escape", "i")
            await until(pilot, lambda: isinstance(app.screen, BenchScreen) and app.screen.filled, "the integrity")
            assert "INTACT" in shown(app.screen)
            await pilot.press("f2")
            await until(pilot, lambda: app.screen.filled, "the integrity again")
            assert app.lang == "fr" and "INTÈGRE" in shown(app.screen), shown(app.screen)
            await pilot.press("escape")
            assert len(app.screen_stack) == 1

    asyncio.run(scenario())


def drawn(widget: Static) -> str:
    """What ``widget`` draws at its width (all of it, what its view shows and what it scrolls to)."""
    console = Console(width=widget.content_region.width, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def _plain(widget: Static) -> str:
    content = widget.content
    if hasattr(content, "plain"):
        return content.plain
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def test_tab_goes_through_every_trace_pane_at_80x24(tmp_path: Path) -> None:
    """r 4 then Tab from the query box: once the last pair was shown, Tab went query → http → tabs → query,
    never back to apdu, engine, app or bench (shift+tab from the tabs: engine, apdu, query, tabs…)."""
    from testbench.tui.traceview import TraceView

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("4")
            await app.workers.wait_for_complete()
            await pilot.pause()
            for direction in ("tab", "shift+tab"):
                seen: list[str] = []
                for _ in range(16):
                    await pilot.press(direction)
                    await pilot.pause()
                    if isinstance(app.focused, TraceView):
                        seen.append(app.focused.channel)
                assert set(seen) == {"apdu", "engine", "app", "bench", "http", "files"}, (direction, seen)
                order = ["apdu", "engine", "app", "bench", "http", "files"]  # the files read last
                if direction == "shift+tab":
                    order.reverse()
                lap = seen[seen.index(order[0]) :][:6]
                assert lap == order, (direction, seen)

    asyncio.run(scenario())


def test_a_tool_window_keeps_its_title_and_room_for_its_result_at_80x24(tmp_path: Path) -> None:
    """G then u: the title was cut (« … extraits, P », « … valeurs extraites main »); after Enter, G's result
    had one line under its seven fields."""

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("u")
            await pilot.pause()
            text = " ".join(screen_text(app).replace("▊", "").replace("▎", "").split())
            assert "lignes lues et valeurs extraites maintenant" in text, text
            await pilot.press("escape", "G")
            await pilot.pause()
            text = " ".join(screen_text(app).replace("▊", "").replace("▎", "").split())
            assert "PDF, signature, JUnit, plan" in text, text
            output = app.screen.query_one("#tool-output")
            assert output.region.height >= 5, output.region  # was 2: its frame and one line

    asyncio.run(scenario())


def test_the_unfinished_attempt_window_shows_its_three_choices_at_80x24(tmp_path: Path) -> None:
    """r on an operator attempt stopped midway: « Nouvelle tentative depuis l'étape 1 (n) » lost its key and
    « Annuler (échap) » was off the window."""
    from testbench.runner.resume import Continuation
    from testbench.tui.screens import ContinueScreen

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            stopped = Continuation(1, 1, "étape manuelle m-screen en attente de l'opérateur", ("s-a", "s-b"), "s-c")
            for _ in ("fr", "en"):
                app.push_screen(ContinueScreen(app.ws.find("TC-MAN-003").case, stopped, app.t))
                await pilot.pause()
                window = app.screen.query_one("Vertical").region
                for button in app.screen.query(Button):
                    assert window.contains_region(button.region), (str(button.label), button.region, window)
                await pilot.press("escape", "f2")
                await pilot.pause()

    asyncio.run(scenario())


def test_the_overview_table_and_the_run_header_are_whole_at_80x24(tmp_path: Path) -> None:
    """x … 5: the table by domain read « Domai… », « atte… », « retou… »; the run's header was cut after
    « … en »."""

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await populate(app, pilot)
            await pilot.press("x")  # the pending case again: stopped at its manual step
            from testbench.tui.screens import AttestScreen

            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step")
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            status = region_text(app, app.query_one("#run-status"))
            assert "en attente 1" in " ".join(status.split()), status
            for lang, words in (
                ("fr", ("Domaine", "réussi", "échec", "erreur", "attente", "Total", "retours")),
                ("en", ("Domain", "passed", "failed", "error", "pending", "Total", "returns")),
            ):
                assert app.lang == lang
                await pilot.press("5")
                await pilot.pause()
                table = drawn(app.query_one("#overview-detail", Static))
                for word in words:
                    assert word in table, (lang, word, table)
                await pilot.press("f2")
                await pilot.pause()

    asyncio.run(scenario())


def test_expected_observed_says_why_an_attempt_compared_nothing(tmp_path: Path) -> None:
    """r on TC-ERR-005 then 3: two empty tables under « ! erreur », nothing said."""

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-ERR-005")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            said = _plain(app.query_one("#compare-messages", Static))
            assert said.startswith("Aucune comparaison dans cette tentative : ! erreur — défaut du banc"), said
            await pilot.press("f2")
            await pilot.pause()
            said = _plain(app.query_one("#compare-messages", Static))
            assert said.startswith("No comparison in this attempt: ! error — bench fault"), said

    asyncio.run(scenario())


def test_f2_in_the_palette_lists_the_actions_in_the_other_language(tmp_path: Path) -> None:
    """ctrl+p f2: the palette stayed in French and F2 did nothing."""
    from textual.command import CommandInput, CommandList

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p", *"aide")
            await pilot.pause(0.5)
            listed = app.screen.query_one(CommandList)
            assert "Afficher cette aide" in str(listed.get_option_at_index(0).prompt)
            await pilot.press("ctrl+u", "f2", *"help")
            await pilot.pause(0.5)
            assert app.lang == "en"
            assert app.screen.query_one(CommandInput).placeholder == "Search commands or cases…"
            assert "Show this help and the keys" in str(listed.get_option_at_index(0).prompt)

    asyncio.run(scenario())
