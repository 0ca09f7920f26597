"""What the operator keys in the workstation's windows is never lost nor recorded wrong by one slip (Pilot).

- ctrl+q in any window holding typed text not yet confirmed (the values read, the review, as the manual step
  already did) says first what it would lose, in that window's words; the second ctrl+q quits. Escape in the
  review window with a reason typed does the same.
- The manual-step window and the window of the values read read each value as the comparison will (the
  case's expectation type on its path): « o » for a boolean, « cinq euros » for an amount are refused on the
  window's notice line, the field focused, everything kept; a manual step's empty value is asked about once;
  a value read then emptied, or a reason beside an unchanged value, is refused, never dropped in silence.
- A paste of several lines keeps its whole text in a note or a reason (its lines joined by spaces), and is
  refused in a value field.
- « ? » opens the help where no field takes it; Escape in a manual step's window says which keys close it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from fakes import make_case, make_casebook, value
from test_tui_app import select
from test_tui_audit import screen_text
from test_tui_helpers import fake_bench, make_app, toasts, wait_run
from textual import events
from textual.widgets import Input, Static

from testbench.casebook.model import Observe, Step, StepKind
from testbench.extract.model import Extracted, Provenance
from testbench.store.read import read_session
from testbench.tui.config import Settings, UiState
from testbench.tui.operator_prompt import ReviewRequest
from testbench.tui.screens import AttestScreen, ExtractedScreen, HelpScreen, ReviewScreen
from testbench.tui.workstation import Workstation

SIZE = (130, 40)


def notice(screen) -> str:
    return str(screen.query_one("#notice", Static).render())


async def until(pilot, condition, what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not seen: {what}")


# -- the values read: ctrl+q, and what the window refuses ---------------------------------------------------------
def review_request(app) -> ReviewRequest:
    """The AMO read as 33.00 for TC-OK-001, whose expectation on it is a decimal (33.60)."""
    case = app.ws.find("TC-OK-001").case
    where = Provenance(source="out/fse/T.xml", kind="xml", line=3, excerpt="<amo>33.00</amo>")
    return ReviewRequest(case=case, step=case.steps[0], extracted=[Extracted("invoice.totals.amo", "33.00", where)])


def values_read(tmp_path: Path, *keys: str, lang: str = "fr") -> dict[str, Any]:
    """The window of the values read for one value (33.00), ``keys`` pressed in it: what it answered, or, still
    open, its notice, what its fields hold and which has the focus."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = ExtractedScreen(review_request(app), app.t)
            app.push_screen(screen, lambda answer: seen.setdefault("answer", answer))
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
            if "answer" not in seen:
                seen["open"] = app.screen is screen
                seen["notice"] = notice(screen)
                seen["typed"] = (screen.query_one("#value-0", Input).value, screen.query_one("#reason-0", Input).value)
                seen["focus"] = app.focused.id if app.focused is not None else None

    asyncio.run(scenario())
    return seen


CLEAR = ["backspace"] * 5


def typing(text: str) -> list[str]:
    """The keys that type ``text`` (the pilot presses a space by its name)."""
    return ["space" if char == " " else char for char in text]


