"""The workstation's leftovers of session 18 (Pilot).

- A paste of several lines in the main screen's filter keeps all its words (each line end read as a space, as
  a note or a reason does); in the trace search, matched in one trace line, it is refused and said (as a value
  field refuses it), the field kept as it was.
- « ? » opens the help in the reading windows (definitions, coverage, readers), as F1 does.
- The review window of a case with no verdict to review says at once why only a comment can be saved (the
  rule of ``testbench review``: ``store.annotations.review_refusal``), and proposes the comment.
- The operator's card window asks the beneficiary the case reads, with its rank, not « bénéficiaire 1 » only.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path
from typing import Any

from test_tui_helpers import make_app, run_and_open_traces, toasts
from textual import events
from textual.widgets import Input, Tree

SIZE = (130, 40)


async def until(pilot, condition, what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not seen: {what}")


# -- 1. pastes on the main screen ----------------------------------------------------------------------------------
def test_a_multi_line_paste_in_the_filter_keeps_every_word(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("slash")
            await pilot.pause()
            field = app.query_one("#filter", Input)
            field.post_message(events.Paste("refus\r\n  plv\n\n"))
            await pilot.pause()
            seen["value"] = field.value
            seen["shown"] = [key[1] for key in app.nodes]
            seen["focus"] = app.focused.id if app.focused is not None else None

    asyncio.run(scenario())
    assert seen["value"] == "refus plv", seen
    assert seen["shown"] == ["TC-LOT-004"], seen
    assert seen["focus"] == "filter", seen


def test_a_multi_line_paste_in_the_trace_search_is_refused_and_said(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await run_and_open_traces(app, pilot, "TC-OK-001")
            query = app.query_one("#trace-query", Input)
            query.focus()
            await pilot.pause()
            query.post_message(events.Paste("read_vitale\n"))  # one line with its line end: pasted as it is
            await pilot.pause()
            seen["one line"] = query.value
            query.post_message(events.Paste("create_invoice\nsecure_invoice\nbuild_lot\n"))
            await pilot.pause()
            seen["value"] = query.value
            seen["toasts"] = toasts(app)
            seen["focus"] = app.focused.id if app.focused is not None else None

    asyncio.run(scenario())
    assert seen["one line"] == "read_vitale", seen
    assert seen["value"] == "read_vitale", seen  # kept as it was: not the first line pasted after it
    assert (
        "Collage refusé : 3 lignes dans la recherche des traces, qui cherche dans une ligne à la fois ; collez une"
        " seule ligne." in seen["toasts"]
    ), seen
    assert seen["focus"] == "trace-query", seen


def test_a_multi_line_paste_refused_in_the_trace_search_is_said_in_english(tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await run_and_open_traces(app, pilot, "TC-OK-001")
            query = app.query_one("#trace-query", Input)
            query.focus()
            await pilot.pause()
            query.post_message(events.Paste("a\nb\n"))
            await pilot.pause()
            seen["toasts"] = toasts(app)

    asyncio.run(scenario())
    assert "Paste refused: 2 lines in the trace search" in seen["toasts"], seen
    assert "Collage" not in seen["toasts"], seen


# -- 2. « ? » in the reading windows -------------------------------------------------------------------------------
def test_question_mark_opens_the_help_in_the_reading_windows(tmp_path: Path) -> None:
    """The definitions (d), the coverage (c), the readers (l): « ? » opens the help over the window, as F1 does,
    and « ? » again closes it, back to the window."""
    from testbench.tui.bench_view import BenchScreen
    from testbench.tui.coverage_screen import CoverageScreen
    from testbench.tui.glossary_screen import GlossaryScreen
    from testbench.tui.screens import HelpScreen

    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-OK-001").key)
            for key, window in (("d", GlossaryScreen), ("c", CoverageScreen), ("l", BenchScreen)):
                app.query_one("#tree", Tree).focus()
                await pilot.pause()
                await pilot.press(key)
                await until(pilot, lambda window=window: isinstance(app.screen, window), f"the window of {key}")
                reading = app.screen
                await pilot.press("question_mark")
                await pilot.pause()
                helped = isinstance(app.screen, HelpScreen)
                await pilot.press("question_mark")
                await pilot.pause()
                back = app.screen is reading
                await pilot.press("escape")
                await until(pilot, lambda reading=reading: app.screen is not reading, f"the window of {key} closed")
                seen[key] = (helped, back)

    asyncio.run(scenario())
    assert seen == {"d": (True, True), "c": (True, True), "l": (True, True)}, seen


# -- 3. the review window of a case with no verdict ----------------------------------------------------------------
def review_window(tmp_path: Path, monkeypatch, *, run: bool = False, lang: str = "fr") -> dict[str, Any]:
    """The review window on TC-OK-001 (never run, or run once with ``run``): what it says as it opens, what it
    proposes, what it says when an override is chosen, and whether a comment is saved."""
    from test_tui_helpers import wait_run
    from textual.widgets import Label, Select

    from testbench.signing import init_key
    from testbench.tui.screens import ReviewScreen

    key = tmp_path / "keys" / "signer.pem"
    init_key(key)
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", str(key))
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("TC-OK-001").key)
            app.query_one("#tree", Tree).focus()
            await pilot.pause()
            if run:
                await pilot.press("r")
                await wait_run(app, pilot)
                app.query_one("#tree", Tree).focus()
                await pilot.pause()
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review window")
            window = app.screen
            said = window.query("#only-comment")
            seen["said"] = str(said.first(Label).render()) if said else ""
            seen["decision"] = window.query_one("#decision", Select).value
            if run:
                return
            seen["offered"] = [value for _label, value in window.query_one("#decision", Select)._options]
            window.query_one("#decision", Select).value = "comment"
            await pilot.pause()
            seen["comment"] = str(window.query_one("#review-error", Label).render())
            window.query_one("#reason", Input).focus()
            await pilot.press(*"vu", "ctrl+s")
            await until(pilot, lambda: app.screen is not window, "the comment saved")
            entry = app.ws.find("TC-OK-001")
            seen["saved"] = [(note.action, note.reason) for note in entry.annotations]
            seen["verdict"] = entry.verdict

    asyncio.run(scenario())
    return seen


def test_the_review_window_of_a_case_never_run_says_at_once_only_a_comment(tmp_path: Path, monkeypatch) -> None:
    seen = review_window(tmp_path, monkeypatch)
    why = "le cas TC-OK-001 n'a jamais été exécuté : rien à revoir — seul un commentaire peut être enregistré."
    assert seen["said"] == why, seen
    assert seen["decision"] == "comment", seen
    assert seen["offered"] == ["comment"], seen  # neither accept nor an override is offered (the core's rule)
    assert seen["comment"] == "", seen
    assert seen["saved"] == [("comment", "vu")] and seen["verdict"] == "none", seen


def test_the_review_window_of_a_case_never_run_says_it_in_english(tmp_path: Path, monkeypatch) -> None:
    seen = review_window(tmp_path, monkeypatch, lang="en")
    why = "case TC-OK-001 was never run: nothing to review — only a comment can be saved."
    assert seen["said"] == why and seen["offered"] == ["comment"], seen


def test_the_review_window_of_a_case_with_a_verdict_offers_its_review(tmp_path: Path, monkeypatch) -> None:
    seen = review_window(tmp_path, monkeypatch, run=True)
    assert seen == {"said": "", "decision": "accept"}, seen


# -- 4. the operator's card window: the beneficiary the case reads -------------------------------------------------
def operator_card(tmp_path: Path, case_id: str, keyed: dict[str, str], lang: str = "fr") -> dict[str, Any]:
    """``case_id`` of billing.xml in operator mode: the CPS steps confirmed, then the card read's window — its
    fields (label, path), ``keyed`` typed by label and confirmed — then whether the invoice is asked next (the
    card read went on), and the card's beneficiaries as recorded."""
    from testbench.casebook.loader import load_casebooks
    from testbench.paths import CASEBOOKS_DIR
    from testbench.runner.assemble import BenchOptions, assembled_bench
    from testbench.store.read import read_session
    from testbench.tui.app import WorkstationApp
    from testbench.tui.config import Settings, UiState
    from testbench.tui.screens import AttestScreen
    from testbench.tui.workstation import Workstation

    session = tmp_path / "op.tbsession"
    ws = Workstation(load_casebooks([CASEBOOKS_DIR / "billing.xml"]), session)
    app = WorkstationApp(
        ws,
        bench_factory=assembled_bench(BenchOptions(engine="operator", cards="inprocess")),
        settings=Settings(lang=lang, operator="Alice"),
        state=UiState(tmp_path / "cfg"),
    )
    app.animation_level = "none"
    seen: dict[str, Any] = {}

    async def step_window(pilot) -> AttestScreen:
        await until(pilot, lambda: isinstance(app.screen, AttestScreen), "a step's window")
        return app.screen  # type: ignore[return-value]

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find(case_id).key)
            await pilot.pause()
            await pilot.press("r")
            window = await step_window(pilot)
            while window.request.step.id != "s-vitale":
                await pilot.press("ctrl+s")
                await pilot.pause()
                if app.screen is window:
                    await pilot.press("ctrl+s")  # a value left empty: confirmed absent
                await until(pilot, lambda window=window: app.screen is not window, "the step confirmed")
                window = await step_window(pilot)
            seen["fields"] = [(window.t(label), path) for path, label, _hint in window.hints]
            for n, (_path, label, _hint) in enumerate(window.hints):
                if window.t(label) in keyed:
                    window.query_one(f"#value-{n}", Input).value = keyed[window.t(label)]
            await pilot.press("ctrl+s")
            await pilot.pause()
            if app.screen is window:
                await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is not window, "the card read confirmed")
            following = await step_window(pilot)
            seen["next"] = following.request.step.id
            await pilot.press("ctrl+t")  # stop: the invoice stays pending
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
            await pilot.pause()

    asyncio.run(scenario())
    with read_session(session) as view:
        case = next(case for case in view.cases if case.case_id == case_id)
        observed = view.observations(case.latest.id)
        seen["recorded"] = {o["path"]: o["value"] for o in observed if o["path"].startswith("vitale.beneficiaries")}
    return seen


