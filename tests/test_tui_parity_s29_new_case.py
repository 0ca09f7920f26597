"""« Nouveau cas » in the workstation does all three things ``testbench new case`` does: add the case to a casebook
(``--casebook``), create a new casebook holding it (``-o``: the window's « Ou nouveau cahier à créer » field), or
only show it (neither). The CLI's refusal of a casebook that does not exist tells the person to create it with
``-o``: the workstation could not, it had no such field. Each outcome is the CLI's, in French and after F2 in English.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path

import pytest
from test_tui_tools import SIZE, app_on, cli, field, open_tool, run_tool, switch_language
from textual.widgets import Static

from testbench.casebook.loader import check_casebook
from testbench.paths import CASEBOOKS_DIR


def exam_folder(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(CASEBOOKS_DIR / "demo.xml", folder / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    return folder


async def new_case(app, pilot, **values: str) -> tuple[str, str]:
    screen = await open_tool(app, pilot, "ctrl+p", *"nouveau cas", "enter")
    french = await run_tool(app, pilot, screen, **values)
    return french, await switch_language(pilot, screen)


def test_a_new_casebook_is_created_from_the_window_as_new_case_o_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, twin = exam_folder(tmp_path / "work"), tmp_path / "twin"
    (work / "neuf").mkdir(), twin.mkdir()
    created = work / "neuf" / "cahier.xml"
    before = (work / "demo.xml").read_bytes()
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(work / "demo.tbsession", work / "demo.xml")
        async with app.run_test(size=SIZE) as pilot:
            seen["fr"], seen["en"] = await new_case(app, pilot, id="FSE-042", output=str(created))

    asyncio.run(scenario())
    code, out, err = cli(capsys, "new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042",
                         "-o", str(twin / "cahier.xml"))  # fmt: skip
    assert code == 0, err
    said = out.replace(str(twin), str(work / "neuf"))
    assert seen["fr"] == f"{said}écrit : {created}\n✔ terminé (code 0)"
    assert "profils de carte de test copiés" in seen["fr"] and "test card profiles copied" in seen["en"]
    assert seen["en"].endswith(f"written: {created}\n✔ done (code 0)")
    loaded, problems = check_casebook(created)
    assert problems == [] and loaded is not None and [case.id for case in loaded.cases] == ["FSE-042"]
    assert (work / "demo.xml").read_bytes() == before  # the selected case's casebook, filled in, is not written


def test_an_existing_file_named_as_the_new_casebook_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = exam_folder(tmp_path / "work")
    before = (work / "demo.xml").read_bytes()
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(work / "demo.tbsession", work / "demo.xml")
        async with app.run_test(size=SIZE) as pilot:
            seen["fr"], seen["en"] = await new_case(app, pilot, id="FSE-042", output=str(work / "demo.xml"))

    asyncio.run(scenario())
    code, _, err = cli(capsys, "new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042",
                       "-o", str(work / "demo.xml"))  # fmt: skip
    assert code == 3  # the command names its flag, the window its field: the same sentence otherwise
    assert err.endswith(f"utilisez --casebook {work / 'demo.xml'}\n")
    assert seen["fr"] == (
        f"{work / 'demo.xml'} existe déjà ; pour y ajouter le cas, utilisez le champ « Cahier auquel ajouter le cas »\n"
        "✘ entrée invalide (code 3)"
    )
    assert "already exists" in seen["en"] and "“Casebook" in seen["en"] and "Traceback" not in seen["en"]
    assert (work / "demo.xml").read_bytes() == before


def test_with_neither_casebook_the_case_is_shown_as_the_command_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = exam_folder(tmp_path / "work")
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(work / "demo.tbsession", work / "demo.xml")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"nouveau cas", "enter")
            seen["fr"] = await run_tool(app, pilot, screen, id="FSE-042", casebook="")
            seen["notice"] = str(screen.query_one("#notice", Static).content)
            assert field(screen, "casebook").value == ""

    asyncio.run(scenario())
    code, out, _ = cli(capsys, "new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042")
    assert code == 0 and '<case id="FSE-042"' in out
    assert seen["fr"] == f"{out}✔ terminé (code 0)"
    assert "à remplir" not in seen["notice"]
