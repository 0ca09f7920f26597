"""« accepté » has one owner (testbench.report.recorded.ACCEPTED): the workstation's review pane says an accepted
verdict with it, not with a word of its own that could drift from the report's."""

from __future__ import annotations

import ast
import inspect

from testbench.i18n import translator
from testbench.report.recorded import ACCEPTED
from testbench.tui import render


def test_the_review_pane_uses_the_reports_word_for_accepted() -> None:
    tree = ast.parse(inspect.getsource(render))
    spelled = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value == "accepté"]
    assert spelled == [], f"testbench/tui/render.py spells « accepté » itself at lines {spelled}"
    assert render.ACCEPTED is ACCEPTED
    assert translator("en")(ACCEPTED) == "accepted"
