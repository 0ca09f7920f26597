"""What a person attests for a step, and the contract of whoever answers for that person.

The runner asks an :class:`Operator` for every manual step, and the operator engine
(:mod:`testbench.engines.operator`) asks the same operator for every engine step performed in the
software under test; the workstation's modal, a prepared attestations file and the headless run
implement it. It lives at the bottom because both the engines and the runner need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol

#: What a rejection without a reason is asked again with, and what it reads if none is given again (French, the
#: catalogue holds their English; ``{instruction}`` is the step's own)
ASK_REASON = "Motif obligatoire pour rejeter l'étape : écrivez-le dans la note. {instruction}"
NO_REASON = "motif non donné"

#: The bench's own operators, named in its French words as the session records them: the demo application's
#: scripted operator (``testbench.demoapp.driver`` names it so) and the demo's prepared attestations
#: (``casebooks/demo-attestations.json``). The exam book shows them in its language; a person's name is never one
#: of them and stays as typed.
SCRIPTED_OPERATOR = "opérateur scripté (application de démonstration)"
DEMO_ATTESTATIONS_OPERATOR = "démo — attestation préparée (fichier casebooks/demo-attestations.json, pas une personne)"
BENCH_OPERATORS = frozenset({SCRIPTED_OPERATOR, DEMO_ATTESTATIONS_OPERATOR})


@dataclass(frozen=True)
class Attestation:
    """What the operator said of a manual step: confirmed or not, by whom, and the values keyed."""

    confirmed: bool  # the operator saw what the step says to observe
    operator: str
    note: str = ""
    values: dict[str, str] = field(default_factory=dict)  # observe path -> value keyed in


class Unreviewed(dict[str, tuple[str, str]]):
    """An operator's answer to the review of the values read when nobody reviewed them: the workstation stopped
    while they were shown (its terminal closed, a signal), or before they could be. What was typed in the window
    and not confirmed is held, by path (value, reason): said with the step, never applied — the values stay as read,
    and the record says nobody accepted them."""


class Operator(Protocol):
    """The person performing manual steps; ``case`` and ``step`` are the casebook's ``Case`` and ``Step``."""

    def perform(self, case: Any, step: Any) -> Attestation | None:
        """Return the attestation of a manual step, or None when nobody can answer now."""
        ...

    def notify(self, message: str) -> None:
        """Tell the operator something (insert a card, a card was refused…)."""
        ...


def attest(operator: Operator, case: Any, step: Any) -> Attestation | None:
    """The operator's attestation of ``step`` (a dataclass), or None when nobody can answer now.

    A rejection without a reason is asked again, once, for it; a prepared attestations file gives the same
    answer, its rejection reads « motif non donné ». Manual steps and operator-mode engine steps alike: a
    rejection always says why, in the report and in each language.
    """
    attestation = operator.perform(case, step)
    if attestation is None or attestation.confirmed or attestation.note.strip():
        return attestation
    attestation = operator.perform(case, replace(step, instruction=ASK_REASON.format(instruction=step.instruction)))
    if attestation is not None and not attestation.confirmed and not attestation.note.strip():
        return replace(attestation, note=NO_REASON)
    return attestation
