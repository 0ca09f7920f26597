"""The workstation never loses what the operator typed (Pilot, headless).

The review window keeps its fields when signing fails and offers to create the key; Escape leaves
the query boxes; keys arriving in a burst (a paste, a barcode scanner) land in the field they were
typed in, Tab included; F1 names keys as people write them; bench notices never cover a window's
fields.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from test_tui_helpers import make_app, wait_run
from textual import events
from textual.widgets import Button, Input, Static, TabbedContent, Tree

from testbench.tui.screens import AttestScreen, HelpScreen, ReviewScreen
from testbench.tui.traceview import TraceView

SIZE = (130, 40)
KEY_NAMES = {"\t": "tab", ".": "full_stop", " ": "space", "'": "apostrophe", "/": "slash", ":": "colon"}


def burst(app, text: str) -> None:
    """Post every key at once, as a terminal delivers a paste or a scanner's input: no pause between."""
    for char in text:
        app.post_message(events.Key(KEY_NAMES.get(char, char), char))


async def open_review(app, pilot, case_id: str = "TC-KO-002") -> ReviewScreen:
    app.goto_case(app.ws.find(case_id).key)
    await pilot.pause()
    await pilot.press("r")
    await wait_run(app, pilot)
    app.query_one("#tree", Tree).focus()
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def wait_attest(app, pilot) -> AttestScreen:
    for _ in range(100):
        await pilot.pause(0.02)
        if isinstance(app.screen, AttestScreen):
            break
    assert isinstance(app.screen, AttestScreen)
    return app.screen


def shown(widget: Static) -> str:
    return str(widget.render())


def test_review_without_a_key_keeps_the_fields_says_why_and_creates_the_key(tmp_path: Path, monkeypatch) -> None:
    key = tmp_path / "keys" / "signing-key.pem"
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await open_review(app, pilot)
            assert app.focused is screen.query_one("#reason", Input)  # focus starts on the reason
            screen.query_one("#decision").value = "pass"
            await pilot.press(*"arrondi")
            await pilot.press("ctrl+s")
            await pilot.pause()
            # signing failed: the window stays, with what was typed and the reason why
            assert app.screen is screen
            assert screen.query_one("#reason", Input).value == "arrondi"
            assert screen.query_one("#decision").value == "pass"
            assert str(key) in shown(screen.query_one("#review-error", Static))
            create = screen.query_one("#create-key", Button)
            assert create.display and app.focused is create
            await pilot.press("enter")  # create the key here, as `testbench keys init` would
            await pilot.pause()
            assert key.is_file() and key.with_suffix(".pub").is_file()
            assert "Clé de signature créée" in shown(screen.query_one("#review-error", Static))
            assert not create.display
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert not isinstance(app.screen, ReviewScreen)
            entry = app.ws.find("TC-KO-002")
            assert entry.verdict == "pass" and entry.annotations[0].reason == "arrondi"

    asyncio.run(scenario())


def test_escape_leaves_the_trace_query_and_view_keys_work_at_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("4", "ctrl+f")
            query = app.query_one("#trace-query", Input)
            assert query.has_focus
            await pilot.press(*"apdu", "escape")
            assert isinstance(app.focused, TraceView)
            await pilot.press("1")
            assert app.query_one("#views", TabbedContent).active == "case"
            assert query.value == "apdu"
            # the same for the case filter: Escape goes back to the tree
            await pilot.press("slash", *"tc", "escape")
            assert app.query_one("#tree", Tree).has_focus
            await pilot.press("3")
            assert app.query_one("#views", TabbedContent).active == "compare"
            assert app.query_one("#filter", Input).value == "tc"

    asyncio.run(scenario())


