"""Messages between the run worker and the screens: workers post them, handlers own the state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.message import Message

from testbench.runner.events import RunEvent
from testbench.tui.execution import RunOutcome
from testbench.tui.operator_prompt import AttestationRequest, ReviewRequest


@dataclass
class RunProgress(Message):
    """A runner event (case or step started/finished), relayed from the worker thread."""

    event: RunEvent


@dataclass
class OperatorNotice(Message):
    """Something the operator must know now: insert or remove a card, a card refused, a fallback."""

    text: str


@dataclass
class AttestationAsked(Message):
    """A manual step, or the values extracted for a step, wait for the person at the keyboard."""

    request: AttestationRequest | ReviewRequest


@dataclass
class RunDone(Message):
    outcome: RunOutcome | None
    error: str = ""


def _nothing_said(_lang: str) -> tuple[tuple[str, bool], ...]:
    return ()


@dataclass
class ReportDone(Message):
    #: the report tool's lines in a language, each with whether it warns (the run log draws them again after F2)
    said: Callable[[str], tuple[tuple[str, bool], ...]] = _nothing_said
    written: tuple[str, ...] = ()  # index.html first, then report.pdf; none: refused or failed
    notes: tuple[str, ...] = ()  # what the options chosen left out (French): no key, no Chromium
    error: str = ""  # a defect of the bench (French)
