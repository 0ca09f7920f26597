"""Recorded and retained verdicts: the one rule the workstation, the report, the JSON and the JUnit apply.

The *recorded* verdict is what the latest attempt of a case ended with; it is never rewritten. The
*retained* verdict is what the review keeps: the last **validly signed** accept or override made on
that latest attempt. A comment decides nothing, a review of an earlier attempt does not decide the
result of a rerun, a review whose signature does not verify is listed as such but changes no
verdict, and an accept or override of an attempt with no verdict to review (pending, interrupted: refused
when written, :func:`~testbench.store.annotations.reviewable`, but recorded so by older versions) decides
nothing either. Every view counts both through :func:`count_verdicts`, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from testbench.domain.verdict import VERDICT_ORDER
from testbench.store.annotations import Annotation, reviewable


def deciding_review(
    latest_attempt: int | None, notes: Sequence[Annotation], recorded: str | None = None
) -> Annotation | None:
    """The annotation that decides the retained verdict, if any (``notes`` oldest first); none when the latest
    attempt's ``recorded`` verdict (when given) is not one to review."""
    if recorded is not None and not reviewable(recorded):
        return None
    for note in reversed(notes):
        if note.valid and note.action != "comment" and note.attempt_number == latest_attempt:
            return note
    return None


def retained_verdict(recorded: str, latest_attempt: int | None, notes: Sequence[Annotation]) -> str:
    """The verdict the review retains; the recorded one when no valid review decides."""
    note = deciding_review(latest_attempt, notes, recorded)
    if note is None or note.action != "override":
        return recorded
    return note.verdict or recorded


@dataclass(frozen=True)
class VerdictCounts:
    """Cases per verdict, recorded and retained, listed failures first (verdicts with no case left out)."""

    total: int
    recorded: dict[str, int]
    retained: dict[str, int]
    reviewed: int  # cases whose retained verdict differs from the recorded one

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "recorded": self.recorded, "retained": self.retained, "reviewed": self.reviewed}


def _ordered(counter: Counter[str]) -> dict[str, int]:
    known = {v: counter[v] for v in VERDICT_ORDER if counter.get(v)}
    return known | {v: n for v, n in sorted(counter.items()) if v not in known and n}


def count_verdicts(pairs: Iterable[tuple[str, str]]) -> VerdictCounts:
    """Count ``(recorded, retained)`` pairs, one per case."""
    recorded: Counter[str] = Counter()
    retained: Counter[str] = Counter()
    total = reviewed = 0
    for rec, ret in pairs:
        total += 1
        recorded[rec] += 1
        retained[ret] += 1
        reviewed += rec != ret
    return VerdictCounts(total, _ordered(recorded), _ordered(retained), reviewed)
