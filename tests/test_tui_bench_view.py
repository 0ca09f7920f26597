"""The exam-day checks of the CLI in the workstation (audit 9 D8), through the one action registry (a key
and the palette): the readers and their cards (``l``, what ``testbench cards list`` prints, with the cards
the bench uses), the integrity of the open session (``i``, what ``testbench verify SESSION`` prints) and the
coverage of an exam plan chosen in the workstation (``p``, what ``testbench coverage --plan`` prints)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import sqlite3
from pathlib import Path

from test_tui_helpers import fake_bench, make_app
from textual.widgets import Input, OptionList, Static

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR
from testbench.tui.bench_view import BenchScreen
from testbench.tui.config import Settings, UiState
from testbench.tui.coverage_screen import CoverageScreen, PlanScreen
from testbench.tui.workstation import Workstation

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
SIZE = (140, 45)


def demo_session(tmp_path: Path) -> Path:
    session = tmp_path / "s.tbsession"
    run = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*run, "-k", "DEMO-FSE-001 or DEMO-FSE-005"]) == 0  # no plan recorded
    return session


def app_on(session: Path, lang: str = "fr"):
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks([DEMO]), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(session.parent / "cfg"),
    )
    app.animation_level = "none"
    return app


async def window_text(app, pilot, *keys: str) -> str:
    """Press ``keys``, wait for the bench window's answer (read in a thread), return its text and close it."""
    await pilot.press(*keys)
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, BenchScreen) and screen.filled
    text = screen.query_one("#bench-text", Static).content.plain
    await pilot.press("escape")
    await pilot.pause()
    assert not isinstance(app.screen, BenchScreen)
    return text


def cli(capsys, *args: str) -> list[str]:
    capsys.readouterr()
    main(list(args))
    return capsys.readouterr().out.splitlines()


def test_the_readers_window_shows_what_cards_list_prints_and_the_cards_the_bench_uses(
    pcsc_bay, tmp_path: Path, capsys
) -> None:
    pcsc_bay.present("vitale", CARD_PROFILES_DIR / "vitale2-atmp.xml")  # a card in the first vpcd reader
    shown: dict[str, str] = {}

    async def scenario(lang: str) -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            shown[f"{lang}-auto"] = await window_text(app, pilot, "l")
            app.campaign_options.bench.cards = "inprocess"
            # the palette finds it by its words, as every action of the registry
            shown[f"{lang}-inprocess"] = await window_text(
                app, pilot, "ctrl+p", *("lecteurs" if lang == "fr" else "readers"), "enter"
            )

    asyncio.run(scenario("fr"))
    asyncio.run(scenario("en"))
    listed = {lang: cli(capsys, "cards", "list", "--lang", lang) for lang in ("fr", "en")}
    french, english = shown["fr-auto"].splitlines(), shown["en-auto"].splitlines()
    assert french[:3] == ["Cartes du banc (choix automatique) : lecteurs PC/SC (pcscd)", "", "Lecteurs PC/SC"]
    assert english[:3] == ["Bench cards (chosen automatically): PC/SC readers (pcscd)", "", "PC/SC readers"]
    for lines, lang in ((french, "fr"), (english, "en")):
        # the readers this test holds (other benches may change theirs meanwhile) read as the CLI prints them
        ours = [line for line in listed[lang] if line.startswith(("Virtual PCD 00 00", "Virtual PCD 00 01"))]
        assert len(ours) == 2 and all(line in lines[3:] for line in ours)
        assert len(lines[3:]) == len(listed[lang])  # every reader pcscd lists
    assert any(line.startswith("Virtual PCD 00 00") and "carte présente  Vitale 2  ATR 3B" in line for line in french)
    assert any(line.startswith("Virtual PCD 00 00") and "card present  Vitale 2  ATR 3B" in line for line in english)
    assert shown["fr-inprocess"].startswith("Cartes du banc : lecteur virtuel en mémoire\n")
    assert shown["en-inprocess"].startswith("Bench cards: in-memory virtual reader\n")


def test_the_readers_window_says_the_cards_mode_in_words_never_the_cli_flag(monkeypatch) -> None:
    """The cards the bench uses, in words (« choix automatique », « lecteur virtuel en mémoire »): the
    workstation names no ``--cards`` (what ``testbench ui`` was given is not a flag to type here)."""
    from testbench.i18n import translator
    from testbench.tui.bench_view import readers_content

    monkeypatch.setattr("testbench.cards.inventory.reader_states", lambda: [])  # no pcscd asked
    stacks = {"auto": ("pcsc", None), "pcsc": ("refused", "pcscd absent"), "inprocess": ("inprocess", None)}
    monkeypatch.setattr("testbench.runner.assemble.card_stack", lambda cards, **_: stacks[cards])

    def head(cards: str, lang: str) -> str:
        return readers_content(cards, translator(lang, "tui"), lang).plain.splitlines()[0]

    assert head("auto", "fr") == "Cartes du banc (choix automatique) : lecteurs PC/SC (pcscd)"
    assert head("auto", "en") == "Bench cards (chosen automatically): PC/SC readers (pcscd)"
    assert head("pcsc", "fr") == "Cartes du banc : aucune, pile PC/SC indisponible (pcscd absent)"
    assert head("inprocess", "fr") == "Cartes du banc : lecteur virtuel en mémoire"
    assert head("inprocess", "en") == "Bench cards: in-memory virtual reader"
    stacks["auto"] = ("inprocess", "pcscd absent")
    assert head("auto", "fr") == (
        "Cartes du banc (choix automatique) : lecteur virtuel en mémoire, pile PC/SC indisponible (pcscd absent)"
    )
    assert head("auto", "en") == (
        "Bench cards (chosen automatically): in-memory virtual reader, PC/SC stack unavailable (pcscd absent)"
    )


