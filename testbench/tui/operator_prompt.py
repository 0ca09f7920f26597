"""The operator at the workstation: manual steps wait for a person, in a modal, without freezing.

``perform`` runs in the run's worker thread: it hands a :class:`AttestationRequest` to the UI
(through ``ask``, which posts a message) and blocks on a ``threading.Event`` until the person
confirms or rejects, or the run is stopped (the step then stays pending, as headless). No Textual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from testbench.casebook.model import Case, Step
from testbench.domain.attestation import Attestation


@dataclass
class AttestationRequest:
    case: Case
    step: Step
    hints: list[tuple[str, str, str]]  # (path, label, expected on screen)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    answer: Attestation | None = None

    def resolve(self, attestation: Attestation | None) -> None:
        """Called by the UI thread: wakes the worker with the person's answer (None = no answer)."""
        self.answer = attestation
        self._done.set()

    def wait(self, cancelled: Callable[[], bool], poll: float = 0.1) -> Attestation | None:
        while not self._done.wait(poll):
            if cancelled():
                return None
        return self.answer


class InteractiveOperator:
    def __init__(
        self,
        ask: Callable[[AttestationRequest], None],
        tell: Callable[[str], None],
        hints: Callable[[Case, Step], list[tuple[str, str, str]]],
    ) -> None:
        self._ask = ask
        self._tell = tell
        self._hints = hints
        self.stop = threading.Event()

    def perform(self, case: Case, step: Step) -> Attestation | None:
        if self.stop.is_set():
            return None
        request = AttestationRequest(case, step, self._hints(case, step))
        self._ask(request)
        return request.wait(self.stop.is_set)

    def notify(self, message: str) -> None:
        self._tell(message)
