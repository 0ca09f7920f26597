"""SVG snapshots of the key screens at two terminal sizes (pytest-textual-snapshot).

Snapshots live in tests/snapshots/test_tui_snapshots/. Regenerate after a deliberate change with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs. The screens show no
clock, no duration and no random id, so they are identical from run to run.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from pathlib import Path

import pytest
import pytest_textual_snapshot
from test_tui_helpers import make_app
from textual.widgets import Input

from testbench.tui.screens import AttestScreen

SIZES = [(100, 30), (140, 40)]


class TestbenchSVG(pytest_textual_snapshot.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(Path(test_location.filepath).parent / "snapshots" / Path(test_location.filepath).stem)


@pytest.fixture(autouse=True)
def snapshots_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", TestbenchSVG)


async def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def goto(pilot, case_id: str) -> None:
    app = pilot.app
    app.goto_case(app.ws.find(case_id).key)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_browser_and_case(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-MAN-003")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_expected_vs_observed(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-KO-002")
        await pilot.press("r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("3")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_manual_step_attestation(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-MAN-003")
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(pilot.app.screen, AttestScreen):
                break
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


def test_snapshot_linked_traces(snap_compare, tmp_path: Path) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-OK-001")
        await pilot.press("r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("4")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.query_one("#trace-bench").focus()
        await pilot.press("down", "down", "down")  # the engine pane follows to the same moment
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=(140, 40), run_before=before)


def test_snapshot_help(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=(100, 30), press=["f1"])
