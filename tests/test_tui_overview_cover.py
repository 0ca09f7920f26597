"""The overview (key 5) lists the exam book's cover as the session gives it, in the language shown (F2), each
required field the session does not name yet said « à renseigner »: the engineer checks the identity of the
exam before generating the book (``g``), with the lines the book itself prints (testbench.report.cover).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import html
import re
from pathlib import Path

from markupsafe import escape
from test_tui_app import select, text_of
from test_tui_helpers import fake_bench, sample_casebook, wait_run

from testbench.report.html import write_report
from testbench.runner.options import CampaignOptions, Identity
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

SIZE = (130, 40)


def identity_app(tmp: Path, identity: Identity):
    """The workstation on the sample casebook, its runs naming ``identity`` (``--sut``, ``--agrement``…)."""
    from testbench.tui.app import WorkstationApp

    app = WorkstationApp(
        Workstation([sample_casebook(tmp)], tmp / "exam.tbsession"),
        bench_factory=fake_bench,
        settings=Settings(lang="fr", operator="Opératrice Test"),
        state=UiState(tmp / "config"),
        options=CampaignOptions(identity=identity),
    )
    app.animation_level = "none"
    return app


async def overview(app, pilot) -> str:
    await pilot.press("5")
    await pilot.pause()
    return text_of(app, "#overview-detail")


def book_cell(report: Path, label: str) -> str:
    """The text of the exam book's cover line ``label`` (its <td>), as the HTML prints it."""
    page = report.read_text(encoding="utf-8")
    head = f"<tr><th>{escape(label)}</th><td>"
    start = page.index(head) + len(head)
    return html.unescape(page[start : page.index("</td>", start)])


def test_the_overview_lists_the_product_version_agrement_and_operator_of_the_session(tmp_path: Path) -> None:
    identity = Identity(sut="Logiciel Démo", sut_version="4.2.1", agrement="AG-2026-017", operator="Alice Martin")

    async def scenario() -> None:
        app = identity_app(tmp_path, identity)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # a new session names nothing yet: what the next run records is said beside each field to fill in
            text = await overview(app, pilot)
            assert "Page de garde du cahier d'examen" in text
            assert "⚠ N° d'agrément ou de test : à renseigner (prochaine exécution : AG-2026-017)" in text
            assert "⚠ Opérateur : à renseigner (prochaine exécution : Alice Martin)" in text
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            text = await overview(app, pilot)
            assert "  Logiciel testé : Logiciel Démo — version 4.2.1" in text
            assert "  N° d'agrément ou de test : AG-2026-017" in text
            assert "  Opérateur : Alice Martin" in text
            assert "  Cahier de tests : PDT-TEST-001 EV1 — version 01.00 (01/01/2026)" in text
            assert "à renseigner" not in text and "⚠" not in text
            # the time spent as the book writes a duration: « 0,4 s », « 350 ms », never Python's « 00.4 s »
            assert re.search(r"Temps passé : (\d+ ms|\d+(,\d)? s|\d+ min \d\d s) \(1 tentative\)", text), text
            await pilot.press("f2")
            await pilot.pause()
            text = text_of(app, "#overview-detail")
            assert "Exam book cover" in text
            assert "  Software under test: Logiciel Démo — version 4.2.1" in text
            assert "  Agrément or test number: AG-2026-017" in text
            assert "  Operator: Alice Martin" in text
            assert "Page de garde" not in text and "Logiciel testé" not in text

    asyncio.run(scenario())
    # the book built from the session prints the same lines
    for lang, labels in (
        ("fr", ("Logiciel testé", "N° d'agrément ou de test", "Opérateur")),
        ("en", ("Software under test", "Agrément or test number", "Operator")),
    ):
        report = write_report(tmp_path / "exam.tbsession", tmp_path / f"book-{lang}", lang)
        cells = [book_cell(report, label) for label in labels]
        assert cells == ["Logiciel Démo — version 4.2.1", "AG-2026-017", "Alice Martin"]


def test_an_empty_agrement_is_flagged_to_be_filled_in(tmp_path: Path) -> None:
    identity = Identity(sut="Logiciel Démo", sut_version="4.2.1", operator="Alice Martin")  # no --agrement

    async def scenario() -> None:
        app = identity_app(tmp_path, identity)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            text = await overview(app, pilot)
            assert "⚠ N° d'agrément ou de test : à renseigner\n" in text  # the next run names none either
            assert "  Logiciel testé : Logiciel Démo — version 4.2.1" in text
            assert "  Opérateur : Alice Martin" in text
            assert text.count("à renseigner") == 1
            await pilot.press("f2")
            await pilot.pause()
            text = text_of(app, "#overview-detail")
            assert "⚠ Agrément or test number: to be filled in\n" in text
            assert "à renseigner" not in text

    asyncio.run(scenario())
    # the book still says what it says of a value not recorded
    assert book_cell(write_report(tmp_path / "exam.tbsession", tmp_path / "book"), "N° d'agrément ou de test") == (
        "non renseigné"
    )
