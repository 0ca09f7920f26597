"""A save seen while the workstation closes (its case tree already gone) is left to the next opening, which
follows the file: it raised « No nodes match '#tree' » as the window was torn down (seen in CI, under load)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_tui_reload import CASEBOOK, SIZE, app_on, write_casebook

from testbench.casebook.problems import read_casebooks
from testbench.tui.casebook_reload import CasebooksRead


def test_a_reload_arriving_without_the_tree_is_left_to_the_next_opening(tmp_path: Path) -> None:
    path = write_casebook(tmp_path)

    async def scenario() -> None:
        app = app_on(path, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.query_one("#tree").remove()  # as when the main screen is torn down at exit
            path.write_text(CASEBOOK.replace("Lecture de la CPS", "Lecture de la CPS (v2)"), encoding="utf-8")
            app.on_casebooks_read(CasebooksRead(read_casebooks([path]), {path}))
            await pilot.pause()

    asyncio.run(scenario())  # before: NoMatches raised from the message handler, failing the app
