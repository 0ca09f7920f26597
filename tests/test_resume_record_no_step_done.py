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


def test_an_attempt_stopped_after_its_last_step_is_concluded_not_continued_at_a_step_past_the_end() -> None:
    """Killed after its last step, before its verdict: no « étape 4 (—) » of a 3-step case, in either language."""
    from testbench.i18n import english

    all_done = Continuation(attempt_id=1, number=1, reason="fermé", done=("s-a", "s-b", "s-c"), following="—")
    assert all_done.record() == "tentative 1 conclue : toutes ses étapes étaient faites, gardées : s-a, s-b, s-c"
    assert trace_text("bench", all_done.record(), translator("en")) == (
        "attempt 1 concluded: all its steps were done, kept: s-a, s-b, s-c"
    )
    notice = all_done.notice("C-3")
    assert notice == (
        "C-3 : la tentative 1 est conclue, toutes ses étapes étaient faites (s-a, s-b, s-c) ; elles sont gardées"
    )
    assert english(notice) == "C-3: attempt 1 is concluded, all its steps were done (s-a, s-b, s-c); they are kept"
