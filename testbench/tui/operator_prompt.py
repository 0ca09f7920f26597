"""The operator at the workstation: manual steps wait for a person, in a modal, without freezing.

``perform`` runs in the run's worker thread: it hands a :class:`AttestationRequest` to the UI
(through ``ask``, which posts a message) and blocks on a ``threading.Event`` until the person
confirms or rejects, or the run is stopped (the step then stays pending, as headless). ``review``
(assisted operator mode) hands the values the bench extracted from the application's outputs the same
way (:class:`ReviewRequest`): the person accepts them or corrects some, each correction with its reason.

A ``performer`` (the demo application's scripted operator) may perform the steps instead of the person,
who then watches the run; the stop key and the run's notices stay the workstation's. No Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from testbench.casebook.model import Case, Step
from testbench.domain.attestation import Attestation, Operator, Unreviewed

#: a review's answer: the corrected values, each with its reason, by observation path
Corrections = dict[str, tuple[str, str]]


@dataclass
class _Pending:
    """A question to the person on the UI thread, answered through ``resolve`` while the worker waits."""

    _done: threading.Event = field(default_factory=threading.Event, repr=False, init=False)
    answer: Any = field(default=None, init=False)

    def resolve(self, answer: Any) -> None:
        """Called by the UI thread: wakes the worker with the person's answer (None = no answer)."""
        self.answer = answer
        self._done.set()

    def wait(self, cancelled: Callable[[], bool], poll: float = 0.1) -> Any:
        while not self._done.wait(poll):
            if cancelled():
                return None
        return self.answer


@dataclass
class AttestationRequest(_Pending):
    """A manual step for the person; what its screen should show is the window's to write, in the
    workstation's language of the moment (F2 while it is open rewrites an amount as the other language does)."""

    case: Case = field(kw_only=True)
    step: Step = field(kw_only=True)


@dataclass
class ReviewRequest(_Pending):
    """The values extracted for a step (``testbench.extract.model.Extracted``: path, value, provenance), and
    the extractors that found nothing (``testbench.engines.operator.assisted.NotFound``: which, and where
    they looked)."""

    case: Case = field(kw_only=True)
    step: Step = field(kw_only=True)
    extracted: Sequence[Any] = field(kw_only=True)
    missing: Sequence[Any] = field(kw_only=True, default=())
    #: by path, the other values the product gave for it and why the one shown was kept (its provenance's
    #: ``conflict``, as the record and the report say it)
    conflicts: Mapping[str, Any] = field(kw_only=True, default_factory=dict)
    #: what the window held, typed and not confirmed, when the workstation stopped unasked (a signal, its terminal
    #: closed): by path (value, reason), set before the stop, said with the step (:class:`Unreviewed`)
    unconfirmed: dict[str, tuple[str, str]] = field(kw_only=True, default_factory=dict)


class InteractiveOperator:
    def __init__(
        self,
        ask: Callable[[AttestationRequest | ReviewRequest], None],
        tell: Callable[[str], None],
        performer: Operator | None = None,
    ) -> None:
        self._ask = ask
        self._tell = tell
        self.performer = performer
        self.stop = threading.Event()

    def perform(self, case: Case, step: Step) -> Attestation | None:
        if self.stop.is_set():
            return None
        if self.performer is not None:
            return self.performer.perform(case, step)
        request = AttestationRequest(case=case, step=step)
        self._ask(request)
        answer: Attestation | None = request.wait(self.stop.is_set)
        return answer

    def review(
        self,
        case: Case,
        step: Step,
        extracted: Sequence[Any],
        missing: Sequence[Any] = (),
        conflicts: Mapping[str, Any] | None = None,
    ) -> Corrections:
        """The person accepts the extracted values or corrects some, told which extractors found nothing
        (``missing``) and where they looked, and which values the product gave several ways (``conflicts``);
        stopped before an answer, :class:`Unreviewed` (the values kept as read, the record saying nobody accepted
        them, with what the window held typed and not confirmed)."""
        conflicts = dict(conflicts or {})
        if self.performer is not None:
            review = getattr(self.performer, "review", None)
            if not callable(review):
                return {}
            return dict(review(case, step, list(extracted), list(missing), conflicts) or {})
        if not (extracted or missing):
            return {}
        if self.stop.is_set():
            return Unreviewed()
        request = ReviewRequest(
            case=case, step=step, extracted=list(extracted), missing=list(missing), conflicts=conflicts
        )
        self._ask(request)
        answer = request.wait(self.stop.is_set)
        return Unreviewed(request.unconfirmed) if answer is None else dict(answer)

    def notify(self, message: str) -> None:
        self._tell(message)
