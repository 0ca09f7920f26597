"""The workstation's run options: parallel benches (``run --workers N``) and a CI shard (``run --shard K/N``).

Driven with Pilot, keys only: ``o`` opens the window, the fields are typed, Enter applies. The runs go
through the campaign of ``testbench run`` (real in-process bench on the demo casebook for the parallel
run), and a shard session is recorded as ``testbench run --shard K/N`` records it, so ``testbench merge``
takes it with the CI's shards.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from test_tui_app import select, text_of
from test_tui_helpers import make_app, wait_run
from textual.widgets import Input, Static

from testbench.casebook.loader import load_casebooks
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.options import BenchOptions, CampaignOptions, CaptureOptions
from testbench.runner.shard import Shard, read_record, shard_record, shard_slice
from testbench.store.read import SHARD_META
from testbench.store.session import SessionStore
from testbench.tui.config import Settings, UiState
from testbench.tui.run_options import RunChoice, read_choice
from testbench.tui.run_options_screen import RunOptionsScreen
from testbench.tui.workstation import Workstation

SIZE = (130, 40)


async def choose(pilot, workers: str | None = None, shard: str | None = None) -> None:
    """``o``, then the fields as typed at the keyboard (each emptied first), then Enter."""
    await pilot.press("o")
    assert isinstance(pilot.app.screen, RunOptionsScreen)
    for field, value in (("#workers", workers), ("#shard", shard)):
        if value is not None:
            pilot.app.screen.query_one(field, Input).focus()
            await pilot.press("ctrl+u", *value)  # ctrl+u: delete what is left of the cursor
    await pilot.press("enter")
    await pilot.pause()


def runs_of(session: Path) -> list[tuple[dict, dict]]:
    with sqlite3.connect(session) as conn:
        rows = conn.execute("SELECT options, environment FROM runs ORDER BY id").fetchall()
    return [(json.loads(options), json.loads(environment)) for options, environment in rows]


def demo_app(tmp: Path, session: str, options: CampaignOptions | None = None):
    """The demo casebook on the real bench assembled in process, as ``testbench ui`` opens it: no bench
    factory, the campaign assembles its benches from the options."""
    from testbench.tui.app import WorkstationApp

    options = options or CampaignOptions(bench=BenchOptions(engine="inprocess", cards="inprocess"))
    return WorkstationApp(
        Workstation(load_casebooks([CASEBOOKS_DIR / "demo.xml"]), tmp / session),
        settings=Settings(operator="Opératrice Test"),
        state=UiState(tmp / "cfg"),
        options=options,
    )


def test_parallel_benches_chosen_at_the_keyboard_run_as_run_workers(tmp_path: Path) -> None:
    """``o``, 2, Enter: the filtered cases run on two benches (two reader pairs), verdicts as a serial run."""

    async def run(session: str, workers: str) -> dict[str, str]:
        app = demo_app(tmp_path, session)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, workers=workers)
            assert app.campaign_options.workers == int(workers)
            await pilot.press("5")
            shown = "Exécution : 2 bancs en parallèle" if workers == "2" else "Exécution : un banc"
            assert shown in text_of(app, "#overview-detail")
            app.query_one("#filter", Input).value = "tag:lpp"  # cases with no manual step
            await pilot.pause()
            await pilot.press("s")
            await wait_run(app, pilot)
            return {e.case.id: e.verdict for e in app.ws.entries if e.latest is not None}

    async def scenario() -> None:
        parallel = await run("parallel.tbsession", "2")
        serial = await run("serial.tbsession", "1")
        assert len(parallel) >= 3 and parallel == serial
        ((options, environment),) = runs_of(tmp_path / "parallel.tbsession")
        assert options["workers"] == 2
        assert len(environment["workers"]) == 2  # one bench per worker, each with its own cards
        ((options, environment),) = runs_of(tmp_path / "serial.tbsession")
        assert "workers" not in options and "workers" not in environment

    asyncio.run(scenario())


def test_a_shard_chosen_at_the_keyboard_is_recorded_as_run_shard_and_x_runs_only_its_cases(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            cases = [(e.casebook, e.case) for e in app.ws.entries]
            # the shard without the manual case: x then runs with no one at the keyboard
            index = next(k for k in (1, 2) if all(c.id != "TC-MAN-003" for _, c in shard_slice(cases, Shard(k, 2))))
            expected = shard_slice(cases, Shard(index, 2))
            await choose(pilot, shard=f"{index}/2")
            assert not isinstance(app.screen, RunOptionsScreen)
            # recorded exactly as `testbench run CASEBOOK --shard K/2` records it: testbench merge takes it
            with SessionStore.open(app.ws.session_path) as store:
                assert store.meta(SHARD_META) == shard_record(Shard(index, 2), cases)
                assert store.selection() == [(cb.sha256, c.id) for cb, c in expected]
            await pilot.press("5")
            assert f"partition {index}/2" in text_of(app, "#overview-detail")
            await pilot.press("x")
            await wait_run(app, pilot)
            ran = sorted(e.case.id for e in app.ws.entries if e.latest is not None)
            assert ran == sorted(c.id for _, c in expected)
            ((options, _),) = runs_of(app.ws.session_path)
            assert options["shard"] == f"{index}/2"
            # the filtered set (s) of a shard session: only the shard's cases among those shown
            app.query_one("#filter", Input).value = "TC"
            await pilot.pause()
            await pilot.press("s")
            await wait_run(app, pilot)
            assert [e.case.id for e in app.ws.entries if len(e.view.attempts if e.view else ()) == 2] == [
                c.id for _, c in expected
            ]
        # reopened, the session is still the shard; the field emptied, the whole campaign again
        again = make_app(tmp_path)
        async with again.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert again.ws.shard == Shard(index, 2)
            assert again.campaign_options.selection.shard == f"{index}/2"
            await choose(pilot, shard="")
            assert again.ws.shard is None and again.campaign_options.selection.shard is None
            with SessionStore.open(again.ws.session_path) as store:
                assert read_record(store.meta(SHARD_META)) is None
                assert store.selection() == [(cb.sha256, c.id) for cb, c in cases]

    asyncio.run(scenario())


def test_in_a_shard_session_r_still_runs_the_case_chosen(tmp_path: Path) -> None:
    """docs/tui.md: the shard limits the selection and the rest, not ``r`` on a case outside it."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            cases = [(e.casebook, e.case) for e in app.ws.entries]
            inside = {c.id for _, c in shard_slice(cases, Shard(1, 2))}
            outside = next(c.id for _, c in cases if c.id not in inside and c.id != "TC-MAN-003")
            await choose(pilot, shard="1/2")
            assert app.ws.shard == Shard(1, 2)
            await select(app, pilot, outside)
            await pilot.press("r")
            await wait_run(app, pilot)
            assert [e.case.id for e in app.ws.entries if e.latest is not None] == [outside]

    asyncio.run(scenario())


