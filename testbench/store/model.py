"""What a session's events mean, derived once: the status of each step and of each card of an attempt.

The report, the workstation and ``diff`` read these states from :class:`~testbench.store.read.SessionView`
instead of walking the events themselves, so a step or a card cannot read one way on screen and
another on paper. Pure functions over the events of one attempt; no SQL here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from testbench.domain.events import EventKind

#: every status a step can have, in the report's JSON vocabulary
STEP_STATUSES = (
    "not-run",
    "started",
    "done",
    "refused",
    "failed",
    "error",
    "inconclusive",
    "pending",
    "confirmed",
    "rejected",
)
#: a step that stopped its case reads as the verdict it carries (``step-failed``'s ``verdict``): « failed » only
#: for the product's failure, never under a case in error or inconclusive
_STOPPED = {"fail": "failed", "error": "error", "inconclusive": "inconclusive", "pending": "pending"}


def stopped_status(verdict: str) -> str:
    """The status of a step that stopped its case with ``verdict`` (a verdict's value)."""
    return _STOPPED.get(verdict, "failed")


@dataclass(frozen=True)
class StepState:
    """One step of a case's attempt: its status and the event that set it."""

    id: str
    status: str  # one of STEP_STATUSES
    data: dict[str, Any] = field(default_factory=dict)  # the deciding event's data (refusal code, failure reason)
    attestation: dict[str, Any] | None = None  # the operator's attestation of a manual step, if any
    attested_wall: float | None = None


_STEP_EVENTS = {
    EventKind.STEP_START: "started",
    EventKind.STEP_END: "done",
    EventKind.STEP_REFUSED: "refused",
    EventKind.MANUAL_PENDING: "pending",
}


def step_states(step_ids: Sequence[str], events: Iterable[dict[str, Any]]) -> list[StepState]:
    """The steps of ``step_ids`` (the case's definition, in order), each as its latest event says."""
    status: dict[str, tuple[str, dict[str, Any]]] = {}
    attested: dict[str, tuple[dict[str, Any], float]] = {}
    for ev in events:
        sid = ev["step_id"]
        if not sid:
            continue
        data = ev["data"] if isinstance(ev["data"], dict) else {}
        kind = ev["kind"]
        if kind == EventKind.MANUAL_ATTESTED:
            status[sid] = ("confirmed" if data.get("confirmed") else "rejected", data)
            attested[sid] = (data, ev["wall"])
        elif kind == EventKind.STEP_FAILED:
            status[sid] = (stopped_status(str(data.get("verdict", "fail"))), data)
        elif kind in _STEP_EVENTS:
            status[sid] = (_STEP_EVENTS[EventKind(kind)], data)
    out = []
    for sid in step_ids:
        word, data = status.get(sid, ("not-run", {}))
        attestation, wall = attested.get(sid, (None, None))
        out.append(StepState(sid, word, data, attestation, wall))
    return out


@dataclass(frozen=True)
class CardState:
    """One reader slot of an attempt: the card put in it and what the card guard decided."""

    slot: str
    status: str  # inserted | accepted | refused | removed (pulled since its check: to be checked again)
    card: str | None = None  # the casebook's card presented in that slot
    present: dict[str, Any] = field(default_factory=dict)  # the card-present event's data (profile, reader)
    check: dict[str, Any] = field(default_factory=dict)  # the guard's latest check (found, reader, ATR, family)
    detail: str = ""  # why it was refused, in the bench's (French) words; the step it was pulled during

    @property
    def text_fr(self) -> str:
        """The status as the workstation states it (French; translated where it is shown)."""
        if self.status == "accepted":
            found = str(self.check.get("found_fr") or "")
            return "acceptée par le contrôle" + (f" ({found})" if found else "")
        if self.status == "refused":
            return f"refusée : {self.detail}" if self.detail else "refusée"
        if self.status == "removed":
            return f"retirée pendant l'étape {self.detail} : à contrôler de nouveau"
        return "insérée"


def card_states(slots: Sequence[str], events: Iterable[dict[str, Any]], reason: str) -> dict[str, CardState]:
    """slot → its card's state in one attempt; the guard's latest check of a slot decides, unless the card left
    its reader since (``card-removed``: to be checked again).

    ``slots`` are the case's reader slots: a card refusal the guard's record does not tell slot by slot
    (the attempt's reason starts with « carte ») marks every slot not yet decided refused.
    """
    out: dict[str, CardState] = {}
    for ev in events:
        data = ev["data"] if isinstance(ev["data"], dict) else {}
        if ev["kind"] == EventKind.CARD_PRESENT:
            slot = str(data.get("slot"))
            out[slot] = CardState(slot, "inserted", str(data.get("card")), data)
        elif ev["kind"] == EventKind.CARD_GUARD:  # recorded for an acceptance and for a refusal alike
            for check in data.get("checks") or ():
                if not isinstance(check, dict):
                    continue
                slot = str(check.get("slot"))
                before = out.get(slot) or CardState(slot, "inserted")
                if check.get("ok") is True:
                    out[slot] = CardState(slot, "accepted", before.card, before.present, check)
                elif check.get("ok") is False:
                    detail = str(check.get("message") or reason)
                    out[slot] = CardState(slot, "refused", before.card, before.present, check, detail)
                else:  # a check that states no decision: the card's identity, its status unchanged
                    out[slot] = CardState(slot, before.status, before.card, before.present, check, before.detail)
        elif ev["kind"] == EventKind.CARD_REMOVED:  # its check no longer holds: never shown « acceptée »
            slot = str(data.get("slot"))
            before = out.get(slot) or CardState(slot, "inserted")
            out[slot] = CardState(slot, "removed", before.card, before.present, before.check, str(data.get("step")))
    if reason.startswith("carte refusée"):  # « carte indisponible » (a card never read): no decision
        for slot in slots:
            before = out.get(slot) or CardState(slot, "inserted")
            if before.status == "inserted":
                out[slot] = CardState(slot, "refused", before.card, before.present, {}, reason)
    return out


@dataclass(frozen=True)
class ProductVersion:
    """The engine and the software under test a run ran against, as the run's record says ("" when it does not):
    an attempt's are its run's (``attempts.run_id``), linked rather than copied into each attempt."""

    engine_name: str = ""
    engine_version: str = ""
    sut_name: str = ""
    sut_version: str = ""

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {
            "engine": {"name": self.engine_name, "version": self.engine_version},
            "sut": {"name": self.sut_name, "version": self.sut_version},
        }


def run_product(run: dict[str, Any]) -> ProductVersion:
    """What ``run`` (a row of ``SessionView.runs``) ran against: its bench's engine (``environment.engine``, the
    engine's own description) and the software under test its options named (``--sut``, ``--sut-version``)."""
    environment = run.get("environment") if isinstance(run.get("environment"), dict) else {}
    options = run.get("options") if isinstance(run.get("options"), dict) else {}
    engine = environment.get("engine") or {}
    if not isinstance(engine, dict):
        engine = {"name": engine}
    sut = options.get("sut") or options.get("software") or {}
    if not isinstance(sut, dict):
        sut = {"name": sut}
    return ProductVersion(
        str(engine.get("name") or ""),
        str(engine.get("version") or ""),
        str(sut.get("name") or ""),
        str(sut.get("version") or options.get("sut_version") or ""),
    )
