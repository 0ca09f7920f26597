"""Promises of docs/tui.md that no other test held to the letter (Textual's pilot, real in-process benches).

- ``ctrl+q`` in a manual step's window in operator mode: « … le cas continuera à cette étape (les étapes déjà
  faites sont gardées) », not the new-attempt sentence of an engine that replays its steps;
- the expected/observed view of an attempt whose case has no expectation: « Aucune comparaison dans cette
  tentative : le cas n'a pas d'attente »;
- a key of ``[keymap]`` given two keys (``run-rest = "ctrl+x,f6"``) is written « Ctrl+X F6 »;
- « `tui.toml` (written by you; a bad file is reported on screen and ignored) »: a real file read by the workstation's
  own loader, its problem in the run log and a notification, the workstation open with its defaults;
- `]` / `[` in the traces « with no step, it says so »;
- `--session FILE` (default `./<casebook>.tbsession`); the session's folder must exist (exit 3) unless
  `--create-dirs` asks to create it — the window does not open without it.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import io
from pathlib import Path

import pytest
from fakes import invoice_step, make_case, make_casebook
from rich.console import Console
from test_tui_app import select
from test_tui_helpers import fake_bench, run_log, sample_casebook, toasts, wait_run
from test_tui_operator_language import ask_first_step
from textual.widgets import Input, Static

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.tui.actions import display_key
from testbench.tui.config import Settings, UiState, load_settings
from testbench.tui.texts import make_translator
from testbench.tui.workstation import Workstation

SIZE = (130, 40)


def operator_app(tmp: Path, lang: str):
    """The demo casebook as ``testbench ui --engine operator --cards inprocess`` opens it: the campaign's options
    name the engine (the workstation assembles its bench from them, as the command does)."""
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp / "op.tbsession"),
        settings=Settings(lang=lang, operator="Alice"),
        state=UiState(tmp / "cfg"),
        options=CampaignOptions(bench=BenchOptions(engine="operator", cards="inprocess")),
    )
    app.animation_level = "none"
    return app


def _plain(widget: Static) -> str:
    content = widget.content
    if hasattr(content, "plain"):
        return " ".join(content.plain.split())
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return " ".join(console.export_text().split())


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "fr",
            "Ctrl+Q encore pour quitter : la note tapée sera perdue ; l'étape reste en attente et le cas continuera"
            " à cette étape (les étapes déjà faites sont gardées)",
        ),
        (
            "en",
            "Ctrl+Q again to quit: the note typed will be lost; the step stays pending and the case will go on at"
            " this step (the steps already done are kept)",
        ),
    ],
)
def test_ctrl_q_in_operator_mode_says_the_case_goes_on_at_this_step(tmp_path: Path, lang: str, expected: str) -> None:
    said: dict[str, object] = {}

    async def scenario() -> None:
        app = operator_app(tmp_path, lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            window = await ask_first_step(app, pilot)
            window.query_one("#note", Input).focus()
            await pilot.pause()
            await pilot.press(*"vu")
            await pilot.press("ctrl+q")
            await pilot.pause()
            said["notice"] = " ".join(str(window.query_one("#notice", Static).render()).split())
            said["open"] = app.screen is window  # the first ctrl+q only warns
            await pilot.press("ctrl+q")
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=30)

    asyncio.run(scenario())
    assert said["open"] is True, said
    assert said["notice"] == expected, said


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Aucune comparaison dans cette tentative : le cas n'a pas d'attente"),
        ("en", "No comparison in this attempt: the case has no expectation"),
    ],
)
def test_an_attempt_of_a_case_without_expectation_says_so(tmp_path: Path, lang: str, expected: str) -> None:
    from testbench.tui.app import WorkstationApp

    book = make_casebook((make_case("TC-SANS-ATTENTE", (invoice_step(),), ()),), tmp_path)
    app = WorkstationApp(
        Workstation([book], tmp_path / "sans.tbsession"),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test"),
        state=UiState(tmp_path / "config"),
    )
    app.animation_level = "none"
    said: dict[str, str] = {}

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-SANS-ATTENTE")
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            said["verdict"] = app.ws.find("TC-SANS-ATTENTE").verdict
            said["messages"] = _plain(app.query_one("#compare-messages", Static))

    asyncio.run(scenario())
    assert said["verdict"] not in ("none", "not_run"), said  # the attempt ran to a verdict
    assert said["messages"] == expected, said


@pytest.mark.parametrize(("lang", "expected"), [("fr", "Ctrl+X F6"), ("en", "Ctrl+X F6")])
def test_a_keymap_entry_of_two_keys_is_written_as_the_keyboard_names_them(lang: str, expected: str) -> None:
    assert display_key("ctrl+x,f6", make_translator(lang)) == expected


def _opened_with(tmp_path: Path, settings: Settings) -> dict[str, str]:
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(  # as ``testbench ui`` opens it with the settings it read
        Workstation([sample_casebook(tmp_path)], tmp_path / "exam.tbsession"),
        bench_factory=fake_bench,
        settings=settings,
        state=UiState(tmp_path / "config"),
    )
    app.animation_level = "none"
    said: dict[str, str] = {}

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            said["log"], said["toasts"] = run_log(app), toasts(app)
            await pilot.press("r")  # the workstation works: its default key runs the selected case
            await wait_run(app, pilot)
            said["verdict"] = app.ws.entries[0].verdict

    asyncio.run(scenario())
    return said


def test_a_tui_toml_that_does_not_read_is_said_on_screen_and_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    config = tmp_path / "config"
    config.mkdir()
    (config / "tui.toml").write_text('operator = "Zoé"\n[keymap]\nrun-case = [\n', encoding="utf-8")
    settings = load_settings(config)
    assert (settings.lang, settings.operator, settings.keymap) == ("fr", "", {})  # ignored: the defaults
    said = _opened_with(tmp_path, settings)
    where = f"{config / 'tui.toml'}:3:"
    assert where in said["log"] and "syntaxe TOML invalide" in said["log"], said
    assert where in said["toasts"], said
    assert said["verdict"] not in ("none", "not_run"), said


def test_an_unknown_action_of_the_keymap_is_said_in_the_language_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    config = tmp_path / "config"
    config.mkdir()
    (config / "tui.toml").write_text('lang = "en"\n[keymap]\nlancer-le-cas = "f5"\n', encoding="utf-8")
    settings = load_settings(config)
    assert settings.problems == [] and settings.lang == "en"
    said = _opened_with(tmp_path, settings)
    assert "tui.toml: unknown actions in [keymap]: lancer-le-cas" in said["log"], said
    assert "inconnues" not in said["log"], said


@pytest.fixture
def windows_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``testbench ui`` up to its window: the session each window would have shown (the window itself not run)."""
    from testbench.tui.app import WorkstationApp

    opened: list[Path] = []
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(WorkstationApp, "run", lambda self, *a, **k: opened.append(self.ws.session_path) or 0)
    return opened


