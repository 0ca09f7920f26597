"""The exam view's band gives a very long case title (and objective) at most a few rows, cut with « … », so
the expected values keep their room on a small terminal."""

from __future__ import annotations

import dataclasses
import io

from rich.console import Console
from rich.text import Text

from testbench.casebook.loader import load_casebook
from testbench.paths import CASEBOOKS_DIR
from testbench.tui import exam
from testbench.tui.texts import make_translator


def rows(renderable: object, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue().splitlines()


def test_a_long_title_takes_at_most_three_rows_ending_with_an_ellipsis() -> None:
    case = load_casebook(CASEBOOKS_DIR / "demo.xml").case("DEMO-FSE-001")
    long = dataclasses.replace(case, title="Lit médical " * 40, objective="Vérifier " * 40)
    shown = rows(exam.header(long, None, make_translator("fr")), 76)
    assert len(shown) == 2 * exam.TITLE_LINES
    assert shown[exam.TITLE_LINES - 1].endswith("…") and shown[-1].endswith("…")
    assert shown[0].startswith(" DEMO-FSE-001   Lit médical")


def test_a_short_text_is_shown_whole() -> None:
    assert rows(exam.Clamped(Text("Lit médical loué"), 3), 40) == ["Lit médical loué"]
    assert rows(exam.Clamped(Text("x" * 50), 1), 20) == ["x" * 19 + "…"]
