"""The CLI's tools in the workstation (group « Outils », audit: « everything the CLI can do, the workstation
can »): each CLI command has its action or a stated reason; and each tool, given its inputs in the one tool
window (a key or the palette), shows what the CLI prints, in French and, after F2, in English.

Office tools (export, import), new case and merge: ``test_tui_tools_office.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import argparse
import asyncio
import re
import shlex
from pathlib import Path

from test_sut_cli import PROFILE, _application
from test_tui_helpers import fake_bench
from textual.widgets import Input, Select, Static

from testbench.casebook.loader import load_casebooks
from testbench.cli.main import build_parser, main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.assemble import reference_engine_command
from testbench.runner.options import BenchOptions, CampaignOptions
from testbench.tui import actions as registry
from testbench.tui.config import Settings, UiState
from testbench.tui.tool_screen import ToolScreen
from testbench.tui.tools import CLI_ACTIONS, NOT_OFFERED, TOOLS
from testbench.tui.workstation import Workstation

DEMO = CASEBOOKS_DIR / "demo.xml"
SIZE = (140, 45)


def cli_commands() -> set[str]:
    """Every command the argparse parser offers, a sub-command's as « engine check »."""

    def walk(parser: argparse.ArgumentParser, prefix: str) -> set[str]:
        found: set[str] = set()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    inner = walk(sub, f"{prefix}{name} ")
                    found |= inner or {f"{prefix}{name}"}
        return found

    return walk(build_parser(), "")


def test_every_cli_command_has_its_workstation_action_or_a_stated_reason() -> None:
    commands = cli_commands()
    assert {"diff", "export", "engine check", "keys show", "sut check", "new case", "merge", "import"} <= commands
    assert set(CLI_ACTIONS) | set(NOT_OFFERED) == commands  # a new CLI command must be placed in one of them
    assert not set(CLI_ACTIONS) & set(NOT_OFFERED)
    assert all(len(why) > 20 for why in NOT_OFFERED.values())
    for command, action_id in CLI_ACTIONS.items():
        spec = registry.BY_ID[action_id]  # an action of the one registry: F1, the palette and the keys list it
        if spec.action.startswith("tool("):
            assert spec.action == f"tool('{action_id}')" and action_id in TOOLS, command
            assert spec.group == "Outils"


def app_on(session: Path, casebook: Path = DEMO, lang: str = "fr", **settings: object):
    from testbench.tui.app import WorkstationApp

    options = CampaignOptions(bench=BenchOptions(**settings.pop("bench", {})))  # type: ignore[arg-type]
    app = WorkstationApp(
        Workstation(load_casebooks([casebook]), session),
        bench_factory=fake_bench,
        settings=Settings(lang=lang, operator="Opératrice Test", **settings),  # type: ignore[arg-type]
        state=UiState(session.parent / "cfg"),
        options=options,
    )
    app.animation_level = "none"
    return app


async def open_tool(app, pilot, *keys: str) -> ToolScreen:
    """Open a tool window with ``keys`` (its key, or the palette and its words)."""
    await pilot.press(*keys)
    await pilot.pause()
    assert isinstance(app.screen, ToolScreen)
    return app.screen


def field(screen: ToolScreen, name: str) -> Input | Select[str]:
    """A field of the window: a text to type (Input) or a list to choose from (Select)."""
    return screen.query_one(f"#field-{name}")  # type: ignore[return-value]


async def run_tool(app, pilot, screen: ToolScreen, **values: str) -> str:
    """Give the fields ``values``, press Enter, wait for the worker: the window's result text."""
    for name, value in values.items():
        field(screen, name).value = value
    screen.query(Input).first().focus()  # Enter in a text field runs the tool (in a list it opens it)
    await pilot.press("enter")
    await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)
    await pilot.pause()
    return shown(screen)


def shown(screen: ToolScreen) -> str:
    return screen.query_one("#tool-result", Static).content.plain


async def switch_language(pilot, screen: ToolScreen) -> str:
    await pilot.press("f2")
    await pilot.pause()
    return shown(screen)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def demo_sessions(tmp_path: Path) -> tuple[Path, Path]:
    """A reference session (A: DEMO-FSE-001 passes) and a later one (B: the same case, and DEMO-FSE-005)."""
    run = ["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess"]
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    assert main([*run, "--session", str(a), "-k", "DEMO-FSE-001"]) == 0
    assert main([*run, "--session", str(b), "-k", "DEMO-FSE-001 or DEMO-FSE-005"]) == 0
    os.utime(a, (1_000_000_000, 1_000_000_000))  # older than b: a's the newest other session for b
    return a, b


