"""Corrections typed in the window of the values read survive a ``kill -9`` of the workstation (assisted operator
mode): kept beside the session as they are typed, in the manual steps' drafts file, they are offered back — pre-filled,
marked recovered, never applied unasked — when the attempt continues and the step's values are shown again; once the
values are accepted and recorded, the draft is gone. They used to be lost without a word.

A real workstation process in a terminal (tmux) on a stand-in application (real files, a real log), killed with
SIGKILL; then reopened (Pilot) on the same session, the case continued."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import contextlib
import json
import shutil
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from test_assisted_engine import StandInApplication, _observations
from test_tui_assisted import TIMEOUT, _application, _until
from test_tui_tmux import Terminal, terminal  # noqa: F401 - the fixture is used by name

from testbench.cli.main import main
from testbench.tui.workstation import draft_path

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None or not Path("/proc/self/task").is_dir(), reason="tmux absent"
)


def _ui(tmp_path: Path, book: Path, app_dir: Path, session: Path) -> str:
    """The workstation in assisted operator mode, as a person starts it (exec: the pane's process is it)."""
    env = f"-u COLUMNS -u LINES TESTBENCH_CONFIG_DIR={tmp_path / 'cfg'} XDG_DATA_HOME={tmp_path / 'data'}"
    args = f"--session {session} --cards inprocess --engine operator --engine-timeout {TIMEOUT}"
    args += f" --sut-profile {app_dir / 'sut.toml'} --operator Camille"
    return f"cd {Path.cwd()} && exec env {env} TEXTUAL_ANIMATIONS=none {sys.executable} -m testbench ui {book} {args}"


def _kept(session: Path, typed: str, timeout: float = 20.0) -> None:
    """Wait until the drafts file beside ``session`` holds ``typed`` (written a short pause after the change)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if typed in draft_path(session).read_text(encoding="utf-8"):
                return
        time.sleep(0.1)
    pytest.fail(f"« {typed} » never kept beside {session}")


def _killed_over_the_values_read(tmp_path: Path, terminal: Terminal) -> tuple[Path, Path, Path]:  # noqa: F811
    """T-FIX run to its values read, the AMO corrected with its reason, then the workstation killed (SIGKILL)."""
    app_dir, book = _application(tmp_path)
    session = tmp_path / "k.tbsession"
    terminal.tmux("new-session", "-d", "-s", "ui", "-x", "160", "-y", "48", _ui(tmp_path, book, app_dir, session))
    terminal.wait_for("T-FIX", "1 cas")
    terminal.keys("r")
    terminal.wait_for("Étape manuelle T-FIX / s-invoice")
    # the person performs the invoice in the application (the stand-in writes its FSE and its log line)
    invoice = SimpleNamespace(params={"engine_call": "create_invoice"}, observe=(), instruction="")
    StandInApplication(app_dir).perform(SimpleNamespace(id="T-FIX"), invoice)
    terminal.burst("0,00")  # the Dépassement, the one value no extractor reads
    terminal.wait_for("0,00")
    _kept(session, "0,00")  # kept as typed (a pause after the change) before the person confirms
    terminal.keys("C-s")
    shown = ("Valeurs lues dans le logiciel T-FIX / s-invoice", "Part AMO (invoice.totals.amo)", "observé 33,00")
    terminal.wait_for(*shown)  # the AMO as the application wrote it
    # from the first value read to the AMO's (the 4th read: numéro, facturé, base, AMO), corrected, with its reason
    terminal.burst("\t" * 6)
    terminal.keys(*["BSpace"] * 5)
    terminal.burst("33,60\tlu a l'ecran")
    terminal.wait_for("lu a l'ecran", "33,60")
    _kept(session, "lu a l'ecran")  # a person's pause: no key confirms anything
    pid = int(terminal.tmux("display", "-p", "-t", "ui", "#{pane_pid}").strip())
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    terminal.tmux("kill-server")
    return app_dir, book, session


def test_corrections_typed_over_the_values_read_come_back_after_kill_9(
    tmp_path: Path,
    terminal: Terminal,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.widgets import Input, Static

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ExtractedScreen

    app_dir, book, session = _killed_over_the_values_read(tmp_path, terminal)
    kept = json.dumps(json.loads(draft_path(session).read_text(encoding="utf-8")), ensure_ascii=False)
    assert "33,60" in kept and "lu a l'ecran" in kept, kept  # written as typed, before the kill

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seen: dict[str, Any] = {}

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            seen["opening"] = [n.message for n in app._notifications]
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")  # the attempt continues at s-invoice: what the application wrote is its own
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the invoice asked again")
            first = app.screen
            await pilot.pause()
            seen["manual"] = {k: first.query_one(f"#value-{n}", Input).value for n, (k, _, _) in enumerate(first.hints)}
            seen["manual notice"] = str(first.query_one("#notice", Static).render())
            await pilot.press("ctrl+s")  # done in the application before the kill: the Dépassement recovered
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read shown again")
            window = app.screen
            await pilot.pause()
            n = [item.path for item in window.request.extracted].index("invoice.totals.amo")
            seen["value"] = window.query_one(f"#value-{n}", Input).value
            seen["reason"] = window.query_one(f"#reason-{n}", Input).value
            seen["notice"] = str(window.query_one("#notice", Static).render())
            seen["heading"] = str(window.query(".heading")[n].render())
            await pilot.press("enter")  # confirmed now, by the person
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the next step asked")
            await pilot.press("ctrl+t")  # s-secure left pending: s-invoice is recorded
            await _until(pilot, lambda: not app.running, "the run stopped")

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", str(TIMEOUT), "--sut-profile", str(app_dir / "sut.toml"), "--operator", "Camille"]
    assert main(argv) == 0

    offered = [said for said in seen["opening"] if "corrections tapées dans la fenêtre des valeurs lues" in said]
    assert offered and "invoice.totals.amo = 33,60 (motif : lu a l'ecran)" in offered[0], seen["opening"]
    assert "seront proposées de nouveau" in offered[0], offered
    assert seen["manual"] == {"invoice.totals.depassement": "0,00"}, seen  # the manual window's own draft
    assert (seen["value"], seen["reason"]) == ("33,60", "lu a l'ecran"), seen
    assert seen["notice"].startswith("Corrections récupérées : tapées dans cette fenêtre avant la fermeture"), seen
    assert "correction récupérée, à confirmer" in seen["heading"], seen
    amo = _observations(session)["T-FIX"]["invoice.totals.amo"]
    assert (amo["value"], amo["source"]) == ("33.60", "correction"), amo  # applied once confirmed, not before
    assert amo["provenance"]["correction"]["reason"] == "lu a l'ecran"
    drafts = json.loads(draft_path(session).read_text(encoding="utf-8")) if draft_path(session).exists() else {}
    assert not [name for name in drafts if "s-invoice" in name], drafts  # recorded: nothing left to offer back
