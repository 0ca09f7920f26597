"""The trace line of an operator attempt reopened before any of its steps was done says so in words, in the
language of its reader, never « étapes déjà faites gardées : — » (a dash standing for an empty list)."""

from __future__ import annotations

from testbench.i18n import translator
from testbench.runner.resume import Continuation
from testbench.traces.bench_text import trace_text


def test_an_attempt_reopened_with_no_step_done_says_so_in_both_languages() -> None:
    none_done = Continuation(attempt_id=1, number=3, reason="fermé", done=(), following="s-invoice")
    assert none_done.record() == "tentative 3 reprise à l'étape 1 (s-invoice) : aucune étape n'était faite"
    assert trace_text("bench", none_done.record(), translator("en")) == (
        "attempt 3 resumed at step 1 (s-invoice): no step was done"
    )


def test_an_attempt_reopened_after_steps_lists_them_in_both_languages() -> None:
    two_done = Continuation(attempt_id=1, number=2, reason="fermé", done=("s-a", "s-b"), following="s-lot")
    assert two_done.record() == "tentative 2 reprise à l'étape 3 (s-lot) : étapes déjà faites gardées : s-a, s-b"
    assert trace_text("bench", two_done.record(), translator("en")) == (
        "attempt 2 resumed at step 3 (s-lot): steps already done kept: s-a, s-b"
    )