def test_the_values_read_window_shows_the_other_values_the_product_gave(tmp_path: Path) -> None:
    """A value the application gave two ways (its FSE 33,00 €, its log 30,00 €): the window says both and why the
    one shown was kept, as the record and the book will — the operator decides with everything in view."""
    seen: dict[str, str] = {}

    async def scenario(lang: str) -> None:
        (tmp_path / lang).mkdir()
        app = make_app(tmp_path / lang, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            request = review_request(app)
            other = {"value": "30.00", "provenance": {"source": "logs/app.log", "kind": "log", "line": 12}}
            request.conflicts = {"invoice.totals.amo": {"others": [other], "rules": ["file"]}}
            screen = ExtractedScreen(request, app.t)
            app.push_screen(screen)
            await pilot.pause()
            seen[lang] = " ".join(str(w.render()) for w in screen.query(".where"))

    asyncio.run(scenario("fr"))
    asyncio.run(scenario("en"))
    assert "2 valeurs différentes lues : 33,00" in seen["fr"] and "autres : 30,00" in seen["fr"], seen["fr"]
    assert "un fichier du logiciel l'emporte sur son journal" in seen["fr"]
    assert "2 different values read: €33.00 kept here" in seen["en"], seen["en"]


def test_ctrl_q_in_the_values_read_window_with_a_correction_asks_first_then_quits(tmp_path: Path) -> None:
    """The audit's s09 quit: one ctrl+q quit at once, the correction typed lost and the value read accepted."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = ExtractedScreen(review_request(app), app.t)
            app.push_screen(screen)
            await pilot.pause()
            await pilot.press(*CLEAR, *"33.60", "tab", *typing("lu a l'ecran"), "ctrl+q")
            await pilot.pause()
            seen["open"] = app.return_code is None and app.screen is screen
            seen["notice"] = notice(screen)
            seen["typed"] = (screen.query_one("#value-0", Input).value, screen.query_one("#reason-0", Input).value)
            await pilot.press("ctrl+q")
            await pilot.pause()
        seen["code"] = app.return_code

    asyncio.run(scenario())
    assert seen["open"] and seen["typed"] == ("33.60", "lu a l'ecran")
    assert seen["notice"].startswith("Ctrl+Q encore pour quitter : vos corrections et leurs motifs seront perdus")
    assert seen["code"] == 0


def test_ctrl_q_in_the_values_read_window_with_nothing_typed_quits_at_once(tmp_path: Path) -> None:
    async def scenario() -> int | None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.push_screen(ExtractedScreen(review_request(app), app.t))
            await pilot.pause()
            await pilot.press("ctrl+q")
            await pilot.pause()
        return app.return_code

    assert asyncio.run(scenario()) == 0


def test_a_correction_its_type_cannot_read_is_refused_with_its_field_focused(tmp_path: Path) -> None:
    seen = values_read(tmp_path, *CLEAR, *"trente", "tab", *typing("lu a l'ecran"), "enter")
    assert seen["open"] and seen["typed"] == ("trente", "lu a l'ecran") and seen["focus"] == "value-0"
    assert "invoice.totals.amo : « trente » n'est pas un nombre" in seen["notice"], seen["notice"]
    english = values_read(tmp_path, *CLEAR, *"thirty", "tab", *typing("read on screen"), "enter", lang="en")
    assert "invoice.totals.amo: “thirty” is not a number" in english["notice"], english["notice"]
    # as the comparison reads it: an amount written as the screen writes it is a correction
    answer = values_read(tmp_path, *CLEAR, *"33,6", "tab", *"vu", "enter")
    assert answer == {"answer": {"invoice.totals.amo": ("33,6", "vu")}}


def test_a_value_read_then_emptied_is_refused_not_dropped_with_its_reason(tmp_path: Path) -> None:
    seen = values_read(tmp_path, *CLEAR, "tab", *typing("vide a l'ecran"), "enter")
    assert seen["open"] and seen["typed"] == ("", "vide a l'ecran") and seen["focus"] == "value-0"
    assert "Valeur vide pour invoice.totals.amo" in seen["notice"] and "« 33,00 »" in seen["notice"], seen["notice"]


def test_a_reason_beside_a_value_left_as_read_is_refused_not_dropped(tmp_path: Path) -> None:
    seen = values_read(tmp_path, "tab", *"vu", "enter")
    assert seen["open"] and seen["typed"] == ("33,00", "vu") and seen["focus"] == "reason-0"
    assert "Motif sans correction pour invoice.totals.amo" in seen["notice"], seen["notice"]
    assert values_read(tmp_path, "enter") == {"answer": {}}  # nothing typed: accepted as read, as before


# -- the manual step: each value read as its type, empty values asked about once ----------------------------------
def typed_casebook(tmp_path: Path):
    """A manual step reading a yes/no and an amount, each with its expectation (boolean, decimal)."""
    step = Step(
        id="m-paper",
        kind=StepKind.MANUAL,
        instruction="Lire la feuille de soins papier",
        observe=(Observe("manual.paper", "Feuille papier éditée"), Observe("manual.paper_total", "Total à payer")),
    )
    expectations = (
        value("e-paper", "manual.paper", "oui", value_type="boolean", step="m-paper"),
        value("e-total", "manual.paper_total", "5.90", step="m-paper"),
    )
    return make_casebook((make_case("TC-TYPED", (step,), expectations),), tmp_path)


def typed_app(tmp_path: Path, *, lang: str = "fr", keymap: dict[str, str] | None = None):
    from testbench.tui.app import WorkstationApp

    ws = Workstation([typed_casebook(tmp_path)], tmp_path / "typed.tbsession")
    app = WorkstationApp(
        ws,
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test", keymap=keymap or {}),
        state=UiState(tmp_path / "config"),
    )
    app.animation_level = "none"
    return app


def manual_step(tmp_path: Path, script, *, lang: str = "fr", keymap: dict[str, str] | None = None) -> dict[str, Any]:
    """TC-TYPED run, ``script(app, pilot, window, seen)`` played in its manual step's window; then the verdict."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = typed_app(tmp_path, lang=lang, keymap=keymap)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-TYPED")
            await pilot.press("r")
            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the manual step")
            await pilot.pause()
            await script(app, pilot, app.screen, seen)
            if isinstance(app.screen, AttestScreen):  # left pending: stopped (asked once when something is typed)
                stop = (keymap or {}).get("stop", "ctrl+t")
                await pilot.press(stop, stop)
            await wait_run(app, pilot)

    asyncio.run(scenario())
    with read_session(tmp_path / "typed.tbsession") as view:
        case = next(c for c in view.cases if c.case_id == "TC-TYPED")
        seen["verdict"] = case.verdict
        seen["reasons"] = [attempt.reason for attempt in case.attempts]
    return seen


def state(app, window) -> dict[str, Any]:
    return {
        "open": app.screen is window,
        "notice": notice(window),
        "values": [window.query_one(f"#value-{n}", Input).value for n in range(2)],
        "focus": app.focused.id if app.focused is not None else None,
    }


def test_a_value_its_type_cannot_read_is_refused_and_the_step_waits(tmp_path: Path) -> None:
    """The audit's s03: « o » for the paper sheet, « cinq euros » for the total, confirmed: a final ✘ échec."""

    async def script(app, pilot, window, seen) -> None:
        await pilot.press(*"o", "tab", *typing("cinq euros"), "ctrl+s")
        await pilot.pause()
        seen["boolean"] = state(app, window)
        await pilot.press(*["backspace"] * 3, *"oui", "ctrl+s")  # back in the first field, focused by the refusal
        await pilot.pause()
        seen["decimal"] = state(app, window)
        await pilot.press(*["backspace"] * 10, *"5,90", "ctrl+s")
        await pilot.pause()
        seen["closed"] = app.screen is not window

    seen = manual_step(tmp_path, script)
    boolean, decimal = seen["boolean"], seen["decimal"]
    assert boolean["open"] and boolean["values"] == ["o", "cinq euros"] and boolean["focus"] == "value-0"
    assert "Feuille papier éditée (manual.paper) : « o » n'est ni oui ni non" in boolean["notice"], boolean
    assert decimal["open"] and decimal["values"] == ["oui", "cinq euros"] and decimal["focus"] == "value-1"
    assert "Total à payer (manual.paper_total) : « cinq euros » n'est pas un nombre" in decimal["notice"], decimal
    assert seen["closed"] and seen["verdict"] == "pass", seen


def test_a_value_refused_is_said_in_english_too(tmp_path: Path) -> None:
    async def script(app, pilot, window, seen) -> None:
        await pilot.press(*"y", "tab", *"5.90", "ctrl+s")
        await pilot.pause()
        seen["state"] = state(app, window)

    seen = manual_step(tmp_path, script, lang="en")
    assert "(manual.paper): “y” is neither yes nor no" in seen["state"]["notice"], seen


def test_a_rejection_with_a_value_its_type_cannot_read_is_refused_too(tmp_path: Path) -> None:
    async def script(app, pilot, window, seen) -> None:
        await pilot.press("tab", *"cinq", "tab", *typing("pas de feuille"), "ctrl+r")
        await pilot.pause()
        seen["state"] = state(app, window)

    seen = manual_step(tmp_path, script)
    assert seen["state"]["open"] and seen["state"]["focus"] == "value-1", seen
    assert "« cinq » n'est pas un nombre" in seen["state"]["notice"]


def test_empty_values_are_asked_about_once_then_confirmed_absent(tmp_path: Path) -> None:
    async def script(app, pilot, window, seen) -> None:
        await pilot.press("tab", *"5,90", "ctrl+s")
        await pilot.pause()
        seen["asked"] = state(app, window)
        await pilot.press("ctrl+s")
        await pilot.pause()
        seen["closed"] = app.screen is not window

    seen = manual_step(tmp_path, script)
    asked = seen["asked"]
    assert asked["open"] and asked["values"] == ["", "5,90"] and asked["focus"] == "value-0", asked
    assert asked["notice"].startswith("Champ vide : Feuille papier éditée (manual.paper) — Ctrl+S encore"), asked
    assert seen["closed"] and seen["verdict"] == "fail"  # the operator's choice: the value is absent
    assert "valeur absente : manual.paper" in seen["reasons"][-1], seen["reasons"]


def test_escape_in_the_manual_step_says_which_keys_close_it_and_keeps_what_was_typed(tmp_path: Path) -> None:
    async def script(app, pilot, window, seen) -> None:
        await pilot.press(*"oui", "escape")
        await pilot.pause()
        seen["state"] = state(app, window)

    seen = manual_step(tmp_path, script, keymap={"stop": "ctrl+g"})
    said = seen["state"]
    assert said["open"] and said["values"] == ["oui", ""], said
    assert said["notice"].startswith("Échap ne ferme pas l'étape manuelle : Ctrl+S confirme, Ctrl+R rejette"), said
    assert "Ctrl+G arrête l'exécution" in said["notice"], said


# -- pastes --------------------------------------------------------------------------------------------------------
def test_a_multi_line_paste_keeps_the_whole_note_and_is_refused_in_a_value(tmp_path: Path) -> None:
    """The audit's s15: a 3-line note kept only its first line, a value pasted on two lines its first."""

    async def script(app, pilot, window, seen) -> None:
        first, second, note = (window.query_one(f"#{name}", Input) for name in ("value-0", "value-1", "note"))
        first.focus()
        await pilot.pause()
        first.post_message(events.Paste("oui\n"))  # one line with its line end: pasted as it is
        await pilot.pause()
        second.focus()
        await pilot.pause()
        second.post_message(events.Paste("5,90 €\n33,60 €\n"))
        await pilot.pause()
        seen["refused"] = state(app, window)
        note.focus()
        await pilot.pause()
        note.post_message(events.Paste("feuille éditée\r\n  signée par le patient\n\ntransmise à la caisse\n"))
        await pilot.pause()
        seen["note"] = note.value
        second.focus()
        await pilot.pause()
        await pilot.press(*"5,90", "ctrl+s")
        await pilot.pause()

    seen = manual_step(tmp_path, script)
    refused = seen["refused"]
    assert refused["values"] == ["oui", ""] and refused["focus"] == "value-1", refused
    assert "Collage refusé : 2 lignes dans un champ qui attend une seule valeur" in refused["notice"], refused
    assert seen["note"] == "feuille éditée signée par le patient transmise à la caisse"
    assert seen["verdict"] == "pass"


def test_a_multi_line_reason_is_signed_whole_in_the_review_window(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review window")
            window = app.screen
            reason = window.query_one("#reason", Input)
            reason.post_message(events.Paste("écart lu à l'écran\nconfirmé par le support\n"))
            await pilot.pause()
            seen["answer"] = window.answer()

    asyncio.run(scenario())
    assert seen["answer"]["reason"] == "écart lu à l'écran confirmé par le support"


# -- the review window: Escape and ctrl+q with a reason typed ------------------------------------------------------
def review(tmp_path: Path, *keys: str, lang: str = "fr") -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review window")
            window = app.screen
            await pilot.press(*keys)
            await pilot.pause()
            seen["open"] = app.screen is window and app.return_code is None
            if seen["open"]:
                seen["notice"] = notice(window)
                seen["reason"] = window.query_one("#reason", Input).value
                await pilot.press(keys[-1])
                await pilot.pause()
                seen["closed"] = app.screen is not window or app.return_code is not None
        seen["code"] = app.return_code

    asyncio.run(scenario())
    return seen


def test_escape_in_the_review_window_with_a_reason_asks_first(tmp_path: Path) -> None:
    seen = review(tmp_path, *typing("écart confirmé"), "escape")
    assert seen["open"] and seen["reason"] == "écart confirmé", seen
    assert seen["notice"].startswith("Échap à nouveau pour fermer sans enregistrer : le motif tapé sera perdu"), seen
    assert seen["closed"] and seen["code"] is None  # the second Escape closes the window, the app stays
    assert not review(tmp_path, "escape")["open"]  # nothing typed: it closes at once, as before


def test_ctrl_q_in_the_review_window_with_a_reason_asks_first(tmp_path: Path) -> None:
    seen = review(tmp_path, *typing("écart confirmé"), "ctrl+q")
    assert seen["open"] and seen["reason"] == "écart confirmé", seen
    assert seen["notice"].startswith("Ctrl+Q encore pour quitter : le motif tapé sera perdu"), seen
    assert seen["code"] == 0
    english = review(tmp_path, *"confirmed", "ctrl+q", lang="en")
    assert english["notice"].startswith("Ctrl+Q again to quit: the reason typed will be lost"), english


def test_ctrl_q_over_the_help_still_asks_for_the_manual_step_under_it(tmp_path: Path) -> None:
    async def script(app, pilot, window, seen) -> None:
        await pilot.press(*"oui", "f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        await pilot.press("ctrl+q")
        await pilot.pause()
        seen["running"] = app.return_code is None
        seen["toasts"] = toasts(app)
        await pilot.press("escape")
        await pilot.pause()
        seen["kept"] = window.query_one("#value-0", Input).value

    seen = manual_step(tmp_path, script)
    assert seen["running"] and seen["kept"] == "oui", seen
    assert "Ctrl+Q encore pour quitter : la valeur tapée sera perdue ; " in seen["toasts"], seen


# -- « ? » ---------------------------------------------------------------------------------------------------------
def test_question_mark_opens_the_help_where_no_field_takes_it(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#tree").focus()
            await pilot.press("question_mark")
            await pilot.pause()
            seen["help"] = isinstance(app.screen, HelpScreen)
            seen["listed"] = screen_text(app)
            await pilot.press("question_mark")  # closes it, as F1 does
            await pilot.pause()
            seen["closed"] = not isinstance(app.screen, HelpScreen)
            await pilot.press("slash", "question_mark")  # in the filter, « ? » is typed
            await pilot.pause()
            seen["filter"] = app.query_one("#filter", Input).value
            seen["no help"] = not isinstance(app.screen, HelpScreen)

    asyncio.run(scenario())
    assert seen["help"] and seen["closed"], seen
    assert "F1 ?" in seen["listed"]  # the help names both keys
    assert seen["filter"] == "?" and seen["no help"], seen


def test_ctrl_q_in_any_window_with_a_field_changed_asks_first_by_the_same_rule(tmp_path: Path) -> None:
    """The run options (one of the windows whose fields feed an action, not a record): the same rule, its words."""
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.query_one("#tree").focus()
            await pilot.press("o")
            await until(pilot, lambda: app.screen.__class__.__name__ == "RunOptionsScreen", "the run options")
            window = app.screen
            await pilot.press("end", "backspace", "2", "ctrl+q")
            await pilot.pause()
            seen["open"] = app.return_code is None and app.screen is window
            seen["notice"] = notice(window)
            await pilot.press("ctrl+q")
            await pilot.pause()
        seen["code"] = app.return_code

    asyncio.run(scenario())
    assert seen["open"], seen
    assert seen["notice"] == "Ctrl+Q encore pour quitter : ce qui est tapé dans cette fenêtre sera perdu"
    assert seen["code"] == 0


def test_question_mark_in_a_window_opens_the_help_on_a_button_and_is_typed_in_a_field(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review window")
            window = app.screen
            await pilot.press(*"pourquoi", "question_mark")  # in the reason: typed
            await pilot.pause()
            seen["reason"] = window.query_one("#reason", Input).value
            window.query_one("#save").focus()
            await pilot.pause()
            await pilot.press("question_mark")  # on a button: the help, over the window
            await pilot.pause()
            seen["help"] = isinstance(app.screen, HelpScreen)
            await pilot.press("question_mark")
            await pilot.pause()
            seen["back"] = app.screen is window and window.query_one("#reason", Input).value == "pourquoi?"

    asyncio.run(scenario())
    assert seen == {"reason": "pourquoi?", "help": True, "back": True}, seen
