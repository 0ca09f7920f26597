"""A path too long for its column breaks after a separator, not inside a name (the Attendu/observé view, 80×24).

At 80 columns the path column read « invoice.totals.bi » then « lled », and the file an observed value was read in
« string(/fse/t » then « otaux/@amo) »: Rich folds a word wider than its line at its last cell. Those cells are now
``render.PathText``: such a word breaks after a « . », « / » or « \\ » (« invoice.totals. » then « billed »), a name
wider than the line is still cut, and a text whose words all fit wraps exactly as before (no other layout moves).
The demo casebook on the real bench in process, at 80×24.
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from test_tui_helpers import demo_app, wait_run

from testbench.tui.nobreak import keep_no_break_spaces
from testbench.tui.render import PathText


def wrapped(text: Text, width: int) -> list[str]:
    keep_no_break_spaces()  # as the workstation wraps
    return [line.plain for line in text.wrap(Console(width=200), width)]


@pytest.mark.parametrize(
    ("path", "width", "lines"),
    [
        ("invoice.totals.billed", 17, ["invoice.totals.", "billed"]),
        ("invoice.lines[0].patient", 17, ["invoice.lines[0].", "patient"]),
        ("string(/fse/totaux/@amo)", 13, ["string(/fse/", "totaux/@amo)"]),
        (r"C:\Logiciel\sortie\FSE_0001.xml", 14, ["C:\\Logiciel\\", "sortie\\", "FSE_0001.xml"]),
        ("un_nom_sans_separateur_trop_long.x", 12, ["un_nom_sans_", "separateur_t", "rop_long.x"]),
    ],
)
def test_a_long_path_breaks_after_its_separators(path: str, width: int, lines: list[str]) -> None:
    assert wrapped(PathText(path), width) == lines
    assert "".join(lines) == path  # nothing lost nor added


def test_a_file_read_in_a_sentence_breaks_at_its_slashes() -> None:
    said = "observé 33,60\u00a0€ — lu dans /tmp/examen/app/out/fse/FSE_000123.xml, ligne 1, octet 61"
    assert wrapped(PathText(said), 17) == [
        "observé 33,60\u00a0€ —",
        "lu dans ",
        "/tmp/examen/app/",
        "out/fse/",
        "FSE_000123.xml, ",
        "ligne 1, octet 61",
    ]


@pytest.mark.parametrize("width", [8, 12, 17, 30, 60])
def test_a_text_whose_words_fit_wraps_as_before(width: int) -> None:
    for said in ("invoice.totals.amo", "33,60\u00a0€", "réussi au premier essai, sans écart", "a.b c.d e.f"):
        if max(len(word) for word in said.split()) <= width:
            assert wrapped(PathText(said), width) == wrapped(Text(said), width), (said, width)


def test_the_expected_observed_view_breaks_a_path_after_a_dot_at_80_columns(tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        app = demo_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find("DEMO-FSE-001").key)
            await pilot.pause()
            await pilot.press("r")
            await wait_run(app, pilot)
            await pilot.press("3")
            await pilot.pause()
            return [strip.text for strip in app.screen._compositor.render_strips()]

    screen = asyncio.run(scenario())
    billed = next(i for i, line in enumerate(screen) if "e-billed" in line)
    column = screen[billed].index("invoice.totals.")
    assert screen[billed][column:].split()[0] == "invoice.totals.", screen[billed]
    assert screen[billed + 1][column:].split()[0] == "billed", screen[billed + 1]
    assert not any("invoice.totals.bi" in line or "lled" in line.split() for line in screen), "\n".join(screen)
