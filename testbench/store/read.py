"""Reading a session file back: the one model every view (reports, TUI, diff, JUnit) is built from.

Functions here only read; they work on a session that a run is still writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.store import codec
from testbench.store.session import open_readonly
from testbench.traces.model import TraceLine


@dataclass(frozen=True)
class AttemptView:
    id: int
    run_id: int
    number: int
    started_wall: float
    ended_wall: float | None
    duration_ms: float | None
    verdict: str
    reason: str


@dataclass(frozen=True)
class CaseView:
    casebook_sha: str
    case_id: str
    position: int
    title: str
    domain: str
    mode: str
    definition: dict[str, Any]
    attempts: tuple[AttemptView, ...] = ()

    @property
    def latest(self) -> AttemptView | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def verdict(self) -> str:
        return self.latest.verdict if self.latest else "none"


@dataclass(frozen=True)
class CasebookView:
    sha256: str
    path: str
    plan_id: str
    identity: dict[str, Any]


@dataclass(frozen=True)
class SessionView:
    path: Path
    meta: dict[str, str]
    runs: tuple[dict[str, Any], ...]
    casebooks: tuple[CasebookView, ...]
    cases: tuple[CaseView, ...]  # the session's selection, in order (all recorded cases if none)
    conn: sqlite3.Connection = field(repr=False, compare=False)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SessionView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- per-attempt details, read on demand so a 700-case session stays cheap to open ----------
    def events(self, attempt_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, step_id, kind, mono_ns, wall, data FROM events WHERE attempt_id = ? ORDER BY id",
            (attempt_id,),
        )
        return [
            {"id": r[0], "step_id": r[1], "kind": r[2], "mono_ns": r[3], "wall": r[4], "data": codec.loads(r[5])}
            for r in rows
        ]

    def observations(self, attempt_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT step_id, path, value, source FROM observations WHERE attempt_id = ? ORDER BY id", (attempt_id,)
        )
        return [{"step_id": r[0], "path": r[1], "value": codec.loads(r[2]), "source": r[3]} for r in rows]

    def comparisons(self, attempt_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT data FROM comparisons WHERE attempt_id = ? ORDER BY id", (attempt_id,))
        return [codec.loads(r[0]) for r in rows]

    def trace_lines(self, attempt_id: int, channel: str | None = None) -> list[TraceLine]:
        sql = (
            "SELECT channel, mono_ns, wall, text, source, source_ts, level, attempt_id, step_id FROM trace_lines"
            " WHERE attempt_id = ?"
        )
        args: tuple[Any, ...] = (attempt_id,)
        if channel:
            sql += " AND channel = ?"
            args += (channel,)
        return [TraceLine(*r) for r in self.conn.execute(sql + " ORDER BY mono_ns, id", args)]

    def artifacts(self, attempt_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT l.name, l.step_id, a.sha256, a.size, a.media_type FROM artifact_links l"
            " JOIN artifacts a ON a.sha256 = l.sha256 WHERE l.attempt_id = ? ORDER BY l.id",
            (attempt_id,),
        )
        return [{"name": r[0], "step_id": r[1], "sha256": r[2], "size": r[3], "media_type": r[4]} for r in rows]

    def artifact_data(self, sha256: str) -> bytes:
        row = self.conn.execute("SELECT data FROM artifacts WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise KeyError(sha256)
        return bytes(row[0])

    def iter_trace_lines(self) -> Iterator[TraceLine]:
        yield from (
            TraceLine(*r)
            for r in self.conn.execute(
                "SELECT channel, mono_ns, wall, text, source, source_ts, level, attempt_id, step_id"
                " FROM trace_lines ORDER BY mono_ns, id"
            )
        )


def read_session(path: str | Path) -> SessionView:
    path = Path(path)
    conn = open_readonly(path)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    runs = tuple(
        {
            "id": r[0],
            "started_wall": r[1],
            "ended_wall": r[2],
            "argv": codec.loads(r[3]),
            "host": r[4],
            "pid": r[5],
            "options": codec.loads(r[6]),
            "environment": codec.loads(r[7]),
        }
        for r in conn.execute(
            "SELECT id, started_wall, ended_wall, argv, host, pid, options, environment FROM runs ORDER BY id"
        )
    )
    casebooks = tuple(
        CasebookView(r[0], r[1], r[2], codec.loads(r[3]))
        for r in conn.execute("SELECT sha256, path, plan_id, identity FROM casebooks ORDER BY added_wall")
    )
    attempts: dict[tuple[str, str], list[AttemptView]] = {}
    for r in conn.execute(
        "SELECT casebook_sha, case_id, id, run_id, number, started_wall, ended_wall, duration_ms, verdict, reason"
        " FROM attempts ORDER BY number"
    ):
        attempts.setdefault((r[0], r[1]), []).append(AttemptView(*r[2:]))
    definitions = {
        (r[0], r[1]): r[2:]
        for r in conn.execute("SELECT casebook_sha, case_id, position, title, domain, mode, definition FROM cases")
    }
    order = [tuple(r) for r in conn.execute("SELECT casebook_sha, case_id FROM selection ORDER BY position")]
    # cases run outside the current selection (an earlier run's) still belong to the record
    order += sorted((k for k in attempts if k not in set(order)), key=lambda k: (k[0], definitions.get(k, (0,))[0]))
    if not order:
        order = sorted(definitions, key=lambda k: (k[0], definitions[k][0]))
    cases = []
    for key in order:
        if key not in definitions:
            continue
        position, title, domain, mode, definition = definitions[key]
        cases.append(
            CaseView(
                key[0], key[1], position, title, domain, mode, codec.loads(definition), tuple(attempts.get(key, ()))
            )
        )
    return SessionView(path, meta, runs, casebooks, tuple(cases), conn)
