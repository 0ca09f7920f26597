"""``testbench verify`` and the workstation's « Vérifier un rapport » (one core, ``tools/verify.py``): a report
folder checked from the workstation says what the command says; a folder that holds no report at all is a
wrong folder (exit 3, the reports just below it named), not an altered report."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import shutil
from pathlib import Path

from test_tui_tools import SIZE, app_on, cli, demo_sessions, field, open_tool, run_tool, switch_language

from testbench.report.owner import default_folder


def test_the_workstation_verifies_a_report_folder_as_the_command_does(tmp_path: Path, capsys) -> None:
    a, b = demo_sessions(tmp_path)
    own, other = default_folder(b), tmp_path / "rapport-a"
    assert cli(capsys, "report", str(b), "-o", str(own))[0] == 0
    assert cli(capsys, "report", str(a), "-o", str(other))[0] == 0
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(b)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "ctrl+p", *"vérifier un rapport", "enter")
            seen["default"] = field(screen, "folder").value
            seen["fr"] = await run_tool(app, pilot, screen)
            seen["en"] = await switch_language(pilot, screen)
            seen["other"] = await run_tool(app, pilot, screen, folder=str(other))

    asyncio.run(scenario())
    assert seen["default"] == str(own)  # the book `g` writes beside the open session
    code, french, _ = cli(capsys, "verify", str(own), "--session", str(b))
    assert code == 0 and "NON SIGNÉ" in french
    assert seen["fr"] == f"{french}✔ terminé (code 0)"
    _, english, _ = cli(capsys, "verify", str(own), "--session", str(b), "--lang", "en")
    assert seen["en"] == f"{english}✔ done (code 0)"
    code, out, _ = cli(capsys, "verify", str(other), "--session", str(b), "--lang", "en")
    assert code == 1 and seen["other"] == f"{out}✘ failed (code 1)"  # another session's book
    assert "DIFFERENT SESSION" in out


def test_a_folder_with_no_report_is_a_wrong_folder_that_names_the_reports_below(tmp_path: Path, capsys) -> None:
    _, b = demo_sessions(tmp_path)
    books = tmp_path / "livres"
    assert cli(capsys, "report", str(b), "-o", str(books / "examen"))[0] == 0

    code, out, err = cli(capsys, "verify", str(books))
    assert (code, out) == (3, "")
    assert err == (
        f"testbench verify : {books} : pas un dossier de rapport (ni manifest.json ni index.html) ;"
        " rapports dessous : examen\n"
    )
    code, out, err = cli(capsys, "verify", str(books), "--lang", "en")
    assert code == 3
    english = "not a report folder (neither manifest.json nor index.html); reports below: examen"
    assert err == f"testbench verify: {books}: {english}\n"
    empty = tmp_path / "vide"
    empty.mkdir()
    assert cli(capsys, "verify", str(empty))[2].endswith(
        " : pas un dossier de rapport (ni manifest.json ni index.html)\n"
    )

    # a report whose manifest was removed is still a report, and it is altered
    (books / "examen" / "manifest.json").unlink()
    code, out, _ = cli(capsys, "verify", str(books / "examen"))
    assert code == 1 and out.endswith("ALTÉRÉ\n") and "manquant : manifest.json" in out
    for name in ("index.html", "report.json", "journal-chain.json"):  # gutted: its evidence is left
        (books / "examen" / name).unlink()
    assert cli(capsys, "verify", str(books / "examen"))[0] == 1
    shutil.rmtree(books / "examen")
    assert cli(capsys, "verify", str(books))[0] == 3
