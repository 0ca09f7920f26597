"""The workstation's writing tools (group « Outils »): import an exam book, export a session's results into it,
add a case from a template, merge sessions — each through the one tool window, its defaults read from what is
open (the mapping file and the workbook beside the casebook, the selected case's casebook, the open session),
each saying what the CLI says, in French and, after F2, in English."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path

import openpyxl
from test_tui_tools import SIZE, app_on, cli, demo_sessions, field, open_tool, run_tool, switch_language

from testbench.casebook.loader import check_casebook
from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

EXAMPLES = CASEBOOKS_DIR / "examples"


def exam_folder(folder: Path) -> Path:
    """A folder as an editor keeps it: a casebook and the test cards it names."""
    folder.mkdir()
    shutil.copy(CASEBOOKS_DIR / "demo.xml", folder / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    return folder


def test_import_then_export_the_results_into_the_exam_book(tmp_path: Path, capsys) -> None:
    work, twin = tmp_path / "work", tmp_path / "twin"  # the CLI's twin
    work.mkdir(), twin.mkdir()
    casebook = work / "cahier.xml"
    document, mapping = EXAMPLES / "cahier-exemple.xlsx", EXAMPLES / "cahier-exemple.mapping.toml"
    seen: dict[str, str] = {}

    async def importing() -> None:
        app = app_on(tmp_path / "demo.tbsession")  # the bundled demo open: no exam book beside it
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"importer un cahier", "enter")
            seen["import"] = await run_tool(
                app, pilot, screen, document=str(document), mapping=str(mapping), output=str(casebook)
            )
            seen["import-en"] = await switch_language(pilot, screen)

    asyncio.run(importing())
    code, out, err = cli(capsys, "import", str(document), "--mapping", str(mapping), "-o", str(twin / "cahier.xml"))
    assert code == 0 and not err
    assert seen["import"] == f"{out.replace(str(twin), str(work))}écrit : {casebook}\n✔ terminé (code 0)"
    assert "13 cas écrits" in seen["import"] and "13 cases written" in seen["import-en"]
    assert check_casebook(casebook)[1] == []

    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):  # kept beside
        shutil.copy(EXAMPLES / name, work / name)
    session = work / "s.tbsession"
    run = ["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert cli(capsys, *run)[0] == 0
    target, by_cli = work / "s-resultats.xlsx", work / "par-la-cli.xlsx"

    async def exporting() -> None:
        app = app_on(session, casebook)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "e")
            # the exam book and its mapping file beside the open casebook are the defaults
            seen["document"], seen["mapping"] = field(screen, "document").value, field(screen, "mapping").value
            seen["target"] = field(screen, "target").value
            seen["export"] = await run_tool(app, pilot, screen)
            seen["export-en"] = await switch_language(pilot, screen)

    asyncio.run(exporting())
    assert seen["document"] == str(work / "cahier-exemple.xlsx")
    assert seen["mapping"] == str(work / "cahier-exemple.mapping.toml")
    assert seen["target"] == str(target)
    code, out, err = cli(
        capsys,
        "export",
        str(session),
        "--to",
        str(by_cli),
        "--document",
        seen["document"],
        "--mapping",
        seen["mapping"],
    )
    assert code == 0
    said = f"{err}{out}".replace(str(by_cli), str(target))
    assert seen["export"] == f"{said}écrit : {target}\n✔ terminé (code 0)"
    assert "résultats de 13 cas écrits" in seen["export"] and "results of 13 cases written" in seen["export-en"]
    sheet = openpyxl.load_workbook(target)["Cahier de tests"]
    assert any(cell.value == "réussi" for row in sheet.iter_rows() for cell in row)  # the verdicts landed


def test_an_export_without_its_exam_book_says_why_and_writes_nothing(tmp_path: Path) -> None:
    _, session = demo_sessions(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session)  # the bundled demo: no mapping file beside it, so no default
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "e")
            assert field(screen, "document").value == field(screen, "mapping").value == ""
            seen["fr"] = await run_tool(
                app, pilot, screen, document=str(tmp_path / "absent.xlsx"), mapping=str(tmp_path / "absent.toml")
            )
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    assert seen["fr"].endswith("rien n'est écrit\n✘ entrée invalide (code 3)")
    assert seen["en"].endswith("nothing is written\n✘ invalid input (code 3)")
    assert not (tmp_path / "b-resultats.xlsx").exists()


def test_a_new_case_is_added_to_the_selected_cases_casebook_and_shown(tmp_path: Path, capsys) -> None:
    work, twin = exam_folder(tmp_path / "work"), exam_folder(tmp_path / "twin")
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(work / "demo.tbsession", work / "demo.xml")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"nouveau cas", "enter")
            seen["casebook"] = field(screen, "casebook").value
            assert field(screen, "template").value == "fse securise"  # « FSE · sécurisé »
            assert await asyncio.to_thread(app.watch_ready.wait, 10)  # the workstation follows its casebook
            app.casebooks_reloaded.clear()
            seen["fr"] = await run_tool(app, pilot, screen, id="FSE-042")
            await asyncio.wait_for(app.casebooks_reloaded.wait(), timeout=15)
            assert app.ws.find("FSE-042") is not None  # the new case is in the tree, ready to run
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    assert seen["casebook"] == str(work / "demo.xml")
    code, out, _ = cli(capsys, "new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042",
                       "--casebook", str(twin / "demo.xml"))  # fmt: skip
    assert code == 0
    assert seen["fr"] == f"{out.replace(str(twin), str(work))}écrit : {work / 'demo.xml'}\n✔ terminé (code 0)"
    assert "cahier valide" in seen["fr"] and "casebook valid" in seen["en"]
    loaded, problems = check_casebook(work / "demo.xml")
    assert problems == [] and loaded is not None and "FSE-042" in [case.id for case in loaded.cases]


def test_merge_gathers_sessions_into_a_new_one(tmp_path: Path, capsys) -> None:
    a, b = demo_sessions(tmp_path)
    output = tmp_path / "b-fusion.tbsession"
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"fusionner des sessions", "enter")
            seen["sessions"], seen["output"] = field(screen, "sessions").value, field(screen, "output").value
            seen["fr"] = await run_tool(app, pilot, screen, sessions=f"{a} {b}")
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    assert seen["sessions"] == str(b) and seen["output"] == str(output)
    by_cli = tmp_path / "par-la-cli.tbsession"
    code, out, _ = cli(capsys, "merge", str(a), str(b), "-o", str(by_cli))
    assert code == 0
    assert seen["fr"] == f"{out.replace(str(by_cli), str(output))}écrit : {output}\n✔ terminé (code 0)"
    assert "2 sessions, 2 cas, 3 tentatives" in seen["fr"] and "2 sessions, 2 cases, 3 attempts" in seen["en"]


def test_the_export_without_redaction_is_said_by_its_field(tmp_path: Path) -> None:
    """« Anonymiser les valeurs observées » à non is ``export --no-redact``, and the window says it by its field."""
    work = tmp_path / "work"
    work.mkdir()
    casebook, session = work / "cahier.xml", work / "s.tbsession"
    document, mapping = EXAMPLES / "cahier-exemple.xlsx", EXAMPLES / "cahier-exemple.mapping.toml"
    assert main(["import", str(document), "--mapping", str(mapping), "-o", str(casebook)]) == 0
    assert main(["run", str(casebook), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]) == 0
    seen: dict[str, str] = {}

    async def exporting() -> None:
        app = app_on(session, casebook)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "e")
            seen["default"] = str(field(screen, "redact").value)
            seen["fr"] = await run_tool(app, pilot, screen, document=str(document), mapping=str(mapping), redact="")
            seen["en"] = await switch_language(pilot, screen)

    asyncio.run(exporting())
    assert seen["default"] == "oui"
    assert "anonymisation désactivée (« Anonymiser les valeurs observées » à non)" in seen["fr"], seen["fr"]
    assert "redaction off (“Redact the observed values” set to no)" in seen["en"], seen["en"]
    assert "--no-redact" not in seen["fr"] + seen["en"]


def test_the_import_tool_keeps_a_hand_added_case_unless_asked_as_the_cli_does(tmp_path: Path, capsys) -> None:
    """`import --drop-absent` has its field: a case added by hand to the imported casebook is kept by default
    (« conservé »), removed when the field says oui."""
    document, mapping = EXAMPLES / "cahier-exemple.xlsx", EXAMPLES / "cahier-exemple.mapping.toml"
    casebook = tmp_path / "cahier.xml"
    assert cli(capsys, "import", str(document), "--mapping", str(mapping), "-o", str(casebook))[0] == 0
    for name in ("cahier-exemple.fixtures.xml",):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    add = ["new", "case", "--domain", "cards", "--mode", "none", "--id", "HAND-1", "--casebook", str(casebook)]
    assert cli(capsys, *add)[0] == 0
    seen: dict[str, str] = {}

    async def importing(drop: str) -> None:
        app = app_on(tmp_path / "demo.tbsession")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"importer un cahier", "enter")
            seen[drop] = await run_tool(
                app, pilot, screen, document=str(document), mapping=str(mapping), output=str(casebook), drop_absent=drop
            )

    asyncio.run(importing(""))
    assert "HAND-1" in seen[""] and "HAND-1" in casebook.read_text(encoding="utf-8")
    asyncio.run(importing("oui"))
    assert "HAND-1" not in casebook.read_text(encoding="utf-8")
