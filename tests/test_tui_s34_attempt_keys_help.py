"""F1 and the command palette name every view « , » and « . » change the attempt of, as docs/tui.md and the notice do
(« Tentative 1/2 (attendu/observé, traces, examen) »): they left out the exam view."""

from __future__ import annotations

import pytest

from testbench.tui.actions import ACTIONS, describe


@pytest.mark.parametrize(
    ("lang", "views"), [("fr", "attendu/observé, traces, examen"), ("en", "expected/observed, traces, exam")]
)
@pytest.mark.parametrize("action", ["attempt-prev", "attempt-next"])
def test_the_attempt_keys_help_names_the_exam_view(action: str, lang: str, views: str) -> None:
    (spec,) = [spec for spec in ACTIONS if spec.id == action]
    assert describe(spec, lang).endswith(f"({views})")
