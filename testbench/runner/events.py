"""What the runner tells its listeners (CLI progress bar, TUI workers) while it works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from testbench.casebook.model import Case, Step
from testbench.domain.verdict import Outcome


@dataclass(frozen=True)
class CaseStarted:
    case: Case
    index: int  # 0-based position in this run
    total: int
    attempt_id: int


@dataclass(frozen=True)
class StepStarted:
    case: Case
    step: Step


@dataclass(frozen=True)
class StepFinished:
    case: Case
    step: Step
    status: str  # done | refused | manual-pending | manual-confirmed | manual-rejected | failed
    detail: str = ""


@dataclass(frozen=True)
class CaseFinished:
    case: Case
    index: int
    total: int
    outcome: Outcome
    attempt_id: int


@dataclass(frozen=True)
class TracesCaptured:
    """The application's lines (``--app-log``, ``--syslog``) were just written to the session.

    Sent from the capture's thread, so that a screen showing the running attempt reloads its traces.
    """

    count: int


RunEvent = CaseStarted | StepStarted | StepFinished | CaseFinished | TracesCaptured
Listener = Callable[[RunEvent], None]
