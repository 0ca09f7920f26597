"""The workstation driven headless with Pilot: every workflow of the exam day, on fakes.

Tests are plain functions running their coroutine with ``asyncio.run`` (no pytest-asyncio needed).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import re
from pathlib import Path

from test_tui_helpers import make_app, traces_indexed, wait_run
from textual.widgets import DataTable, Input, Label, Log, Static, TabbedContent, Tree

from testbench.runner.events import CaseFinished, CaseStarted
from testbench.store.read import read_session
from testbench.tui.messages import AttestationAsked, RunDone, RunProgress
from testbench.tui.screens import AttestScreen, HelpScreen, ReviewScreen
from testbench.tui.traceview import TracePanes, TraceView

SIZE = (130, 40)


def leaves(app) -> list[str]:
    tree = app.query_one("#tree", Tree)
    out = []

    def walk(node):
        for child in node.children:
            if child.data is not None:
                out.append(child.data[1])
            walk(child)

    walk(tree.root)
    return out


def text_of(app, selector: str) -> str:
    """The plain text a Static shows (rendered through Rich for tables and groups)."""
    from rich.console import Console

    content = app.query_one(selector, Static).content
    if hasattr(content, "plain"):
        return content.plain
    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(content)
    return console.export_text()


async def select(app, pilot, case_id: str) -> None:
    entry = app.ws.find(case_id)
    app.goto_case(entry.key)
    await pilot.pause()


def verdict_of(app, case_id: str) -> str:
    return app.ws.find(case_id).verdict


def test_browser_tree_filters_counts_and_palette(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert leaves(app) == ["TC-OK-001", "TC-KO-002", "TC-MAN-003", "TC-LOT-004"]
            tree = app.query_one("#tree", Tree)
            plan = tree.root.children[0]
            assert str(plan.label).startswith("PDT-TEST-001")
            # domains and modes in words, as the report names them, in the language shown
            assert [str(c.label) for c in plan.children] == ["FSE (3)", "lots et retours (1)"]
            assert [str(m.label) for m in plan.children[1].children] == ["dégradé (1)"]
            assert "4 cas" in str(app.query_one("#counts", Label).render())
            await pilot.press("f2")
            assert [str(c.label) for c in plan.children] == ["FSE (3)", "lots and returns (1)"]
            await pilot.press("f2")
            app.query_one("#filter", Input).value = "lots et retours"  # the words the tree shows find the cases
            await pilot.pause()
            assert leaves(app) == ["TC-LOT-004"]
            app.query_one("#filter", Input).value = ""
            await pilot.pause()
            # text and tag filters
            await pilot.press("slash")
            assert app.query_one("#filter", Input).has_focus
            await pilot.press(*"tag:plv")
            assert leaves(app) == ["TC-LOT-004"]
            app.query_one("#filter", Input).value = "MAN"
            await pilot.pause()
            assert leaves(app) == ["TC-MAN-003"]
            app.query_one("#filter", Input).value = ""
            await pilot.press("enter")
            assert tree.has_focus
            # verdict filter after a run
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#filter", Input).value = "verdict:échec"
            await pilot.pause()
            assert leaves(app) == ["TC-KO-002"]
            app.query_one("#filter", Input).value = ""
            await pilot.pause()
            tree.focus()
            await pilot.press("v")  # cycles to "fail"
            assert leaves(app) == ["TC-KO-002"]
            assert "✘1" in str(app.query_one("#counts", Label).render())
            await pilot.press("v")  # error … pass: no case has them, skipped to "none"
            assert leaves(app) == ["TC-OK-001", "TC-MAN-003", "TC-LOT-004"]
            await pilot.press("v")  # back to all
            assert len(leaves(app)) == 4
            # the palette finds a case by words of its title
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"PLV")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert app.current is not None and app.current[1] == "TC-LOT-004"

    asyncio.run(scenario())


def test_case_view_objective_cards_steps_expectations(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            text = text_of(app, "#case-detail")
            assert "TC-MAN-003" in text and "Objectif" in text and "objectif" in text
            assert "[manuelle] Lire le montant AMO affiché par le logiciel" in text
            assert "Montant AMO à l'écran (manual.amo) : 33,60\u00a0€" in text
            assert "e-man manual.amo = 33,60\u00a0€\n" in text  # an amount reads as money, without its raw type
            await select(app, pilot, "TC-OK-001")
            text = text_of(app, "#case-detail")
            assert "lecteur vitale : carte v1 (vitale.xml) — non vérifiée" in text
            await pilot.press("r")
            await wait_run(app, pilot)
            text = text_of(app, "#case-detail")
            assert "lecteur vitale : carte v1 (vitale.xml) — insérée" in text
            assert "✔ réussi (tentative 1)" in text

    asyncio.run(scenario())


def test_run_progress_verdict_and_rerun_is_a_new_attempt(tmp_path: Path) -> None:
    messages: list = []

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert app.query_one("#views", TabbedContent).active == "run"
            assert verdict_of(app, "TC-KO-002") == "fail"
            log = "\n".join(app.query_one("#run-log", Log).lines)
            assert (
                "▶ TC-KO-002 (1/1)" in log
                and "s2 — Facturer à " in log
                and " : faite" in log
                and "s2 invoice" not in log
                and "■ TC-KO-002 : ✘ échec" in log
            )
            assert "exécution terminée : 1 cas" in text_of(app, "#run-status")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert [a.number for a in app.ws.find("TC-KO-002").view.attempts] == [1, 2]

    asyncio.run(scenario())
    events = [m.event for m in messages if isinstance(m, RunProgress)]
    assert [type(e) for e in events if isinstance(e, CaseStarted | CaseFinished)] == [
        CaseStarted,
        CaseFinished,
        CaseStarted,
        CaseFinished,
    ]
    assert sum(isinstance(m, RunDone) for m in messages) == 2
    with read_session(tmp_path / "exam.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-KO-002")
        assert [a.verdict for a in case.attempts] == ["fail", "fail"]


def test_run_rest_then_selection(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            # the rest: every case without a final verdict; the manual step is rejected here
            await pilot.press("x")
            for _ in range(50):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            app.screen.query_one("#note", Input).value = "total différent à l'écran"  # a rejection says why
            await pilot.press("ctrl+r")
            await wait_run(app, pilot)
            ran = {e.case.id: len(e.view.attempts) for e in app.ws.entries}
            assert ran == {"TC-OK-001": 1, "TC-KO-002": 1, "TC-MAN-003": 1, "TC-LOT-004": 1}
            assert verdict_of(app, "TC-MAN-003") == "fail"
            assert verdict_of(app, "TC-LOT-004") == "pass"
            # the selection: only the cases the filter shows
            app.query_one("#filter", Input).value = "tag:plv"
            await pilot.pause()
            app.query_one("#tree", Tree).focus()
            await pilot.press("s")
            await wait_run(app, pilot)
            ran = {e.case.id: len(e.view.attempts) for e in app.ws.entries}
            assert ran == {"TC-OK-001": 1, "TC-KO-002": 1, "TC-MAN-003": 1, "TC-LOT-004": 2}

    asyncio.run(scenario())


def test_manual_step_modal_reads_the_expected_amount_in_the_language_shown(tmp_path: Path) -> None:
    """After F2 the window a manual step opens gives the amount to compare the English way (« €33.60 »)."""

    async def scenario() -> str:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("f2", "r")
            for _ in range(50):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            shown = " ".join(str(w.render()) for w in app.screen.query(Label))
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            return shown

    shown = asyncio.run(scenario())
    assert "Expected on screen: " in shown and "€33.60" in shown and "33,60\u00a0€" not in shown, shown


def test_manual_step_modal_shows_expected_and_records_attestation(tmp_path: Path) -> None:
    asked: list = []

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE, message_hook=asked.append) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(50):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            screen = app.screen
            assert isinstance(screen, AttestScreen)
            shown = " ".join(str(w.render()) for w in screen.query(Label))
            assert "Valeur attendue à l'écran : 33,60\u00a0€" in shown
            assert "Montant AMO à l'écran (manual.amo)" in shown
            # the run waits: no verdict while the modal is open
            assert app.running and verdict_of(app, "TC-MAN-003") == "none"
            await pilot.press(*"33.60")
            screen.query_one("#note", Input).value = "lu sur l'écran de facturation"
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            assert verdict_of(app, "TC-MAN-003") == "pass"

    asyncio.run(scenario())
    assert any(isinstance(m, AttestationAsked) for m in asked)
    with read_session(tmp_path / "exam.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-MAN-003")
        attested = [e for e in view.events(case.latest.id) if e["kind"] == "manual-attested"]
        assert attested[0]["data"]["operator"] == "Opératrice Test"
        assert attested[0]["data"]["values"] == {"manual.amo": "33.60"}
        assert attested[0]["data"]["note"] == "lu sur l'écran de facturation"


def test_quit_while_a_manual_step_waits_leaves_it_pending(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("r")
            for _ in range(50):
                await pilot.pause(0.05)
                if isinstance(app.screen, AttestScreen):
                    break
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    asyncio.run(scenario())
    with read_session(tmp_path / "exam.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-MAN-003")
        assert case.verdict == "pending"


def test_compare_view_field_level_diff(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            assert app.query_one("#views", TabbedContent).active == "compare"
            table = app.query_one("#compare-table", DataTable)
            assert table.row_count == 1
            row = table.get_row_at(0)
            shown = [getattr(c, "plain", c) for c in row[:4]]
            assert shown == ["e-amo", "invoice.totals.amo", "33,61\u00a0€", "33,60\u00a0€"]
            expected, observed = row[2], row[3]
            # only the differing digit is marked on each side
            marked = [expected.plain[s.start : s.end] for s in expected.spans if "on green" in str(s.style)]
            assert marked == ["1"]
            marked = [observed.plain[s.start : s.end] for s in observed.spans if "on red" in str(s.style)]
            assert marked == ["0"]
            assert "attendu 33,61\u00a0€, observé 33,60\u00a0€" in text_of(app, "#compare-messages")
            observed = app.query_one("#observed-table", DataTable)
            rows = [[getattr(c, "plain", c) for c in observed.get_row_at(i)] for i in range(observed.row_count)]
            assert ["s2", "invoice.totals.amo", "33,60\u00a0€", "moteur"] in rows
            assert ["s2", "invoice.lines[0].base", "56,00\u00a0€", "moteur"] in rows  # an amount no case expects too

    asyncio.run(scenario())


def test_traces_linked_by_time_search_filter_and_steps(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("4")
            panes = await traces_indexed(app, pilot)
            bench, engine = panes.view("bench"), panes.view("engine")
            assert len(bench) >= 4 and len(engine) >= 1
            engine_line = engine.index.row(0).text
            assert "create_invoice" in engine_line
            # moving in the bench pane marks the engine line captured at that time
            bench.focus()
            await pilot.press("end")
            assert bench.cursor == len(bench) - 1
            assert engine.marker == len(engine) - 1
            await pilot.press("home")
            assert engine.marker == 0
            # search highlights and jumps; filter keeps matching lines only
            app.query_one("#trace-query", Input).focus()
            await pilot.press(*"invoice", "enter")
            assert engine.hits == [0]
            assert any("invoice" in bench.index.row(i).text for i in bench.hits)
            assert isinstance(app.focused, TraceView)  # Enter jumped to the first hit
            await pilot.press("ctrl+f", "ctrl+f")  # back to the query box, then filter mode
            await traces_indexed(app, pilot)
            assert panes.filter_mode
            assert all("invoice" in bench.index.row(i).text.lower() for i in range(len(bench)))
            # step jump moves every pane to the step's first line
            app.query_one("#trace-query", Input).focus()
            await pilot.press("ctrl+f")
            await traces_indexed(app, pilot)
            assert not panes.filter_mode
            assert panes.jump_step(1) == "s2"
            assert bench.index.row(bench.cursor).step_id == "s2"
            # the rendered line is the stored text (line API, no content in the widget)
            assert engine_line in "".join(seg.text for seg in engine.render_line(0))

    asyncio.run(scenario())


def test_overview_and_restore_position_after_restart(tmp_path: Path) -> None:
    async def first() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("5")
            text = text_of(app, "#overview-detail")
            assert "Avancement : 1/4 cas avec un verdict final" in text
            assert "Reste à faire (3) : TC-OK-001, TC-MAN-003, TC-LOT-004" in text
            await select(app, pilot, "TC-LOT-004")
            await pilot.press("4")

    async def second() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.current is not None and app.current[1] == "TC-LOT-004"
            assert app.query_one("#views", TabbedContent).active == "traces"
            assert app.ws.find("TC-KO-002").verdict == "fail"

    asyncio.run(first())
    asyncio.run(second())


def test_review_override_needs_reason_is_signed_and_keeps_original(tmp_path: Path, monkeypatch) -> None:
    from testbench.signing import init_key

    key = tmp_path / "keys" / "signing-key.pem"
    init_key(key)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree", Tree).focus()
            await pilot.press("a")
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            # how the key is made: the window's own way (ctrl+s offers to create it), never the CLI's command
            said = [str(label.render()) for label in screen.query(Label)]
            assert "Annotation signée avec votre clé ; sans clé, Ctrl+S propose de la créer." in said
            assert not any("keys init" in text for text in said)
            screen.query_one("#decision").value = "pass"
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, ReviewScreen)  # refused: no reason
            assert "motif est obligatoire" in str(screen.query_one("#review-error", Label).render())
            screen.query_one("#reason", Input).value = "écart d'arrondi accepté par l'examinateur"
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ReviewScreen)
            entry = app.ws.find("TC-KO-002")
            assert entry.original_verdict == "fail" and entry.verdict == "pass"
            text = text_of(app, "#review-detail")
            assert "Verdict d'origine : ✘ échec" in text and "Verdict retenu : ✔ réussi" in text
            assert "remplacé par réussi — Motif : écart d'arrondi accepté par l'examinateur ✔ signée" in text
            assert "Opératrice Test" in text
            # when, in UTC as the book and the cover write times (not the machine's local ISO-like « 2026-12-05 »)
            assert re.search(r"• \d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC Opératrice Test \(tentative 1\)", text), text
            assert "✎" in str(app.nodes[entry.key].label)
            # a new attempt is not covered by the old decision
            await pilot.press("r")
            await wait_run(app, pilot)
            assert app.ws.find("TC-KO-002").verdict == "fail"

    asyncio.run(scenario())
    with read_session(tmp_path / "exam.tbsession") as view:
        notes = view.annotations()
        (note,) = next(iter(notes.values()))
        assert (note.action, note.verdict, note.attempt_number, note.valid) == ("override", "pass", 1, True)
        case = next(c for c in view.cases if c.case_id == "TC-KO-002")
        assert [a.verdict for a in case.attempts] == ["fail", "fail"]  # recorded verdicts untouched


def test_report_from_the_ui_says_where_it_is(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # a case without cards: the report's card table needs the guard's findings (see docs/tui.md)
            await select(app, pilot, "TC-KO-002")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            log = "\n".join(app.query_one("#run-log", Log).lines)
            assert app.last_report is not None, log
            assert app.last_report.is_file()
            assert f"Rapport écrit : {app.last_report}" in log
            assert str(app.last_report) in text_of(app, "#overview-detail")

    asyncio.run(scenario())


def test_keymap_remaps_footer_help_and_palette_share_the_registry(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, keymap={"run-case": "f5"})
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            assert not app.running and app.ws.entries[0].view.attempts == ()
            await pilot.press("f5")
            await wait_run(app, pilot)
            assert len(app.ws.entries[0].view.attempts) == 1
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            assert ("run-case", "f5") in [(spec.id, key) for spec, key in app.screen.actions]
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)

    asyncio.run(scenario())


def test_english_by_setting_and_language_toggle(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            tabs = app.query_one("#views", TabbedContent)
            assert str(tabs.get_tab("overview").label) == "5 Overview"  # the view key, then its title
            assert "Objective" in text_of(app, "#case-detail")
            assert "Run" in [b.description for b in app._bindings.key_to_bindings.get("r", [])]
            table = app.query_one("#compare-table", DataTable)
            assert [str(c.label) for c in table.columns.values()][:3] == ["Expectation", "Path", "Expected"]
            await pilot.press("f2")
            assert str(tabs.get_tab("overview").label) == "5 Synthèse"
            assert "Objectif" in text_of(app, "#case-detail")
            assert [str(c.label) for c in table.columns.values()][:3] == ["Attente", "Chemin", "Attendu"]
            assert app.query_one("#filter", Input).placeholder.startswith("Filtrer")

    asyncio.run(scenario())


def test_trace_view_renders_only_visible_lines_of_a_large_session(tmp_path: Path) -> None:
    from test_tui_helpers import big_trace_session

    session, attempt = big_trace_session(tmp_path / "big.tbsession", 20_000)

    async def scenario() -> None:
        from textual.app import App

        from testbench.store.traceindex import TraceSource

        conn = TraceSource.open(session)

        class One(App):
            def compose(self):
                yield TracePanes("q", id="p")

        app = One()
        async with app.run_test(size=(120, 40)) as pilot:
            panes = app.query_one(TracePanes)
            panes.show_attempt(conn, attempt)
            await pilot.pause()
            apdu = panes.view("apdu")
            # the first screen comes from a head query; the full index from a worker
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert len(apdu) == sum(1 for i in range(20_000) if i % 10 == 0 or i % 4 == 0)
            apdu.focus()
            await pilot.press("end")
            assert apdu.cursor == len(apdu) - 1
            loaded_pages = len(apdu.index._pages)
            assert loaded_pages <= 3  # the first page and the last one, not the 20,000 lines
            assert isinstance(apdu, TraceView)
        conn.close()

    asyncio.run(scenario())


def test_card_prompts_and_guard_verdict_with_the_real_in_process_bench(tmp_path: Path) -> None:
    """The demo casebook on the in-process card bay and reference engine: the guard's findings are shown."""
    from testbench.casebook.loader import load_casebooks
    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.assemble import BenchOptions
    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings, UiState
    from testbench.tui.execution import assembled_bench
    from testbench.tui.workstation import Workstation

    async def scenario() -> None:
        ws = Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp_path / "demo.tbsession")
        app = WorkstationApp(
            ws,
            bench_factory=assembled_bench(BenchOptions(engine="inprocess", cards="inprocess")),
            settings=Settings(operator="Opératrice Test"),
            state=UiState(tmp_path / "cfg"),
        )
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "DEMO-FSE-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert verdict_of(app, "DEMO-FSE-001") == "pass"
            log = "\n".join(app.query_one("#run-log", Log).lines)
            assert "Carte à insérer : cps-psad → lecteur cps" in log
            assert "▣ lecteur vitale : carte vitale-std — acceptée par le contrôle" in log
            assert "Retirez les cartes." in log
            assert "lecteur cps : carte cps-psad (cps3-psad-lpp.xml) — acceptée par le contrôle" in text_of(
                app, "#case-detail"
            )

    asyncio.run(scenario())


