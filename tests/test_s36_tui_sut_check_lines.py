"""`u` (sut check) takes `--lines N` as the command does: the log lines shown per source, 10 by default, the same
text as `testbench sut check PROFILE --lines N`; 0 or a word refused by the field's name, in French and English.

Before, the window had the profile only: the last 10 lines of each log, where the command shows as many as asked.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_sut_cli import PROFILE, _application
from test_tui_tools import SIZE, app_on, cli, demo_sessions, field, open_tool, run_tool, switch_language


def test_the_log_lines_per_source_are_a_field_of_the_window(tmp_path: Path, capsys) -> None:
    root = _application(tmp_path / "app")
    profile = root / "sut.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    _, session = demo_sessions(tmp_path)
    seen: dict[str, str] = {}

    async def scenario() -> None:
        app = app_on(session, bench={"sut_profile": profile})
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_tool(app, pilot, "u")
            seen["default"] = field(screen, "lines").value
            seen["one"] = await run_tool(app, pilot, screen, lines="1")
            seen["zero"] = await run_tool(app, pilot, screen, lines="0")
            seen["zero-en"] = await switch_language(pilot, screen)

    asyncio.run(scenario())
    assert seen["default"] == "10"
    code, one, _ = cli(capsys, "sut", "check", str(profile), "--lines", "1")
    _, ten, _ = cli(capsys, "sut", "check", str(profile))
    assert code == 0 and one != ten  # the profile's log has more than one line
    assert seen["one"] == f"{one}✔ terminé (code 0)"
    refused = "Lignes de journal montrées par source : un nombre entier ≥ 1, pas « 0 »"
    assert seen["zero"] == f"{refused}\n✘ entrée invalide (code 3)"
    assert seen["zero-en"] == "Log lines shown per source: a whole number ≥ 1, not “0”\n✘ invalid input (code 3)"