def test_ui_refuses_a_session_folder_not_there_unless_create_dirs(
    tmp_path: Path, windows_opened: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from testbench.cli.main import main

    session = tmp_path / "cle-usb" / "examen.tbsession"
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.startswith("testbench ui : ") and str(session.parent) in err and "--create-dirs" in err, err
    assert windows_opened == [] and not session.parent.exists()
    assert main([*argv, "--create-dirs"]) == 0
    assert windows_opened == [session] and session.parent.is_dir()


def test_ui_without_session_opens_the_casebooks_name_in_the_current_folder(
    tmp_path: Path, windows_opened: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["ui", str(CASEBOOKS_DIR / "demo.xml"), "--cards", "inprocess"]) == 0
    assert [path.resolve() for path in windows_opened] == [(tmp_path / "demo.tbsession").resolve()]


def test_step_keys_in_traces_without_a_step_say_so(tmp_path: Path) -> None:
    """``]``/``[`` in the traces of a case never run: « Aucune étape dans les traces de cette tentative. »."""
    from test_tui_audit import NARROW, audit_app, said_after

    said: dict[str, str] = {}

    async def scenario() -> None:
        app = audit_app(tmp_path)
        async with app.run_test(size=NARROW) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-KO-002")
            await pilot.press("4")
            await app.workers.wait_for_complete()
            await pilot.pause()
            said["next"] = await said_after(app, pilot, "right_square_bracket")
            said["prev"] = await said_after(app, pilot, "left_square_bracket")
            await pilot.press("f2")
            await pilot.pause()
            said["en"] = await said_after(app, pilot, "right_square_bracket")

    asyncio.run(scenario())
    assert "Aucune étape dans les traces de cette tentative." in said["next"], said
    assert "Aucune étape dans les traces de cette tentative." in said["prev"], said
    assert "No step in this attempt's traces." in said["en"], said


def test_ui_with_create_dirs_and_no_terminal_creates_no_folder(tmp_path: Path) -> None:
    """docs/tui.md: without a terminal `ui` is refused « before anything is opened »; with ``--create-dirs`` it made
    the session's folder first, then refused, leaving an empty folder behind."""
    import subprocess
    import sys

    session = tmp_path / "cle-usb" / "examen.tbsession"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TESTBENCH_CONFIG_DIR": str(tmp_path / "cfg")}
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--create-dirs", "--cards", "inprocess"]
    done = subprocess.run([sys.executable, "-m", "testbench", *argv], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "pas de terminal" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not session.parent.exists()


def test_a_refused_ui_line_is_not_the_one_a_bare_testbench_reopens(
    tmp_path: Path, windows_opened: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``ui … --plan BAD.toml`` is refused (exit 3); it was remembered first, so a bare ``testbench`` reopened the
    same refused line. The line is remembered once the window would open."""
    from testbench.cli.main import main
    from testbench.tui.config import UiState

    bad = tmp_path / "plan.toml"
    bad.write_text("[plan\n", encoding="utf-8")
    session = tmp_path / "examen.tbsession"
    argv = ["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*argv, "--plan", str(bad)]) == 3
    assert "last" not in UiState().data and windows_opened == []
    capsys.readouterr()
    assert main(argv) == 0
    assert UiState().data["last"]["session"] == str(session.resolve()) and windows_opened == [session]