def test_a_burst_of_keys_with_tab_lands_in_the_fields_in_order(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-MAN-003").key)
            await pilot.press("r")
            screen = await wait_attest(app, pilot)
            assert app.focused is screen.query_one("#value-0", Input)
            burst(app, "33.60\tlu sur papier")  # a scanner: value, Tab, note
            await pilot.pause()
            await pilot.pause()
            assert screen.query_one("#value-0", Input).value == "33.60"
            assert screen.query_one("#note", Input).value == "lu sur papier"
            await pilot.press("ctrl+s")
            await wait_run(app, pilot)
            assert app.ws.find("TC-MAN-003").verdict == "pass"

    asyncio.run(scenario())


def test_a_burst_with_shift_tab_in_the_review_window(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(tmp_path / "absent.pem"))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = await open_review(app, pilot)
            reviewer = screen.query_one("#reviewer", Input)
            reviewer.value = ""
            app.post_message(events.Key("shift+tab", None))
            burst(app, "Camille\tvu à l'écran")
            await pilot.pause()
            await pilot.pause()
            assert reviewer.value == "Camille"
            assert screen.query_one("#reason", Input).value == "vu à l'écran"

    asyncio.run(scenario())


def test_help_shows_keys_as_written_each_group_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("f1")
            screen = app.screen
            assert isinstance(screen, HelpScreen)
            table = screen.query_one(Static).content
            rows = list(zip(*(col.cells for col in table.columns), strict=True))
            keys = {str(row[2]): str(row[0]) for row in rows if str(row[2])}
            assert (keys["filter"], keys["attempt-prev"], keys["attempt-next"]) == ("/", ",", ".")
            assert (keys["step-next"], keys["step-prev"]) == ("]", "[")
            groups = [str(row[0]) for row in rows if not str(row[2])]
            assert len(groups) == len(set(groups)) == 6, groups  # « Outils », the CLI's tools, last
            assert (keys["diff"], keys["merge"]) == ("D", "palette\n(Ctrl+P)")  # a palette-only tool: where it is run

    asyncio.run(scenario())


def test_palette_names_keys_as_written(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*"suivante")
            await pilot.pause(0.3)
            from textual.command import CommandList

            options = app.screen.query_one(CommandList)
            texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
            assert any("Étape suivante (toutes les traces) (])" in t for t in texts), texts
            assert not any("square_bracket" in t for t in texts)

    asyncio.run(scenario())


def test_bench_notices_go_inside_a_window_with_fields_not_over_it(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-MAN-003").key)
            await pilot.press("r")
            screen = await wait_attest(app, pilot)
            app.notify("carte retirée du lecteur vitale", severity="warning")
            await pilot.pause()
            assert "carte retirée du lecteur vitale" in shown(screen.query_one("#notice", Static))
            assert not app._notifications  # no toast over the fields
            screen.query_one("#note", Input).value = "carte retirée"  # a rejection says why
            await pilot.press("ctrl+r")
            await wait_run(app, pilot)
            app.notify("après la fenêtre")
            await pilot.pause()
            assert len(app._notifications) == 1  # outside a window, toasts as usual

    asyncio.run(scenario())


def test_keys_typed_while_a_window_opens_reach_its_first_field(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(tmp_path / "absent.pem"))

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # the palette: ctrl+p and a case id in one burst, as a scanner or a quick hand sends them
            app.post_message(events.Key("ctrl+p", None))
            burst(app, "TC-LOT")
            from textual.command import CommandPalette

            for _ in range(150):  # what the screen shows, not a fixed pause: a loaded machine took over 0.3 s
                await pilot.pause(0.02)
                if isinstance(app.screen, CommandPalette) and [i.value for i in app.screen.query(Input)] == ["TC-LOT"]:
                    break
            assert isinstance(app.screen, CommandPalette)
            assert app.screen.query_one(Input).value == "TC-LOT"
            await pilot.press("escape")
            # the review window: `a` then the reason at once
            await pilot.press("r")
            await wait_run(app, pilot)
            app.query_one("#tree", Tree).focus()
            burst(app, "avu à l'écran")
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            assert app.screen.query_one("#reason", Input).value == "vu à l'écran"

    asyncio.run(scenario())


def test_the_key_after_the_palettes_enter_is_for_the_case_it_went_to(tmp_path: Path) -> None:
    """Enter on the palette's hit, then ``r`` at once: the palette closes, goes to the case, and ``r`` runs it.

    Before, ``r`` reached the palette's search field before the palette closed and was lost (the tmux
    test's flake on a loaded machine: the palette's Enter and ``r`` sent 0.15 s apart).
    """

    async def scenario() -> None:
        from textual.command import CommandList, CommandPalette

        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p", *"TC-LOT")
            for _ in range(100):  # the search's hits: what the person sees before pressing Enter
                await pilot.pause(0.02)
                if isinstance(app.screen, CommandPalette) and app.screen.query_one(CommandList).option_count:
                    break
            app.post_message(events.Key("enter", "\r"))  # Enter and r in one burst, as a quick hand types them
            app.post_message(events.Key("r", "r"))
            for _ in range(100):
                await pilot.pause(0.02)
                if app.running or app.ws.find("TC-LOT-004").latest is not None:
                    break
            await wait_run(app, pilot)
            assert not isinstance(app.screen, CommandPalette)
            assert app.current == app.ws.find("TC-LOT-004").key
            assert [e.case.id for e in app.ws.entries if e.latest is not None] == ["TC-LOT-004"]

    asyncio.run(scenario())


def test_a_rejection_without_a_note_keeps_the_window_and_what_was_typed(tmp_path: Path) -> None:
    """Audit 13: ctrl+r with an empty note closed the window and recorded « rejetée par l'opérateur : » with
    nothing after; the window now stays, says a reason is required, and the values typed are still there."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-MAN-003").key)
            await pilot.press("r")
            screen = await wait_attest(app, pilot)
            typed = screen.query(Input).first()
            typed.value = "33,60"
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert app.screen is screen and typed.value == "33,60"
            assert "Motif obligatoire pour rejeter l'étape : écrivez-le dans la note." in shown(
                screen.query_one("#notice", Static)
            )
            assert app.focused is screen.query_one("#note", Input)
            await pilot.press(*"écran vide", "ctrl+r")
            await wait_run(app, pilot)
            entry = app.ws.find("TC-MAN-003")
            assert entry.view.attempts[-1].verdict == "fail"
            assert "rejetée par l'opérateur : écran vide" in entry.view.attempts[-1].reason

    asyncio.run(scenario())