def test_card_refused_by_the_guard_is_prompted_and_the_case_does_not_start(tmp_path: Path) -> None:
    from test_tui_helpers import fake_bench

    from testbench.cards.api import CardMismatch
    from testbench.tui.messages import OperatorNotice

    def refusing_bench(recorder, notify):
        bench = fake_bench(recorder, notify)

        def guard(bay, casebook, case):
            raise CardMismatch("lecteur vitale : carte réelle refusée, seules les cartes de test sont admises")

        bench.guard = guard
        return bench

    notices: list = []

    async def scenario() -> None:
        app = make_app(tmp_path)
        app.bench_factory = refusing_bench
        async with app.run_test(size=SIZE, message_hook=notices.append) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            assert verdict_of(app, "TC-OK-001") == "inconclusive"
            prompt = text_of(app, "#card-prompt")
            assert "lecteur vitale : carte v1 — refusée" in prompt and "Retirez les cartes." in prompt
            assert "carte réelle refusée" in "\n".join(app.query_one("#run-log", Log).lines)
            assert "— refusée : carte refusée, le cas n'a pas démarré" in text_of(app, "#case-detail")
            assert app.ws.step_status(app.ws.find("TC-OK-001")) == {}  # no step ran

    asyncio.run(scenario())
    assert any(isinstance(m, OperatorNotice) and "carte réelle refusée" in m.text for m in notices)


