"""SVG snapshots of the main screens at 160×48 and 80×24, and of the wide views at 100, 120 and 140 columns
(pytest-textual-snapshot).

Snapshots live in tests/snapshots/test_tui_snapshots/. Regenerate after a deliberate change with
``pytest tests/test_tui_snapshots.py --snapshot-update`` and review the SVGs. The screens show no
clock, no duration and no random id, so they are identical from run to run (the trace lines' capture
times are drawn as one fixed time).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from pathlib import Path

import pytest
import pytest_textual_snapshot
from test_tui_helpers import make_app, traces_indexed
from textual.widgets import Input, Tree

from testbench.store.read import read_session
from testbench.store.session import SessionStore
from testbench.traces.model import TraceLine
from testbench.tui import traceview
from testbench.tui.screens import AttestScreen, ReviewScreen

SIZES = [(160, 48), (80, 24)]
BY_SIZE = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
#: between the narrow layout and the wide one: the views keep their observed values and responses
MIDDLE_SIZES = [(100, 30), (120, 30), (140, 30)]


class TestbenchSVG(pytest_textual_snapshot.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(Path(test_location.filepath).parent / "snapshots" / Path(test_location.filepath).stem)


@pytest.fixture(autouse=True)
def snapshots_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", TestbenchSVG)
    monkeypatch.setattr(traceview, "clock_text", lambda wall: "09:30:00.000")  # no time of this run


async def no_blink(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def goto(pilot, case_id: str) -> None:
    app = pilot.app
    app.goto_case(app.ws.find(case_id).key)
    await pilot.pause()


async def run_case(pilot, case_id: str) -> None:
    await goto(pilot, case_id)
    await pilot.press("r")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def traces_loaded(pilot) -> None:
    """Reload the traces (the APDU lines added) and wait for the full index, step count included."""
    pilot.app.refresh_traces(force=True)
    await traces_indexed(pilot.app, pilot)


async def noticed(pilot) -> None:
    """The workstation's poll sees the session the test wrote beside it now, and its own writes that follow (the
    check of what changed), not at a moment of the snapshot's making: every 2 s it reads again a session changed
    since its last read, and its panes follow that read."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not pilot.app._session_changed():
            return
        pilot.app._poll_session()
    raise AssertionError("the session kept changing")


def add_apdu_lines(session: Path, case_id: str) -> None:
    """The fake bench exchanges no APDU: give the attempt a few, each beside a bench line (fixed texts)."""
    with read_session(session) as view:
        case = next(c for c in view.cases if c.case_id == case_id)
        attempt = case.latest.id
        bench = [line for line in view.trace_lines(attempt) if line.channel == "bench"]
    apdus = (
        "A>> 00 A4 04 00 07 A0 00 00 01 71 55 00  A<< 90 00 succès  [vitale@Virtual PCD 00 00]",
        "A>> 00 B0 00 00 00  A<< 65 11 93 0F ‹NIR masqué, 13 octets› 90 00 succès  [vitale@Virtual PCD 00 00]",
        "A>> 00 20 00 00 08 ‹code PIN masqué›  A<< 90 00 succès  [cps@Virtual PCD 00 01]",
    )
    lines = [
        TraceLine("apdu", line.mono_ns + 1, line.wall, text, "vitale", None, None, attempt, line.step_id)
        for line, text in zip(bench, apdus, strict=False)
    ]
    with SessionStore.open(session) as store:
        store.add_trace_lines(lines)


@BY_SIZE
def test_snapshot_browser_and_case(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-MAN-003")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_expected_vs_observed(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await run_case(pilot, "TC-KO-002")
        await pilot.press("3")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_manual_step_attestation(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await goto(pilot, "TC-MAN-003")
        await pilot.press("r")
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(pilot.app.screen, AttestScreen):
                break
        pilot.app.notify("carte retirée du lecteur vitale", severity="warning")  # inside, not over the fields
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_linked_traces(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await run_case(pilot, "TC-OK-001")
        add_apdu_lines(tmp_path / "exam.tbsession", "TC-OK-001")
        await noticed(pilot)
        await pilot.press("4")
        await traces_loaded(pilot)
        pilot.app.query_one("#trace-apdu").focus()
        await pilot.press("down")  # the other panes follow to the same moment
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_review_window_when_the_key_is_missing(
    snap_compare, tmp_path: Path, size, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESTBENCH_SIGNING_KEY", "/nonexistent/testbench/signing-key.pem")

    async def before(pilot) -> None:
        await run_case(pilot, "TC-KO-002")
        pilot.app.query_one("#tree", Tree).focus()
        await pilot.press("a")
        assert isinstance(pilot.app.screen, ReviewScreen)
        await pilot.press(*"arrondi", "ctrl+s")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_help(snap_compare, tmp_path: Path, size, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", "/home/examinateur/.config/testbench")  # shown in the help
    assert snap_compare(make_app(tmp_path), terminal_size=size, press=["f1"])


@BY_SIZE
def test_snapshot_exam_view(snap_compare, tmp_path: Path, size) -> None:
    async def before(pilot) -> None:
        await run_case(pilot, "TC-KO-002")
        progress = pilot.app.exam_progress
        progress.started = progress.finished - 83  # a fixed timer: the snapshot holds no duration of this run
        await pilot.press("7")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@BY_SIZE
def test_snapshot_run_options(snap_compare, tmp_path: Path, size) -> None:
    """``o``: parallel benches and a CI shard, each with what it means; a refused shard said on the window."""

    async def before(pilot) -> None:
        await pilot.press("o", "ctrl+u", "2", "tab", *"4/3", "enter")
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", MIDDLE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", ["3", "4", "7"])
def test_snapshot_wide_views_between_100_and_140_columns(snap_compare, tmp_path: Path, size, view) -> None:
    """Expected/observed, traces and exam views: the observed values, the sources and the APDUs' responses."""

    async def before(pilot) -> None:
        await run_case(pilot, "TC-KO-002")
        progress = pilot.app.exam_progress
        progress.started = progress.finished - 83  # a fixed timer, as in the exam view's snapshot
        add_apdu_lines(tmp_path / "exam.tbsession", "TC-KO-002")
        await noticed(pilot)
        await pilot.press(view)
        if view == "4":
            await traces_loaded(pilot)
        await pilot.pause()
        await no_blink(pilot)

    assert snap_compare(make_app(tmp_path), terminal_size=size, run_before=before)
