"""Reviewer annotations: signed entries appended to a session, never rewriting a recorded verdict.

An annotation accepts a case's verdict, overrides it with another, or comments on it, with a reason.
It is signed (Ed25519) over its own content plus the journal's chain head at the time, so it cannot
be moved to another session or reordered without the signature failing; it is chained like any
other journal row.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from testbench.signing import PublicKey, Signer, SigningKeyError
from testbench.store import chain
from testbench.store.schema import has_table
from testbench.store.session import SessionStore

ACTIONS = ("accept", "override", "comment")
ACTION_FR = {"accept": "verdict accepté", "override": "verdict remplacé", "comment": "commentaire"}


class AnnotationError(Exception):
    pass


@dataclass(frozen=True)
class Annotation:
    id: int
    casebook_sha: str
    case_id: str
    attempt_number: int | None
    action: str
    verdict: str | None
    reason: str
    reviewer: str
    wall: float
    public_key: str
    prev: str
    signature: str
    valid: bool  # the signature checks against the entry's content

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "verdict": self.verdict,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "wall": self.wall,
            "attempt_number": self.attempt_number,
            "public_key": self.public_key,
            "fingerprint": _fingerprint(self.public_key),
            "signature_valid": self.valid,
        }


def _fingerprint(b64: str) -> str:
    try:
        return PublicKey.from_b64(b64).fingerprint
    except (SigningKeyError, ValueError):
        return ""


def signed_message(fields: dict[str, Any]) -> bytes:
    return ("testbench-annotation/1\n" + json.dumps(fields, ensure_ascii=False, sort_keys=True)).encode()


def _fields(
    casebook_sha: str,
    case_id: str,
    attempt_number: int | None,
    action: str,
    verdict: str | None,
    reason: str,
    reviewer: str,
    wall: float,
    public_key: str,
    prev: str,
) -> dict[str, Any]:
    return {
        "casebook_sha": casebook_sha,
        "case_id": case_id,
        "attempt_number": attempt_number,
        "action": action,
        "verdict": verdict,
        "reason": reason,
        "reviewer": reviewer,
        "wall": wall,
        "public_key": public_key,
        "prev": prev,
    }


#: how ``testbench review`` names the way to finish a pending attempt (the workstation names its key instead)
RESUME_COMMAND = "run --resume"


def add_annotation(
    store: SessionStore,
    signer: Signer,
    case_id: str,
    action: str,
    reason: str,
    reviewer: str,
    *,
    verdict: str | None = None,
    casebook_sha: str | None = None,
    resume: str = RESUME_COMMAND,
) -> int:
    """Append a signed annotation on the case's latest attempt; return its id. A PIN typed in ``reason`` (or
    ``reviewer``) is masked before the entry is signed: the session never holds it, and the signature covers
    what is stored. ``resume``: how a refusal names the way to finish a pending attempt (:func:`review_refusal`)."""
    from testbench.traces.redact import redact_pins

    if action not in ACTIONS:
        raise AnnotationError(f"action inconnue : {action}")
    if action == "override" and not verdict:
        raise AnnotationError("--override demande un verdict")
    if not reason.strip():
        raise AnnotationError("un motif est obligatoire (--reason)")
    reason, reviewer = redact_pins(reason), redact_pins(reviewer)
    conn = store.conn
    rows = conn.execute(
        "SELECT casebook_sha FROM cases WHERE case_id = ?" + (" AND casebook_sha = ?" if casebook_sha else ""),
        (case_id, casebook_sha) if casebook_sha else (case_id,),
    ).fetchall()
    if not rows:
        raise AnnotationError(f"cas {case_id} absent de la session")
    if len(rows) > 1:
        raise AnnotationError(f"cas {case_id} présent dans plusieurs cahiers : précisez --casebook EMPREINTE")
    sha = rows[0][0]
    with store.transaction(durable=True):  # what a person gives is committed at once, even mid-case
        latest = conn.execute(
            "SELECT number, verdict FROM attempts WHERE casebook_sha = ? AND case_id = ? ORDER BY number DESC LIMIT 1",
            (sha, case_id),
        ).fetchone()
        number = latest[0] if latest else None
        if action != "comment":  # a verdict is accepted or replaced only once there is one: a comment needs none
            _check_reviewable(case_id, latest[1] if latest else None, resume)
        _, prev = chain.head(conn)
        wall = round(time.time(), 3)
        fields = _fields(sha, case_id, number, action, verdict, reason, reviewer, wall, signer.public.b64, prev)
        signature = base64.b64encode(signer.sign(signed_message(fields))).decode()
        cur = conn.execute(
            "INSERT INTO annotations (casebook_sha, case_id, attempt_number, action, verdict, reason, reviewer, wall,"
            " public_key, prev, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (sha, case_id, number, action, verdict, reason, reviewer, wall, signer.public.b64, prev, signature),
        )
        annotation_id = int(cur.lastrowid or 0)
        chain.record(conn, "annotations", annotation_id, annotation_id)
    return annotation_id


#: recorded verdicts with nothing to accept nor override: no attempt (None), interrupted, awaiting a manual step
UNREVIEWABLE = frozenset({None, "none", "pending"})


def reviewable(recorded: str | None) -> bool:
    """Whether a latest attempt that ended with ``recorded`` has a verdict to accept or override: the rule
    :func:`review_refusal` enforces when a review is written, and testbench.store.verdicts when one is read (a
    review recorded by an older version on a pending attempt decides nothing)."""
    return recorded not in UNREVIEWABLE


def review_refusal(case_id: str, recorded: str | None, *, resume: str) -> str | None:
    """Why the verdict of ``case_id`` cannot be accepted nor overridden (French), or None when it can.

    ``recorded`` is the verdict its latest attempt ended with (``none`` when it has none), None when it has no
    attempt. ``resume`` names how the person reading goes on with a pending attempt where they are: the
    command for ``testbench review`` (:data:`RESUME_COMMAND`), the key for the workstation (``r``), whose
    operator, at the keyboard, performs the manual steps ``run --resume`` cannot.

    A verdict to accept or override: the case's latest attempt ended with one. A case never run, or
    whose latest attempt has no verdict (interrupted) or awaits a manual step (``pending``), has nothing to
    review: its verdict retained would count as passed (or any other) in the counts and the report while the
    coverage says it never ran, or while its manual check never took place (``resume`` says what goes on with it).
    A comment needs no verdict. The one rule of ``testbench review`` and of the workstation's review window.
    """
    if reviewable(recorded):
        return None
    if recorded is None:
        return f"le cas {case_id} n'a jamais été exécuté : rien à revoir"
    if recorded == "none":
        return f"le cas {case_id} n'a pas de verdict : sa dernière tentative est inachevée ; rien à revoir"
    return (  # pending
        f"le cas {case_id} est en attente : une étape manuelle de sa dernière tentative n'a pas été faite ;"
        f" rien à revoir : terminez-la ({resume}) ou relancez le cas, puis revoyez son verdict"
    )


def _check_reviewable(case_id: str, recorded: str | None, resume: str) -> None:
    """:func:`review_refusal`, raised."""
    refusal = review_refusal(case_id, recorded, resume=resume)
    if refusal is not None:
        raise AnnotationError(refusal)


#: a merged session's meta: annotation id → the number, among the merged attempts, of the attempt it is about
#: (``testbench merge`` renumbers attempts; the row keeps its input's number, which its signature covers)
ATTEMPT_MAP_META = "annotation_attempts"


def attempt_map(conn: sqlite3.Connection) -> dict[int, int]:
    """:data:`ATTEMPT_MAP_META` read (empty outside a merged session)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (ATTEMPT_MAP_META,)).fetchone()
    try:
        return {int(k): int(v) for k, v in json.loads(row[0]).items()} if row else {}
    except (ValueError, TypeError, AttributeError):
        return {}


def read_annotations(conn: sqlite3.Connection) -> dict[tuple[str, str], list[Annotation]]:
    """Every annotation by case key, oldest first, each with its signature checked and, in a merged
    session, the number of the merged attempt it is about."""
    if not has_table(conn, "annotations"):
        return {}
    numbers = attempt_map(conn)
    out: dict[tuple[str, str], list[Annotation]] = {}
    for r in conn.execute(
        "SELECT id, casebook_sha, case_id, attempt_number, action, verdict, reason, reviewer, wall, public_key, prev,"
        " signature FROM annotations ORDER BY id"
    ):
        fields = _fields(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10])
        try:
            valid = PublicKey.from_b64(r[9]).verify(base64.b64decode(r[11]), signed_message(fields))
        except (SigningKeyError, ValueError):
            valid = False
        out.setdefault((r[1], r[2]), []).append(Annotation(*r[:3], numbers.get(r[0], r[3]), *r[4:], valid=valid))
    return out
