"""Case verdicts and how they combine.

Ordering follows TTCN-3: a case's verdict only gets worse (none < pass < inconclusive < fail < error),
and the first reason of the worst verdict is the one kept. ``skipped`` and ``pending`` are not
outcomes of a comparison: skipped means the case was not run, pending that a manual step awaits the
operator. ``inconclusive`` is the environment failing (reader, card, engine unavailable); ``error``
is an invalid case or a bench fault; ``fail`` is the product under test failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    NONE = "none"
    PASS = "pass"
    INCONCLUSIVE = "inconclusive"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    PENDING = "pending"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def is_final(self) -> bool:
        """A final verdict ends the case; ``pending`` and ``none`` do not (``--resume`` reruns them)."""
        return self not in (Verdict.NONE, Verdict.PENDING)

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]


_SEVERITY = {
    Verdict.NONE: 0,
    Verdict.SKIPPED: 0,
    Verdict.PASS: 1,
    Verdict.PENDING: 2,
    Verdict.INCONCLUSIVE: 3,
    Verdict.FAIL: 4,
    Verdict.ERROR: 5,
}

_LABELS_FR = {
    Verdict.NONE: "non exécuté",
    Verdict.PASS: "réussi",
    Verdict.INCONCLUSIVE: "non concluant",
    Verdict.FAIL: "échec",
    Verdict.ERROR: "erreur",
    Verdict.SKIPPED: "ignoré",
    Verdict.PENDING: "en attente",
}


#: Failures first: the one order a reviewer reads a campaign in, and every count is listed in.
VERDICT_ORDER: tuple[str, ...] = ("error", "fail", "inconclusive", "pending", "none", "skipped", "pass")
#: A case that ran and did not pass: what ``run --failed`` runs again and a terminal's progress names as it ends
#: (a case never run, or cut before its verdict, is ``--resume``'s)
NOT_PASSED = frozenset({Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.PENDING})


@dataclass(frozen=True)
class Outcome:
    """A verdict with the reason that produced it."""

    verdict: Verdict
    reason: str = ""

    def worsen(self, other: Outcome) -> Outcome:
        """Combine two outcomes: the worse verdict wins; on a tie the first reason is kept."""
        return other if other.verdict.severity > self.verdict.severity else self