def test_diff_compares_the_open_session_with_the_newest_other_one(tmp_path: Path, capsys) -> None:
    a, b = demo_sessions(tmp_path)
    (tmp_path / "older.tbsession").write_bytes(b"")
    os.utime(tmp_path / "older.tbsession", (900_000_000, 900_000_000))
    html = tmp_path / "out" / "diff.html"
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "D")
            seen["default"] = field(screen, "reference").value
            seen["fr"] = await run_tool(app, pilot, screen, html=str(html))
            seen["en"] = await switch_language(pilot, screen)
            assert field(screen, "html").value == str(html)  # what was typed stays across F2

    asyncio.run(scenario())
    assert seen["default"] == str(a)
    code, french, _ = cli(capsys, "diff", str(a), str(b))
    assert code == 0
    assert seen["fr"] == f"{french}écrit : {html}\n✔ terminé (code 0)"
    _, english, _ = cli(capsys, "diff", str(a), str(b), "--lang", "en")
    assert seen["en"] == f"{english}written: {html}\n✔ done (code 0)"
    assert "aucune régression" in french and "no regression" in english
    assert "<html" in html.read_text(encoding="utf-8")


def test_a_refusal_is_the_tools_own_sentence_and_an_empty_field_is_asked_for(tmp_path: Path, capsys) -> None:
    _, b = demo_sessions(tmp_path)
    missing = tmp_path / "absente.tbsession"
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"comparer la session", "enter")
            seen["refused"] = await run_tool(app, pilot, screen, reference=str(missing))
            assert isinstance(app.screen, ToolScreen)  # the window stays, with what was typed
            field(screen, "reference").value = ""
            await pilot.press("enter")
            await pilot.pause()
            seen["notice"] = screen.query_one("#notice", Static).content.plain
            assert field(screen, "reference").has_focus
            await switch_language(pilot, screen)  # the notice, said in French, is cleared
            await pilot.press("enter")
            await pilot.pause()
            seen["notice-en"] = screen.query_one("#notice", Static).content.plain
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ToolScreen)

    asyncio.run(scenario())
    code, _, err = cli(capsys, "diff", str(missing), str(b))
    assert code == 3
    assert seen["refused"] == f"{err.removeprefix('testbench diff : ')}✘ entrée invalide (code 3)"
    assert "Traceback" not in seen["refused"]
    assert seen["notice"] == "« Session de référence (A) » est à remplir."
    assert seen["notice-en"] == '“Reference session (A)” must be filled in.'


def test_sut_check_reads_the_profile_of_the_bench(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "app")
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    _, session = demo_sessions(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session, bench={"sut_profile": profile})
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "u")
            seen["default"] = field(screen, "profile").value
            seen["fr"] = await run_tool(app, pilot, screen)
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    assert seen["default"] == str(profile)
    code, french, _ = cli(capsys, "sut", "check", str(profile))
    assert code == 0 and "invoice.totals.amo = 163.80" in french
    assert seen["fr"] == f"{french}✔ terminé (code 0)"
    _, english, _ = cli(capsys, "sut", "check", str(profile), "--lang", "en")
    assert seen["en"] == f"{english}✔ done (code 0)" and english != french


def without_timings(text: str) -> list[str]:
    """The lines but the shutdown check's, which gives its time (its status column as wide as ATTENTION)."""
    return [line for line in text.splitlines() if line.split()[1:2] != ["arret"]]


