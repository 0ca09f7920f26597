"""A case whose attempt was interrupted before its verdict (run stopped mid-case) was run: it is « à
reprendre » (open), not « jamais exécuté » (not-run: no attempt at all)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from testbench.scope.coverage import NOT_RUN, OPEN, case_status


def _view(latest: object | None) -> Any:
    return SimpleNamespace(latest=latest, verdict="none", retained_verdict="none", deciding_review=None)


def test_an_interrupted_attempt_is_open() -> None:
    assert case_status(_view(object())) == OPEN


def test_no_attempt_is_not_run() -> None:
    assert case_status(_view(None)) == NOT_RUN