def test_cli_ui_and_default_ui_open_the_demo_then_the_last_session(tmp_path: Path, monkeypatch) -> None:
    """``testbench ui`` remembers its session; ``testbench`` alone reopens it (the demo the first time)."""
    from testbench.cli import ui_cmd
    from testbench.cli.main import main
    from testbench.paths import CASEBOOKS_DIR
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    opened: list = []

    def fake_run(self, *args, **kwargs):
        opened.append((self.ws.session_path, [cb.path.name for cb in self.ws.casebooks], self.lang))
        benches.append(self.bench_label)
        return 0

    benches: list[str] = []

    monkeypatch.setattr(WorkstationApp, "run", fake_run)
    assert ui_cmd.default_ui() == 0
    assert opened[-1][0] == tmp_path / "data" / "testbench" / "demo.tbsession"  # testbench demo's session
    assert opened[-1][1] == ["demo.xml"]
    session = tmp_path / "exam.tbsession"
    demo = str(CASEBOOKS_DIR / "demo.xml")
    assert main(["ui", demo, "--session", str(session), "--cards", "inprocess", "--lang", "en"]) == 0
    assert opened[-1] == (session, ["demo.xml"], "en")
    assert ui_cmd.default_ui() == 0
    assert opened[-1][0] == session.resolve()
    assert benches[-1] == "lecteur virtuel en mémoire · moteur de référence"  # the bench it was opened with, in words
    # a casebook that does not load is reported with its problems, exit 3
    bad = tmp_path / "bad.xml"
    bad.write_text("<casebook/>", encoding="utf-8")
    assert main(["ui", str(bad)]) == 3