def test_the_integrity_window_says_what_verify_says_of_the_open_session(tmp_path: Path, capsys) -> None:
    session = demo_session(tmp_path)
    shown: dict[str, str] = {}

    async def scenario(key: str, lang: str, *keys: str) -> None:
        app = app_on(session, lang)
        async with app.run_test(size=SIZE) as pilot:
            shown[key] = await window_text(app, pilot, *keys)

    asyncio.run(scenario("fr-whole", "fr", "i"))
    whole = cli(capsys, "verify", str(session), "--lang", "fr")
    assert shown["fr-whole"].splitlines() == [f"Intégrité de la session : {session}", "", *whole]
    assert whole[-1] == "INTÈGRE"
    with sqlite3.connect(session) as db:  # the auditor's falsification: a verdict changed after the fact
        db.execute("update attempts set verdict='fail', reason='x' where verdict='pass'")
    db.close()
    asyncio.run(scenario("fr-altered", "fr", "i"))
    asyncio.run(scenario("en-altered", "en", "ctrl+p", *"integrity", "enter"))
    altered = {lang: cli(capsys, "verify", str(session), "--lang", lang) for lang in ("fr", "en")}
    assert shown["fr-altered"].splitlines() == [f"Intégrité de la session : {session}", "", *altered["fr"]]
    assert shown["en-altered"].splitlines() == [f"Session integrity: {session}", "", *altered["en"]]
    assert altered["fr"][-1] == "ALTÉRÉ" and altered["en"][-1] == "ALTERED"
    assert any("cas DEMO-FSE-001, tentative 1" in line for line in altered["fr"])


def test_the_coverage_of_a_plan_chosen_in_the_workstation(tmp_path: Path, capsys) -> None:
    session = demo_session(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("c")  # no plan yet: the window says so, and how to choose one
            await pilot.pause()
            assert isinstance(app.screen, CoverageScreen)
            seen["none"] = app.screen.query_one("#coverage-text", Static).content.plain
            seen["hint"] = app.screen.query_one("#coverage-hint", Static).content.plain
            await pilot.press("p")  # from the coverage window to the plan window
            await pilot.pause()
            assert isinstance(app.screen, PlanScreen)
            plans = app.screen.query_one("#plans", OptionList)
            assert plans.has_focus and plans.get_option_at_index(0).prompt == "demo-plan.toml"
            # a path that is no plan is refused on the notice line, the path typed kept
            await pilot.press("tab", *str(tmp_path / "nope.toml"), "enter")
            await pilot.pause()
            assert isinstance(app.screen, PlanScreen)
            seen["refused"] = app.screen.query_one("#notice", Static).content.plain
            assert app.screen.query_one("#plan-path", Input).value == str(tmp_path / "nope.toml")
            await pilot.press("shift+tab", "enter")  # the bundled plan
            await pilot.pause()
            assert isinstance(app.screen, CoverageScreen)
            seen["bundled"] = app.screen.query_one("#coverage-text", Static).content.plain
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("c")  # the plan chosen stays for the next coverage
            await pilot.pause()
            seen["again"] = app.screen.query_one("#coverage-text", Static).content.plain
            await pilot.press("escape", "ctrl+p", *"plan d'examen de la couverture", "enter")
            await pilot.pause()
            assert isinstance(app.screen, PlanScreen)  # the palette reaches it too
            # a path pasted as Windows' « Copier en tant que chemin d'accès » gives it: between double quotes
            await pilot.press("tab", "ctrl+u", *f'"{PLAN}"', "enter")
            await pilot.pause()
            seen["typed"] = app.screen.query_one("#coverage-text", Static).content.plain

    asyncio.run(scenario())
    assert seen["none"] == f"{session} : aucun plan d'examen : choisissez-en un avec « Plan » (touche p)"
    assert seen["hint"] == "p : choisir le plan d'examen (fourni avec testbench, ou un chemin)"
    assert seen["refused"].startswith(f"{tmp_path / 'nope.toml'}") and "illisible" in seen["refused"]
    bundled = "\n".join(cli(capsys, "coverage", "--plan", str(PLAN), str(session)))
    assert seen["bundled"].rstrip("\n") == bundled and seen["again"] == seen["bundled"]
    assert "Prêt pour le pré-examen : non — 19 cas jamais exécutés" in bundled
    assert seen["typed"].rstrip("\n") == "\n".join(cli(capsys, "coverage", "--plan", str(PLAN), str(session)))


def test_in_operator_mode_the_readers_window_says_the_bench_refuses_without_pcsc(monkeypatch) -> None:
    """The product reads the cards itself in operator mode: without PC/SC the window says « aucune », as the run
    refuses, never the in-memory reader another engine would fall back to."""
    from testbench.i18n import translator
    from testbench.tui.bench_view import readers_content

    monkeypatch.setattr("testbench.cards.inventory.reader_states", lambda: [])
    monkeypatch.setattr("testbench.cards.bays.pcsc_problem", lambda *_: "pcscd absent")

    def head(operated: bool) -> str:
        return readers_content("auto", translator("fr", "tui"), "fr", operated=operated).plain.splitlines()[0]

    assert head(True) == "Cartes du banc (choix automatique) : aucune, pile PC/SC indisponible (pcscd absent)"
    assert head(False).startswith("Cartes du banc (choix automatique) : lecteur virtuel en mémoire")
