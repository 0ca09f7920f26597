"""What the runner tells its listeners (CLI progress bar, TUI workers) while it works."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from testbench.casebook.model import Case, Step
from testbench.domain.verdict import Outcome


@dataclass(frozen=True)
class CaseStarted:
    """A case's attempt began (its place in the run, its attempt id)."""

    case: Case
    index: int  # 0-based position in this run
    total: int
    attempt_id: int


@dataclass(frozen=True)
class StepStarted:
    """A step of the running case began."""

    case: Case
    step: Step


@dataclass(frozen=True)
class StepFinished:
    """A step of the running case ended, and how."""

    case: Case
    step: Step
    status: str  # done | refused | manual-… | failed, error, inconclusive (store.model.stopped_status)
    detail: str = ""


@dataclass(frozen=True)
class CaseFinished:
    """A case's attempt ended with its outcome."""

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