def test_the_card_window_asks_the_beneficiary_the_case_reads_with_its_rank(tmp_path: Path) -> None:
    """TB-COV-018 reads the family card's beneficiary of rank 3: the window asked « Nom du bénéficiaire 1 »."""
    keyed = {"NIR de l'assuré": "180019999900168", "Rang du bénéficiaire 3": "3", "Nom du bénéficiaire 3": "ENFANT"}
    seen = operator_card(tmp_path, "TB-COV-018", keyed)
    assert seen["fields"] == [
        ("NIR de l'assuré", "vitale.nir"),
        ("Rang du bénéficiaire 3", "vitale.beneficiaries[2].rank"),
        ("Nom du bénéficiaire 3", "vitale.beneficiaries[2].name"),
    ], seen
    assert seen["next"] == "s-invoice", seen  # the invoice bills the beneficiary of the rank keyed
    recorded = seen["recorded"]
    # the beneficiary of rank 3 at its place on the card, its rank as keyed; the places before it reported nothing
    assert recorded == {
        "vitale.beneficiaries[0]": {},
        "vitale.beneficiaries[1]": {},
        "vitale.beneficiaries[2].name": "ENFANT",
        "vitale.beneficiaries[2].rank": 3,
    }, recorded


def test_the_card_window_of_the_first_beneficiary_is_as_it_was_and_speaks_english(tmp_path: Path) -> None:
    keyed = {"Insured person's NIR": "180019999900168", "Name of beneficiary 1": "ESSAI"}
    seen = operator_card(tmp_path, "TB-COV-001", keyed, lang="en")
    assert seen["fields"] == [
        ("Insured person's NIR", "vitale.nir"),
        ("Name of beneficiary 1", "vitale.beneficiaries[0].name"),
    ], seen
    assert seen["next"] == "s-invoice", seen


def test_the_card_window_of_another_beneficiary_speaks_english(tmp_path: Path) -> None:
    keyed = {"Rank of beneficiary 3": "3"}
    seen = operator_card(tmp_path, "TB-COV-018", keyed, lang="en")
    assert [label for label, _path in seen["fields"]] == [
        "Insured person's NIR",
        "Rank of beneficiary 3",
        "Name of beneficiary 3",
    ], seen
