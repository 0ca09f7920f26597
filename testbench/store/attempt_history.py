"""Attempts named by their ids, each with the verdict of the case's attempt before it (``verify`` says what a
session gained after its report was built: a re-run turns « en attente » into « réussi »)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from testbench.store.connection import SessionError, open_readonly


class AttemptChange(NamedTuple):
    case_id: str
    number: int
    run_id: int
    previous: str  # the verdict of the case's attempt before this one; "none" when it is the first
    verdict: str
    wall: float  # when it ended, else when it started


def attempt_changes(session: Path, ids: Sequence[int]) -> list[AttemptChange]:
    """The attempts ``ids`` of ``session`` in their order; empty when the session cannot be read (its own
    check says why)."""
    if not ids:
        return []
    out: list[AttemptChange] = []
    with contextlib.suppress(SessionError, OSError, sqlite3.Error), contextlib.closing(open_readonly(session)) as conn:
        rows = conn.execute(
            "SELECT casebook_sha, case_id, number, run_id, verdict, started_wall, ended_wall FROM attempts"
            f" WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
            list(ids),
        ).fetchall()
        for sha, case_id, number, run_id, verdict, started, ended in rows:
            before = conn.execute(
                "SELECT verdict FROM attempts WHERE casebook_sha = ? AND case_id = ? AND number < ?"
                " ORDER BY number DESC LIMIT 1",
                (sha, case_id, number),
            ).fetchone()
            wall = ended if ended is not None else started
            out.append(AttemptChange(case_id, number, run_id, before[0] if before else "none", verdict, wall))
    return out
