"""``coverage``'s readiness counts the casebooks absent or of another version, not their gaps: a casebook of
another version and another evolution is one casebook."""

from __future__ import annotations

from typing import Any

from testbench.scope.coverage import NOT_RUN, OPEN
from testbench.scope.text import readiness_reasons


def _data(*gaps: tuple[str, str]) -> dict[str, Any]:
    return {
        "ready": False,
        "total": 3,
        "counts": {OPEN: 0, NOT_RUN: 0},
        "gaps": [{"kind": kind, "subject": subject, "expected": "", "found": ""} for kind, subject in gaps],
    }


def test_a_casebook_with_two_gaps_counts_once() -> None:
    data = _data(
        ("casebook-missing", "PDT-A"),
        ("casebook-version", "PDT-B"),
        ("casebook-evolution", "PDT-B"),
        ("casebook-sha", "PDT-C"),
        ("requirement-uncovered", "REQ-1"),
    )
    assert readiness_reasons(data, "fr") == ["3 cahiers de tests absents ou d'une autre version"]
    assert readiness_reasons(data, "en") == ["3 casebooks missing or of another version"]


def test_one_casebook_of_another_version_and_evolution_is_one() -> None:
    data = _data(("casebook-version", "PDT-B"), ("casebook-evolution", "PDT-B"))
    assert readiness_reasons(data, "fr") == ["1 cahier de tests absent ou d'une autre version"]
