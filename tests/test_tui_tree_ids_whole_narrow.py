"""At 80×24 the tree shows each case's id whole (audit a6w, finding 8).

The narrow tree (24 columns, a scroll bar beside 40 cases) cropped « ✔ PSAD-SEC-062- »: PSAD-SEC-062 and
PSAD-SEC-062-B could not be told apart. The tree is at least as wide as its longest id; the title is cropped.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

from fakes import invoice_step, make_case, make_casebook, value
from test_tui_helpers import fake_bench
from textual.widgets import Tree

from testbench.tui.app import WorkstationApp
from testbench.tui.config import Settings, UiState
from testbench.tui.workstation import Workstation

IDS = [f"PSAD-SEC-{i:03d}" for i in range(40)] + ["PSAD-SEC-062", "PSAD-SEC-062-B", "PSAD-SEC-062-BIS-LONG"]


def test_a_narrow_tree_crops_the_title_never_the_case_id(tmp_path: Path) -> None:
    seen: dict[str, list[str]] = {}

    async def scenario() -> None:
        cases = tuple(make_case(cid, (invoice_step(),), (value("e", "invoice.totals.amo", "1"),)) for cid in IDS)
        ws = Workstation([make_casebook(cases, tmp_path)], tmp_path / "s.tbsession")
        settings = Settings(lang="fr", operator="Opératrice Test", keymap={})
        app = WorkstationApp(ws, bench_factory=fake_bench, settings=settings, state=UiState(tmp_path / "config"))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("PSAD-SEC-062-BIS-LONG").key)
            await pilot.pause()
            tree = app.query_one("#tree", Tree)
            width = tree.scrollable_content_region.width  # the scroll bar aside
            seen["rows"] = [tree.render_line(y).text[:width] for y in range(tree.size.height)]

    asyncio.run(scenario())
    rows = [row for row in seen["rows"] if "PSAD-SEC-062" in row]
    assert len(rows) == 3, seen["rows"]
    assert [row.split()[2] for row in rows] == ["PSAD-SEC-062", "PSAD-SEC-062-B", "PSAD-SEC-062-BIS-LONG"], rows
    assert any(len(row.split()) == 3 for row in rows)  # the longest id whole, its title cropped