def test_engine_check_runs_the_conformance_kit_on_the_bench_engine_without_freezing(tmp_path: Path, capsys) -> None:
    """The bench's engine, with its time limit and its cards mode (--engine-timeout, --engine-cards)."""
    _, session = demo_sessions(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session, bench={"engine": "inprocess", "engine_timeout": 7.5, "engine_cards": "none"})
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "m")
            seen["default"] = field(screen, "command").value
            seen["timeout"] = field(screen, "timeout").value
            result, texts = screen.query_one("#tool-result", Static), []
            update = result.update
            result.update = lambda content="", **kw: (texts.append(str(content)), update(content, **kw))[1]
            await pilot.press("enter")
            await pilot.pause()
            seen["waiting"] = texts[0]  # what the window says while the worker runs (it may be done by now)
            await pilot.press("tab")
            assert field(screen, "timeout").has_focus  # keys are handled while the engine is checked
            await asyncio.wait_for(app.workers.wait_for_complete(), timeout=60)
            await pilot.pause()
            seen["fr"] = shown(screen)
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    command = reference_engine_command()  # inprocess runs the reference engine: its command is checked
    assert seen["default"] == shlex.join(command) and seen["timeout"] == "7.5"
    assert seen["waiting"] == "… vérification du moteur (quelques secondes)"  # the engine starts in ~0.5 s
    bench = ("--timeout", "7.5", "--engine-cards", "none")
    code, french, _ = cli(capsys, "engine", "check", *bench, "--", *command)
    assert code == 0
    assert "sous 7,5 s" in french and "mode none" in french  # what the bench's options change in the report
    assert without_timings(seen["fr"]) == [*without_timings(french), "✔ terminé (code 0)"]
    _, english, _ = cli(capsys, "engine", "check", *bench, "--lang", "en", "--", *command)
    assert without_timings(seen["en"]) == [*without_timings(english), "✔ done (code 0)"]
    assert "CONFORME : 20" in seen["fr"] and "CONFORMANT" in seen["en"]


def test_the_signing_key_is_created_then_its_fingerprint_shown(tmp_path: Path, capsys) -> None:
    _, session = demo_sessions(tmp_path)
    key = tmp_path / "keys" / "signer.pem"
    key.parent.mkdir()
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session, signing_key=key)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "k")
            seen["missing"] = await run_tool(app, pilot, screen)  # no key yet: said, with how to create it
            await pilot.press("escape", "ctrl+p", *"créer la clé de signature", "enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ToolScreen) and field(screen, "key").value == str(key)
            seen["created"] = await run_tool(app, pilot, screen)
            await pilot.press("escape", "k")
            await pilot.pause()
            seen["fr"] = await run_tool(app, pilot, app.screen)
            seen["en"] = await switch_language(pilot, app.screen)

    asyncio.run(scenario())
    # how to create it: the workstation's own action (palette only), never « testbench keys init »
    missing = (
        f"{key} : clé de signature illisible (introuvable) ; créez-la avec l'action « Créer la clé »"
        " dans la palette (Ctrl+P)"
    )
    assert seen["missing"].startswith(f"{missing}\n") and "keys init" not in seen["missing"]
    assert seen["created"].startswith(f"clé privée : {key} (lisible par vous seul")
    assert seen["created"].endswith(f"écrit : {key}\n✔ terminé (code 0)")
    _, french, _ = cli(capsys, "keys", "show", "--key", str(key))
    _, english, _ = cli(capsys, "keys", "show", "--key", str(key), "--lang", "en")
    assert seen["fr"] == f"{french}✔ terminé (code 0)" and "empreinte : " in french
    assert seen["en"] == f"{english}✔ done (code 0)" and "fingerprint: " in english
    fingerprint = french.splitlines()[1]
    assert fingerprint in seen["created"]  # the key created is the key shown


def test_f1_lists_the_tools_in_their_group_in_english(tmp_path: Path) -> None:
    from testbench.tui.screens import HelpScreen

    _, session = demo_sessions(tmp_path)

    async def scenario() -> str:
        app = app_on(session, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            table = app.screen.query_one(Static).content
            from rich.console import Console

            console = Console(width=140, record=True)
            console.print(table)
            return console.export_text()

    text = asyncio.run(scenario())
    assert "Tools" in text
    assert "Compare the open session with a reference session (diff)" in text
    assert "Merge sessions (reruns, CI shards) into a new session (merge)" in text


def test_a_palette_only_tool_takes_a_key_from_the_keymap(tmp_path: Path) -> None:
    from test_tui_helpers import make_app

    async def scenario() -> str:
        app = make_app(tmp_path, keymap={"merge": "f9"})
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f9")
            await pilot.pause()
            assert isinstance(app.screen, ToolScreen)
            return app.screen.tool.id

    assert registry.BY_ID["merge"].key == ""  # the palette only, by default
    assert asyncio.run(scenario()) == "merge"


def test_the_report_with_its_options_is_the_commands_book(tmp_path: Path, capsys) -> None:
    """G: every option of ``testbench report`` in one window (folder, redaction, excerpt, PDF, key, JUnit, plan),
    built by the command's own core; a refusal names the window's field, not the flag."""
    import json

    _, session = demo_sessions(tmp_path)
    out, junit = tmp_path / "livre", tmp_path / "ci" / "junit.xml"
    junit.parent.mkdir()
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "G")
            seen["folder"] = field(screen, "folder").value
            seen["refused"] = await run_tool(app, pilot, screen, folder=str(out), excerpt="-1", pdf="", key="")
            seen["refused-en"] = await switch_language(pilot, screen)
            seen["written after the refusal"] = str(out.exists())
            await switch_language(pilot, screen)
            seen["fr"] = await run_tool(app, pilot, screen, redact="", excerpt="3", junit=str(junit))

    asyncio.run(scenario())
    assert seen["folder"] == str(session.parent / f"{session.stem}-report")  # g's folder, proposed
    assert "Lignes de trace par cas dans la page : un nombre entier ≥ 0, pas « -1 »" in seen["refused"]
    assert "Trace lines per case in the page: a whole number ≥ 0, not “-1”" in seen["refused-en"]
    assert seen["written after the refusal"] == "False"  # refused before anything was written
    assert "ATTENTION rapport NON anonymisé (« Anonymiser » à non)" in seen["fr"], seen["fr"]
    assert f"écrit : {out / 'index.html'}" in seen["fr"] and f"écrit : {junit}" in seen["fr"], seen["fr"]
    assert "--" not in seen["fr"] + seen["refused"]  # the window's words, never the command's flags
    book = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert book["redaction"]["enabled"] is False
    assert "<testsuite" in junit.read_text(encoding="utf-8")
    # the command says the same of the same options
    code, stdout, err = cli(capsys, "report", str(session), "-o", str(tmp_path / "cli"), "--no-redact", "--excerpt=3")
    assert code == 0 and stdout.strip() == str(tmp_path / "cli" / "index.html")
    assert "ATTENTION rapport NON anonymisé (--no-redact)" in err


def test_diff_in_the_workstation_takes_every_option_of_the_command(tmp_path: Path, capsys) -> None:
    """« Comparer »: the JSON file, the unchanged cases (--all) and the trace context (--context) too, the
    context's rule said by its field."""
    a, b = demo_sessions(tmp_path)
    json_file = tmp_path / "out" / "diff.json"
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "D")
            seen["refused"] = await run_tool(app, pilot, screen, context="-2")
            seen["fr"] = await run_tool(app, pilot, screen, json=str(json_file), all="oui", context="0")

    asyncio.run(scenario())
    assert "Lignes de contexte des traces : « -2 » n'est pas un nombre de lignes de contexte (de 0 à 1000)" in (
        seen["refused"]
    )
    code, french, _ = cli(capsys, "diff", str(a), str(b), "--all", "--context", "0")
    assert code == 0 and "DEMO-FSE-001" in french  # --all lists the unchanged case
    assert seen["fr"] == f"{french}écrit : {json_file}\n✔ terminé (code 0)"
    assert json_file.read_text(encoding="utf-8").lstrip().startswith("{")


