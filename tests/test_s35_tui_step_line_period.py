"""The run log's step line ends an instruction's sentence at the colon: « … à l'écran de facturation : en attente de
l'opérateur », never « facturation. : » (the casebook's instruction ends with its period)."""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from test_tui_helpers import make_app

from testbench.casebook.loader import load_casebooks
from testbench.runner.events import StepFinished

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"


@pytest.mark.parametrize(("lang", "end"), [("fr", "facturation : en attente de l'opérateur"), ("en", "operator")])
def test_a_manual_step_line_has_no_period_before_its_colon(tmp_path: Path, lang: str, end: str) -> None:
    (casebook,) = load_casebooks([DEMO])
    case = next(c for c in casebook.cases if c.id == "DEMO-FSE-030")
    step = next(s for s in case.steps if s.id == "m-paper")
    lines: list[str] = []

    async def scenario() -> None:
        app = make_app(tmp_path, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            lines.append(app._step_line(StepFinished(case, step, "manual-pending")))

    asyncio.run(scenario())
    (line,) = lines
    assert ". :" not in line and ".:" not in line, line
    assert line.endswith(end), line
