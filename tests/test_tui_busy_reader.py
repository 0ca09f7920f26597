"""A reader another bench holds (audit 9, D12): the run view says so, whole, as soon as the bench finds it
held, instead of « Carte à insérer » for the half-minute the bench waits; when the other bench lets it
go, the case runs. Through pcscd and vpcd; the other bench is this test holding the reader's port lock."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import socket
from pathlib import Path

import pytest
from test_tui_helpers import demo_app, wait_run
from textual.widgets import Static

from testbench.cards.emulator_control import LOCK_PORT_OFFSET, PortLock
from testbench.cards.reader_pools import DEFAULT_READERS

CPS = DEFAULT_READERS["cps"]


def test_the_lock_says_once_why_it_waits_then_gives_up() -> None:
    held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1] - LOCK_PORT_OFFSET
        told: list[str] = []
        with pytest.raises(Exception, match="utilisé par un autre banc") as refused:
            PortLock(port).acquire(0.3, told.append)
        assert told == [str(refused.value)]  # once, with the reason the bench gives up with
    finally:
        held.close()


def test_the_run_view_says_at_once_that_the_reader_is_held_by_another_bench(
    vpcd_lock: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vitale = DEFAULT_READERS["vitale"]
    # one reader a slot: no spare to fall back on, the bench waits for this one
    monkeypatch.setenv("TESTBENCH_CARD_READERS", f"vitale={vitale.name}@{vitale.port},cps={CPS.name}@{CPS.port}")
    other_bench = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        other_bench.bind(("127.0.0.1", CPS.port + LOCK_PORT_OFFSET))
    except OSError:
        other_bench.close()
        pytest.skip(f"the port of {CPS.name} is held outside this test")

    async def scenario() -> None:
        app = demo_app(tmp_path, cards="pcsc")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.press("r", "2")
            prompt = app.query_one("#card-prompt", Static)
            for _ in range(400):
                if "occupé" in str(prompt.content):
                    break
                await pilot.pause(0.025)
            else:
                pytest.fail(f"the run view never said the reader is held: {prompt.content}")
            assert app.running
            await pilot.pause()
            shown = " ".join(" ".join(strip.text.split()) for strip in app.screen._compositor.render_strips())
            expected = (
                f"⚠ lecteur cps occupé : le port vpcd {CPS.port} est utilisé par un autre banc ou une autre "
                f"session de tests (verrou 127.0.0.1:{CPS.port + LOCK_PORT_OFFSET}) ; le banc attend qu'il se "
                "libère, 30 s au plus"
            )
            words = expected.split()
            # every word of the notice is on screen, the last one too (nothing cropped)
            assert all(word in shown for word in words), shown
            assert "30 s au plus" in shown
            other_bench.close()  # the other bench lets the reader go: the case runs
            await wait_run(app, pilot)
            entry = app.ws.find("DEMO-FSE-001")
            assert entry.view is not None and entry.view.attempts[-1].verdict == "pass", entry.view.attempts[-1]

    try:
        asyncio.run(scenario())
    finally:
        other_bench.close()
