"""Review annotations: a reviewer accepts or overrides a case's verdict with a reason.

TEMPORARY home (to be swapped for the signed annotations of ``testbench.integrity`` when that API
lands): an annotation is written to the session file itself as an event of kind
``review-annotation`` attached to the attempt it reviews, so the session stays the one record and a
report can rebuild it. The original verdict is never modified: the attempt row keeps it, and the
effective verdict is computed from the latest annotation. No Textual here.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbench.runner.verdict import Verdict
from testbench.store import codec
from testbench.store.session import SessionStore

EVENT_KIND = "review-annotation"
DECISIONS = ("accept", "override")


class ReviewError(ValueError):
    """The annotation is incomplete (French message for the reviewer)."""


@dataclass(frozen=True)
class Annotation:
    casebook_sha: str
    case_id: str
    attempt_id: int | None
    reviewer: str
    decision: str  # accept | override
    original: str  # the verdict the reviewer saw
    verdict: str  # the verdict retained (== original when accepted)
    reason: str
    note: str
    wall: float

    @staticmethod
    def from_data(data: dict[str, Any], attempt_id: int | None, wall: float) -> Annotation:
        return Annotation(
            str(data.get("casebook_sha", "")),
            str(data.get("case_id", "")),
            attempt_id,
            str(data.get("reviewer", "")),
            str(data.get("decision", "accept")),
            str(data.get("original", "none")),
            str(data.get("verdict", data.get("original", "none"))),
            str(data.get("reason", "")),
            str(data.get("note", "")),
            wall,
        )


def add_annotation(
    session: Path,
    *,
    casebook_sha: str,
    case_id: str,
    attempt_id: int | None,
    reviewer: str,
    decision: str,
    original: str,
    verdict: str | None = None,
    reason: str = "",
    note: str = "",
) -> Annotation:
    """Validate and append one annotation to the session file; return it."""
    if decision not in DECISIONS:
        raise ReviewError(f"décision inconnue : {decision}")
    if not reviewer.strip():
        raise ReviewError("le nom du réviseur est obligatoire")
    retained = original if decision == "accept" else (verdict or "")
    if decision == "override":
        if retained not in {v.value for v in Verdict} or retained == original:
            raise ReviewError("choisissez un verdict différent du verdict d'origine")
        if not reason.strip():
            raise ReviewError("Un motif est obligatoire pour remplacer un verdict.")
    data = {
        "casebook_sha": casebook_sha,
        "case_id": case_id,
        "reviewer": reviewer.strip(),
        "decision": decision,
        "original": original,
        "verdict": retained,
        "reason": reason.strip(),
        "note": note.strip(),
    }
    with SessionStore.open(session, create=False) as store:
        store.add_event(EVENT_KIND, data, attempt_id=attempt_id)
    return Annotation.from_data(data, attempt_id, time.time())


def read_annotations(conn: sqlite3.Connection) -> dict[tuple[str, str], list[Annotation]]:
    """Every annotation of the session, oldest first, by (casebook sha, case id)."""
    out: dict[tuple[str, str], list[Annotation]] = {}
    for attempt_id, wall, data in conn.execute(
        "SELECT attempt_id, wall, data FROM events WHERE kind = ? ORDER BY id", (EVENT_KIND,)
    ):
        note = Annotation.from_data(codec.loads(data), attempt_id, wall)
        out.setdefault((note.casebook_sha, note.case_id), []).append(note)
    return out
