"""What the workstation says when something fails that it did not expect (Pilot, session file on disk).

A defect reads « défaut du banc : … » with where its details were written, never a Python exception's class
name or repr (« KeyError: 'x' »): in the run, the report, the readers' window (and the tools, in
test_tui_tools_form). A start-up integrity check that cannot be made is said (« intégrité non vérifiée :
… »): before, the worker ended quietly and the person believed the session verified.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import errno
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from test_tui_app import select, text_of
from test_tui_helpers import make_app, run_log, toasts, wait_run
from textual.widgets import Static

from testbench.tui.bench_view import BenchScreen
from testbench.tui.fault import fault_text
from testbench.tui.texts import make_translator

SIZE = (130, 40)
DETAILS = re.compile(r"est dans (\S+\.txt)")


@pytest.fixture(autouse=True)
def temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The details files go to the test's folder, not the machine's temporary folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def broken(*_args: object, **_kwargs: object) -> Any:
    raise KeyError("x")


def no_class_name(text: str) -> None:
    assert "KeyError" not in text and "'x'" not in text, text


def details_of(text: str) -> str:
    found = DETAILS.search(text)
    assert found, text
    return Path(found[1]).read_text(encoding="utf-8")


def test_a_defect_is_the_benchs_with_where_its_details_are_in_both_languages() -> None:
    said = fault_text(KeyError("x"), "exécution des cas")
    no_class_name(said)
    assert said.startswith("défaut du banc : erreur interne de testbench ; le détail, pour la signaler, est dans ")
    details = details_of(said)
    assert "poste de travail (testbench ui) : exécution des cas" in details and "KeyError: 'x'" in details
    english = make_translator("en")(said)
    assert english.startswith("bench fault: testbench internal error; the details, to report it, are in "), english


def test_a_system_error_or_a_damaged_session_is_said_in_their_words() -> None:
    t = make_translator("en")
    refused = fault_text(PermissionError(errno.EACCES, "Permission denied", "/media/cle/x"), "rapport")
    assert refused == "défaut du banc : /media/cle/x : accès impossible (accès refusé (droits insuffisants))"
    assert t(refused) == "bench fault: /media/cle/x: cannot be accessed (access denied (insufficient rights))"
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    damaged.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
    assert fault_text(damaged, "rapport") == (
        "défaut du banc : fichier de session endommagé ou illisible (base SQLite endommagée)"
    )


def test_a_run_that_fails_on_a_defect_says_it_without_the_exception_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("testbench.tui.run_handlers.run_cases", broken)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await select(app, pilot, "TC-OK-001")
            await pilot.press("r")
            await wait_run(app, pilot)
            seen["log"] = run_log(app)
            await pilot.press("f2")
            await pilot.pause()
            seen["status"] = str(app.query_one("#run-status", Static).render())

    asyncio.run(scenario())
    no_class_name(seen["log"] + seen["status"])
    assert "✘ exécution impossible : défaut du banc : erreur interne de testbench ; le détail" in seen["log"]
    assert "KeyError: 'x'" in details_of(seen["log"])
    assert "cannot run: bench fault: testbench internal error; the details" in seen["status"], seen["status"]


def test_a_report_that_fails_on_a_defect_says_it_without_the_exception_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("testbench.report.build.build_report", broken)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("g")
            await app.workers.wait_for_complete()
            await pilot.pause()
            seen["log"] = run_log(app)

    asyncio.run(scenario())
    no_class_name(seen["log"])
    assert "✘ Rapport impossible : défaut du banc : erreur interne de testbench ; le détail" in seen["log"]


def test_the_readers_window_says_a_defect_without_the_exception_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("testbench.tui.bench_view.readers_content", broken)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("l")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, BenchScreen)
            seen["window"] = app.screen.query_one("#bench-text", Static).render().plain  # type: ignore[union-attr]

    asyncio.run(scenario())
    no_class_name(seen["window"])
    assert seen["window"].startswith("bench fault: testbench internal error; the details, to report it, are in ")


def unchecked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: Exception, lang: str = "fr") -> dict[str, str]:
    """The workstation opened while the integrity check fails with ``exc``: what it says, and where."""

    def failing(_path: Path) -> Any:
        raise exc

    monkeypatch.setattr("testbench.integrity.verify.verify_session", failing)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.flush_panel()
            seen["log"] = run_log(app)
            seen["toasts"] = toasts(app)
            await pilot.press("5")
            await pilot.pause()
            seen["overview"] = text_of(app, "#overview-detail")

    asyncio.run(scenario())
    return seen


def test_an_integrity_check_on_a_damaged_session_is_said_unverified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    damaged.sqlite_errorcode = sqlite3.SQLITE_CORRUPT  # type: ignore[attr-defined]
    seen = unchecked(tmp_path, monkeypatch, damaged)
    said = "intégrité non vérifiée : fichier de session endommagé ou illisible (base SQLite endommagée)"
    assert f"⚠ {said}" in seen["log"], seen["log"]
    assert said in seen["toasts"], seen["toasts"]
    assert said in seen["overview"], seen["overview"]


def test_an_integrity_check_the_system_refuses_is_said_unverified_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = tmp_path / "exam.tbsession"
    seen = unchecked(tmp_path, monkeypatch, PermissionError(errno.EACCES, "Permission denied", str(session)), "en")
    said = f"integrity not verified: {session}: cannot be accessed (access denied (insufficient rights))"
    assert f"⚠ {said}" in seen["log"], seen["log"]
    assert said in " ".join(seen["overview"].split()), seen["overview"]


def test_an_integrity_check_that_fails_on_a_defect_is_said_unverified_with_its_details(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = unchecked(tmp_path, monkeypatch, KeyError("x"))
    no_class_name(seen["log"])
    assert "⚠ intégrité non vérifiée : défaut du banc : erreur interne de testbench ; le détail" in seen["log"]
    assert "vérification de l'intégrité de la session" in details_of(seen["log"])