def test_stop_during_a_manual_step_leaves_it_pending_and_runs_nothing_more(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("x")  # the four cases; the third waits for the operator
            for _ in range(100):
                await pilot.pause(0.02)
                if isinstance(app.screen, AttestScreen):
                    break
            assert isinstance(app.screen, AttestScreen)
            await pilot.press("ctrl+t")
            await wait_run(app, pilot)
            assert not isinstance(app.screen, AttestScreen)
            verdicts = {e.case.id: e.verdict for e in app.ws.entries}
            assert verdicts == {"TC-OK-001": "pass", "TC-KO-002": "fail", "TC-MAN-003": "pending", "TC-LOT-004": "none"}
            assert "exécution arrêtée : 3 cas" in text_of(app, "#run-status")

    asyncio.run(scenario())


def test_session_written_by_another_process_opens_read_only_and_refuses_to_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    from testbench.store.session import SessionStore

    session = tmp_path / "exam.tbsession"
    SessionStore.open(session).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from testbench.store.session import SessionStore;"
            f"s = SessionStore.open({str(session)!r}); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"

        async def scenario() -> None:
            app = make_app(tmp_path)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                assert app.ws.read_only
                assert "Lecture seule" in "\n".join(app.query_one("#run-log", Log).lines)
                await pilot.press("r")
                await pilot.pause()
                assert not app.running and not app.workers

        asyncio.run(scenario())
    finally:
        holder.kill()
        holder.wait(10)


def test_traces_view_stays_open_and_follows_a_run_live(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-MAN-003")
            await pilot.press("4")
            await pilot.press("r")
            for _ in range(100):
                await pilot.pause(0.02)
                if isinstance(app.screen, AttestScreen):
                    break
            # the case waits for the operator; the traces view shows its first step already
            panes = app.query_one("#trace-panes", TracePanes)
            assert app.query_one("#views", TabbedContent).active == "traces"
            assert panes.attempt_id == app.running_attempt
            assert "create_invoice" in panes.view("engine").index.row(0).text
            await pilot.press(*"33.60", "ctrl+s")
            await wait_run(app, pilot)
            assert panes.attempt_id == app.ws.find("TC-MAN-003").latest.id

    asyncio.run(scenario())


def test_earlier_attempts_can_be_shown_in_the_compare_and_traces_views(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            for _ in range(2):
                await pilot.press("r")
                await wait_run(app, pilot)
            first, second = app.ws.find("TC-KO-002").view.attempts
            app.query_one("#tree", Tree).focus()
            await pilot.press("3")
            assert "tentative 2/2" in str(app.query_one("#compare-title", Label).render())
            await pilot.press("comma")
            assert "tentative 1/2" in str(app.query_one("#compare-title", Label).render())
            await pilot.press("4")
            await app.workers.wait_for_complete()
            assert app.query_one("#trace-panes", TracePanes).attempt_id == first.id
            await pilot.press("full_stop")
            assert app.query_one("#trace-panes", TracePanes).attempt_id == second.id
            # a new run shows its own attempt again
            await pilot.press("comma", "r")
            await wait_run(app, pilot)
            assert app.chosen_attempt(app.ws.find("TC-KO-002")).number == 3

    asyncio.run(scenario())