def test_what_the_runner_refuses_is_said_in_the_window_in_english_too(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = make_app(tmp_path, lang="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, workers="0")
            screen = app.screen
            assert isinstance(screen, RunOptionsScreen)  # the window stays, with what was typed
            notice = str(screen.query_one("#notice", Static).render())
            assert notice == "Parallel benches: a number of benches ≥ 1, not “0”"  # the field, not --workers
            await pilot.press("ctrl+u", "2", "tab", *"5/3", "enter")
            notice = str(screen.query_one("#notice", Static).render())
            assert notice == "CI shard: K/N with 1 ≤ K ≤ N ≤ 10000 (for example 2/4), not “5/3”"
            assert app.screen is screen and screen.query_one("#workers", Input).value == "2"
            await pilot.press("escape")  # nothing changed
            assert app.campaign_options.workers == 1 and app.ws.shard is None
        # the application's log followed: one bench only, in the campaign's own words
        followed = CampaignOptions(capture=CaptureOptions(app_logs=[str(tmp_path / "app.log")]))
        app = make_app(tmp_path, lang="en")
        app.campaign_options = followed
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, workers="2")
            notice = str(app.screen.query_one("#notice", Static).render())
            one_bench = "one bench only when the application under test is followed (logs, profile, operator)"
            assert notice == f"Parallel benches: {one_bench}"  # the field, not --workers
            assert followed.workers == 1

    asyncio.run(scenario())


def test_every_field_s_problem_is_said_at_once_by_its_label_never_a_cli_flag(tmp_path: Path) -> None:
    """Workers ``0`` and shard ``5/2`` typed together: both problems on the notice line, one a line, each
    named by the field's label as the window shows it (« Bancs en parallèle », « Partition CI »)."""

    async def scenario() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, workers="0", shard="5/2")
            screen = app.screen
            assert isinstance(screen, RunOptionsScreen)
            notice = str(screen.query_one("#notice", Static).render())
            assert notice.splitlines() == [
                "Bancs en parallèle : un nombre de bancs ≥ 1, pas « 0 »",
                "Partition CI : K/N avec 1 ≤ K ≤ N ≤ 10000 (par exemple 2/4), pas « 5/2 »",
            ]
            assert "--" not in notice
            await pilot.press("escape")
            assert app.campaign_options.workers == 1 and app.ws.shard is None

    asyncio.run(scenario())
    assert read_choice("deux", "1/x") == [
        "Bancs en parallèle : un nombre de bancs ≥ 1, pas « deux »",
        "Partition CI : K/N avec 1 ≤ K ≤ N ≤ 10000 (par exemple 2/4), pas « 1/x »",
    ]
    assert read_choice(" 2 ", " 1/3 ") == RunChoice(2, Shard(1, 3))
    assert read_choice("", "") == RunChoice(1, None)