def test_the_cover_is_completed_from_the_workstation_as_the_command_does(tmp_path: Path, capsys) -> None:
    """« Page de garde » (palette): the fields no run named, completed without running a case again; the window
    shows what `testbench cover` prints, and the overview's cover then names them."""
    session = tmp_path / "s.tbsession"
    assert main(["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess", "--session", str(session), "-k",
                 "DEMO-FSE-001"]) == 0  # fmt: skip
    twin = tmp_path / "twin.tbsession"
    twin.write_bytes(session.read_bytes())
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"page de garde", "enter")
            seen["fr"] = await run_tool(app, pilot, screen, sut="MonLogiciel", sut_version="4.2", operator="Camille")
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    code, french, _ = cli(capsys, "cover", str(twin), "--sut", "MonLogiciel", "--sut-version", "4.2", "--operator",
                          "Camille")  # fmt: skip
    def timeless(text: str) -> str:  # the window's run and the command's are a second apart, or not
        return re.sub(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d UTC", "…", text)

    assert code == 0 and timeless(seen["fr"]) == timeless(f"{french}✔ terminé (code 0)")
    assert "Logiciel testé : MonLogiciel — version 4.2" in seen["fr"]
    assert "Software under test: MonLogiciel — version 4.2" in seen["en"] and "✔ done (code 0)" in seen["en"]
