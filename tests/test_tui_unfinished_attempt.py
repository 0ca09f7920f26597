"""A case left with an operator step pending, run again from the workstation in a new attempt (audit 9 A,
finding 5).

``r`` offers to continue the attempt at its pending step (tests/test_operator_resume_tui.py); here the
operator chooses a new attempt (``n``): the case runs again from its first step. The workstation says so
before it runs (the steps already done in the application are asked again), and what the operator gave in
the unfinished attempt — a corrected value and its reason — stays in the exam book, under that attempt.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_assisted_engine import StandInApplication
from test_tui_assisted import _application, _until, confirm
from textual.widgets import Log

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.store.read import read_session

REPO = Path(__file__).resolve().parents[1]


def test_a_pending_step_run_again_says_it_restarts_and_the_report_keeps_what_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tui_helpers import wait_run

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen, ContinueScreen, ExtractedScreen

    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app_dir, book = _application(tmp_path)  # case T-FIX: the application writes an AMO of 33.00
    application = StandInApplication(app_dir)
    session = tmp_path / "s.tbsession"
    seen: dict[str, Any] = {}

    async def perform(app: WorkstationApp, pilot, step_id: str, *keys: str) -> None:
        await _until(pilot, lambda: isinstance(app.screen, AttestScreen), f"the bench asks for {step_id}")
        assert app.screen.request.step.id == step_id
        application.perform(app.screen.request.case, app.screen.request.step)
        await pilot.press(*keys)
        await confirm(app, pilot)

    async def correct_amo(app: WorkstationApp, pilot) -> None:
        await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the values read are shown")
        n = [item.path for item in app.screen.request.extracted].index("invoice.totals.amo")
        await pilot.press(*["tab"] * (2 * n), *["backspace"] * 5, *"33.60", "tab", *"vu a l'ecran", "enter")

    async def first(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            await pilot.press("r")
            await perform(app, pilot, "s-invoice", *"0.00")  # the overrun the screen shows, keyed in
            await correct_amo(app, pilot)
            await _until(pilot, lambda: isinstance(app.screen, AttestScreen), "the bench asks for s-secure")
            await pilot.press("ctrl+q")  # the operator leaves, the step pending

    async def second(app: WorkstationApp) -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("T-FIX").key)
            notices: list[str] = []
            original = app.notify
            monkeypatch.setattr(app, "notify", lambda text, **kw: (notices.append(str(text)), original(text, **kw)))
            await pilot.press("r")
            await _until(pilot, lambda: isinstance(app.screen, ContinueScreen), "continue or a new attempt")
            await pilot.press("n")  # a new attempt
            await perform(app, pilot, "s-invoice")  # from the first step again: said before it ran
            app.flush_panel()
            seen["log"] = "\n".join(str(line) for line in app.query_one("#run-log", Log).lines)
            seen["notices"] = notices
            await correct_amo(app, pilot)
            await perform(app, pilot, "s-secure")
            await perform(app, pilot, "s-lot")
            await _until(pilot, lambda: isinstance(app.screen, ExtractedScreen), "the lot's values are shown")
            await pilot.press("enter")
            await wait_run(app, pilot)

    scenario = first

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    argv = ["ui", str(book), "--session", str(session), "--cards", "inprocess", "--engine", "operator"]
    argv += ["--engine-timeout", "2", "--sut-profile", str(app_dir / "sut.toml")]
    assert main(argv) == 0
    with read_session(session) as view:
        (case,) = view.cases
        assert [a.verdict for a in case.attempts] == ["pending"]
    scenario = second
    assert main(argv) == 0

    unfinished = "T-FIX : la tentative 1 est restée inachevée (étape s-secure en attente de l'opérateur"
    restarts = (
        " ; le cas reprend à sa première étape, dans une nouvelle tentative : les étapes déjà faites dans le"
        " logiciel sont à refaire (la tentative 1 reste dans l'historique et le rapport, avec les valeurs données)"
    )
    said = next(line for line in seen["log"].splitlines() if unfinished in line)
    assert restarts in said and said.index(restarts) > said.index(unfinished), said
    assert seen["log"].index(said) < seen["log"].index("✋ s-invoice")  # said before the first step is asked
    assert any(n.startswith(unfinished) and restarts in n for n in seen["notices"]), seen["notices"]

    for lang in ("fr", "en"):
        built = build_report(session, tmp_path / f"report-{lang}", BuildOptions(junit=False, lang=lang))
        report = json.loads((built.folder / "report.json").read_text(encoding="utf-8"))
        schema = json.loads((REPO / "testbench/report/schema/report-1.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(report, schema)
        (case_json,) = report["cases"]
        first_attempt, latest = case_json["attempts"]
        assert first_attempt["verdict"] == "pending" and latest["verdict"] in ("pass", "fail")  # ran to its end
        given = next(g for g in first_attempt["given"] if g["source"] == "correction")  # in attempt 1
        assert (given["step"], given["path"], given["value"], given["source"]) == (
            "s-invoice",
            "invoice.totals.amo",
            "33.60",
            "correction",
        )
        keyed = next(g for g in first_attempt["given"] if g["source"] == "operator")
        assert (keyed["step"], keyed["path"], keyed["value"], keyed["origin"]) == (
            "s-invoice",
            "invoice.totals.depassement",
            "0.00",
            "",
        )
        assert {g["source"] for g in first_attempt["given"]} == {"operator", "correction"}  # what the person gave
        assert "given" not in latest  # the latest attempt's values are its observations
        html = built.html.read_text(encoding="utf-8").replace("&#39;", "'")
        if lang == "fr":
            corrected = "corrigé par l'opérateur : 33,60\u00a0€ au lieu de 33,00\u00a0€ lu dans T-FIX.xml"
            assert given["origin"].startswith(corrected)
            assert given["origin"].endswith("motif : vu a l'ecran")
            assert "Donné par l'opérateur : " in html and given["origin"] in html
            assert 's-invoice · invoice.totals.depassement = 0.00</span> <span class="muted">saisi<' in html
        else:
            assert given["origin"].startswith("corrected by the operator: €33.60"), given["origin"]
            assert "Given by the operator: " in html and "s-invoice · invoice.totals.amo = 33.60" in html