def test_a_workstation_shard_merges_with_a_ci_shard_into_the_whole_campaign(tmp_path: Path) -> None:
    """Shard 1/2 by ``testbench run --shard 1/2``, shard 2/2 chosen in the workstation: ``testbench merge``
    finds no shard missing and gives the whole campaign in its order."""
    from testbench.cli.main import main

    demo = CASEBOOKS_DIR / "demo.xml"
    ci, ws, merged = (tmp_path / f"{name}.tbsession" for name in ("ci-1", "ws-2", "merged"))
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    assert main(["run", str(demo), "--session", str(ci), "--shard", "1/2", *bench]) in (0, 1, 2)

    async def scenario() -> None:
        app = demo_app(tmp_path, ws.name)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, shard="2/2")
            assert app.ws.shard == Shard(2, 2)

    asyncio.run(scenario())
    assert main(["merge", str(ci), str(ws), "-o", str(merged)]) == 0  # a missing shard would be refused (3)
    (casebook,) = load_casebooks([demo])
    with SessionStore.open(merged) as store:
        assert store.selection() == [(casebook.sha256, case.id) for case in casebook.cases]


def test_ui_workers_runs_on_that_many_benches_each_on_its_own_readers(
    vpcd_lock: list[str], tmp_path: Path, monkeypatch
) -> None:
    """``testbench ui --workers 2`` through pcscd: the workstation opens with two benches chosen, and the
    campaign assembles each on its own reader pair, as ``testbench run --workers 2`` does."""
    from testbench.cli.main import main
    from testbench.tui.app import WorkstationApp

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    session = tmp_path / "ui.tbsession"
    seen: dict[str, object] = {}

    async def scenario(app: WorkstationApp) -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            seen["workers"], seen["factory"] = app.campaign_options.workers, app.bench_factory
            app.query_one("#filter", Input).value = "tag:lpp"  # cases with no manual step
            await pilot.pause()
            await pilot.press("s")
            await wait_run(app, pilot)
            seen["verdicts"] = {e.case.id: e.verdict for e in app.ws.entries if e.latest is not None}

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))  # the app exactly as ``testbench ui`` built it, driven by Pilot
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    assert main(["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--engine", "inprocess",
                 "--workers", "2"]) == 0  # fmt: skip
    assert seen["workers"] == 2 and seen["factory"] is None
    verdicts = seen["verdicts"]
    assert isinstance(verdicts, dict) and len(verdicts) >= 3, verdicts
    assert verdicts.pop("DEMO-FSE-099") == "fail"  # the case built to fail, as in a serial run
    assert set(verdicts.values()) == {"pass"}, verdicts
    ((options, environment),) = runs_of(session)
    assert options["workers"] == 2
    benches = environment["workers"]
    assert len(benches) == 2 and all("pcscd" in b for b in benches) and benches[0] != benches[1], benches


def test_ui_refuses_a_workers_option_the_campaign_refuses(tmp_path: Path, monkeypatch, capsys) -> None:
    from testbench.cli.main import main

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    demo = str(CASEBOOKS_DIR / "demo.xml")
    session = tmp_path / "ui.tbsession"
    with pytest.raises(SystemExit) as refused:  # at parsing (testbench.runner.options.worker_count)
        main(["ui", demo, "--session", str(session), "--workers", "0", "--lang", "en"])
    assert refused.value.code == 3
    assert main(["ui", demo, "--session", str(session), "--workers", "2", "--syslog", "0", "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert "testbench ui: error: argument --workers: a number of benches from 1 to 64, not “0”" in err
    assert "testbench ui: --workers: one bench only when the application under test is followed" in err
    assert not session.exists()
