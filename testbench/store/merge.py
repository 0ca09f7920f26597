"""Merge sessions (reruns, CI shards) into one new session that keeps every attempt.

Cases are keyed by (casebook SHA-256, case id). Each case's attempts from all inputs are ordered by
their start time and renumbered 1..n, so the report reads "réussi à la 2e tentative" with the first
attempt's reason still there — attempts are history, not overwrites. The same attempt found in two
inputs (a session merged with a copy of itself) is kept once.

Inputs are only read. Their journal chains are checked first (a tampered input is refused) and their
chain heads recorded in the merged session's meta ``merged_from``; the merged session gets its own
chain, written as its rows are.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from testbench.store import chain
from testbench.store.connection import SessionError, open_readonly
from testbench.store.schema import has_table
from testbench.store.session import SessionStore


class MergeError(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass
class MergeResult:
    sessions: int
    cases: int
    attempts: int
    duplicates: int
    notes: list[str] = field(default_factory=list)


#: what a merge forced over modified inputs says after their problems
_FORCED = "fusion forcée (--allow-tampered) : la session fusionnée relève ces modifications (meta merged_from)"

_RUN_COLS = "started_wall, ended_wall, argv, host, pid, options, environment"
#: an attempt's tables copied in the chain's column order, without the id the output gives each row
_EVENT_COLS, _OBS_COLS, _SET_COLS, _CMP_COLS, _TRACE_COLS = (
    chain.COLUMNS[table][1:] for table in ("events", "observations", "observation_sets", "comparisons", "trace_lines")
)


def merge_sessions(
    inputs: list[Path],
    output: Path,
    *,
    allow_tampered: bool = False,
    selection: Sequence[tuple[str, str]] | None = None,
) -> MergeResult:
    """Merge ``inputs`` into the new session ``output``.

    ``selection`` is the merged session's order of cases (CI shards: the whole campaign's, so the merged
    session reads as one full run); cases of the inputs it does not name follow, in the inputs' order.
    """
    if output.exists():
        raise MergeError([f"{output}: existe déjà ; choisissez un nouveau fichier de session"])
    resolved = {p.resolve() for p in inputs}
    if output.resolve() in resolved:
        raise MergeError([f"{output}: la session fusionnée doit être un nouveau fichier"])
    conns: list[sqlite3.Connection] = []
    try:
        problems = []
        heads = []
        for path in inputs:
            try:
                conn = open_readonly(path)
            except SessionError as exc:
                raise MergeError([str(exc)]) from None
            conns.append(conn)
            report = chain.verify(conn)
            modified = report.problems if not report.ok and chain.has_chain(conn) else []
            problems += [f"{path}: {p}" for p in modified]
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            head: dict[str, Any] = {
                "file": str(path),
                "session_id": meta.get("session_id", ""),
                "chain_head": report.head,
                "chain_length": report.length,
            }
            if modified:  # forced (--allow-tampered): the merged session keeps what its chain found
                head["chain_problems"] = modified
            heads.append(head)
        if problems and not allow_tampered:
            raise MergeError([*problems, "fusion refusée : une session d'entrée a été modifiée"])
        try:
            with SessionStore.open(output) as store:
                store.set_meta("merged_from", json.dumps(heads, ensure_ascii=False))
                result = _merge_into(store, conns, list(selection or ()))
        except BaseException:
            # half a merge is worse than none: remove the new file and its companions
            for leftover in (output, *(output.with_name(output.name + s) for s in ("-wal", "-shm", ".lock"))):
                leftover.unlink(missing_ok=True)
            raise
        if problems:
            result.notes = [*problems, _FORCED]
        return result
    finally:
        for conn in conns:
            conn.close()


def _merge_into(store: SessionStore, conns: list[sqlite3.Connection], selection: list[tuple[str, str]]) -> MergeResult:
    out = store.conn
    run_map: dict[tuple[int, int], int] = {}
    attempts: list[tuple[float, int, int, tuple[Any, ...]]] = []
    with store.transaction():
        for i, conn in enumerate(conns):
            for row in conn.execute(f"SELECT id, {_RUN_COLS} FROM runs ORDER BY id"):
                cur = out.execute(f"INSERT INTO runs ({_RUN_COLS}) VALUES (?,?,?,?,?,?,?)", row[1:])
                run_map[(i, row[0])] = int(cur.lastrowid or 0)
            out.executemany(
                "INSERT OR IGNORE INTO casebooks (sha256, path, plan_id, identity, added_wall) VALUES (?,?,?,?,?)",
                conn.execute("SELECT sha256, path, plan_id, identity, added_wall FROM casebooks"),
            )
            out.executemany(
                "INSERT OR IGNORE INTO cases (casebook_sha, case_id, position, title, domain, mode, definition)"
                " VALUES (?,?,?,?,?,?,?)",
                conn.execute("SELECT casebook_sha, case_id, position, title, domain, mode, definition FROM cases"),
            )
            out.executemany(
                "INSERT OR IGNORE INTO artifacts (sha256, size, media_type, data) VALUES (?,?,?,?)",
                conn.execute("SELECT sha256, size, media_type, data FROM artifacts"),
            )
            for key in conn.execute("SELECT casebook_sha, case_id FROM selection ORDER BY position"):
                if tuple(key) not in selection:
                    selection.append(tuple(key))
            for row in conn.execute(
                "SELECT id, run_id, casebook_sha, case_id, number, started_wall, started_mono_ns, ended_wall,"
                " duration_ms, verdict, reason FROM attempts"
            ):
                attempts.append((row[5], i, row[4], row))
        out.execute("DELETE FROM selection")
        out.executemany(
            "INSERT INTO selection (position, casebook_sha, case_id) VALUES (?,?,?)",
            [(n, sha, cid) for n, (sha, cid) in enumerate(selection)],
        )
        for table in ("runs", "casebooks", "cases", "selection"):
            chain.record_state(out, table)
        # run-level events (no attempt) keep their run
        for i, conn in enumerate(conns):
            rows = conn.execute(
                f"SELECT {', '.join(_EVENT_COLS)} FROM events WHERE attempt_id IS NULL ORDER BY id"
            ).fetchall()
            if rows:
                first = chain.last_id(out, "events") + 1
                out.executemany(
                    f"INSERT INTO events ({', '.join(_EVENT_COLS)}) VALUES (?,?,?,?,?,?,?)",
                    [(run_map.get((i, r[0])) if r[0] is not None else None, *r[1:]) for r in rows],
                )
                chain.record(out, "events", first)
            # trace lines and files captured between cases belong to no attempt; keep them too
            first = chain.last_id(out, "trace_lines") + 1
            out.executemany(
                f"INSERT INTO trace_lines ({', '.join(_TRACE_COLS)}) VALUES ({', '.join('?' * len(_TRACE_COLS))})",
                conn.execute(f"SELECT {', '.join(_TRACE_COLS)} FROM trace_lines WHERE attempt_id IS NULL ORDER BY id"),
            )
            chain.record(out, "trace_lines", first)
            first = chain.last_id(out, "artifact_links") + 1
            out.executemany(
                "INSERT INTO artifact_links (sha256, attempt_id, step_id, name) VALUES (?,?,?,?)",
                conn.execute(
                    "SELECT sha256, NULL, step_id, name FROM artifact_links WHERE attempt_id IS NULL ORDER BY id"
                ),
            )
            chain.record(out, "artifact_links", first)
    attempts.sort(key=lambda a: (a[0], a[1], a[2]))
    seen: set[tuple[Any, ...]] = set()
    numbers: dict[tuple[str, str], int] = {}
    duplicates = 0
    for _, i, _, row in attempts:
        old_id, run_id, sha, cid = row[:4]
        started_wall, started_mono, verdict, reason = row[5], row[6], row[9], row[10]
        identity = (sha, cid, started_wall, started_mono, verdict, reason)
        if identity in seen:
            duplicates += 1
            continue
        seen.add(identity)
        numbers[(sha, cid)] = numbers.get((sha, cid), 0) + 1
        with store.transaction():
            _copy_attempt(out, conns[i], old_id, run_map[(i, run_id)], sha, cid, numbers[(sha, cid)], row)
    with store.transaction():
        for conn in conns:
            if not has_table(conn, "annotations"):
                continue
            for row in conn.execute(
                "SELECT casebook_sha, case_id, attempt_number, action, verdict, reason, reviewer, wall, public_key,"
                " prev, signature FROM annotations ORDER BY id"
            ):
                cur = out.execute(
                    "INSERT INTO annotations (casebook_sha, case_id, attempt_number, action, verdict, reason,"
                    " reviewer, wall, public_key, prev, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                chain.record(out, "annotations", int(cur.lastrowid or 0), int(cur.lastrowid or 0))
    return MergeResult(sessions=len(conns), cases=len(numbers), attempts=sum(numbers.values()), duplicates=duplicates)


def _copy_attempt(
    out: sqlite3.Connection,
    src: sqlite3.Connection,
    old_id: int,
    run_id: int,
    sha: str,
    cid: str,
    number: int,
    row: tuple[Any, ...],
) -> int:
    cur = out.execute(
        "INSERT INTO attempts (run_id, casebook_sha, case_id, number, started_wall, started_mono_ns)"
        " VALUES (?,?,?,?,?,?)",
        (run_id, sha, cid, number, row[5], row[6]),
    )
    new_id = int(cur.lastrowid or 0)
    chain.record(out, "attempt-start", new_id, new_id)
    version = src.execute("PRAGMA user_version").fetchone()[0]
    with_provenance = version >= 4  # observations' provenance (v4)
    tables = [
        ("events", _EVENT_COLS),
        ("observations", (*_OBS_COLS, "provenance") if with_provenance else _OBS_COLS),  # rows of schema ≤ 4
        *([("observation_sets", _SET_COLS)] if version >= 5 else []),
        ("comparisons", _CMP_COLS),
        ("trace_lines", _TRACE_COLS),
    ]
    for table, cols in tables:
        rows = src.execute(f"SELECT {', '.join(cols)} FROM {table} WHERE attempt_id = ? ORDER BY id", (old_id,))
        remapped = [
            tuple(
                new_id if c == "attempt_id" else (run_id if c == "run_id" else v) for c, v in zip(cols, r, strict=True)
            )
            for r in rows
        ]
        if not remapped:
            continue
        first = chain.last_id(out, table) + 1
        out.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", remapped)
        chain.record(out, table, first)
        if table == "observations" and with_provenance:
            chain.record(out, "observation-provenance", first)
    first = chain.last_id(out, "artifact_links") + 1
    out.executemany(
        "INSERT INTO artifact_links (sha256, attempt_id, step_id, name) VALUES (?,?,?,?)",
        [
            (r[0], new_id, r[1], r[2])
            for r in src.execute(
                "SELECT sha256, step_id, name FROM artifact_links WHERE attempt_id = ? ORDER BY id", (old_id,)
            )
        ],
    )
    chain.record(out, "artifact_links", first)
    if row[7] is not None or row[9] != "none" or row[10]:
        out.execute(
            "UPDATE attempts SET ended_wall = ?, duration_ms = ?, verdict = ?, reason = ? WHERE id = ?",
            (row[7], row[8], row[9], row[10], new_id),
        )
        chain.record(out, "attempt-finish", new_id, new_id)
    return new_id


def input_meta(inputs: Sequence[Path], key: str) -> list[tuple[str, str | None]]:
    """Each input's meta ``key`` (None when absent or unreadable: :func:`merge_sessions` says why)."""
    return [(str(path), _meta_value(path, key)) for path in inputs]


def _meta_value(path: Path, key: str) -> str | None:
    try:
        conn = open_readonly(path)
    except SessionError:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else row[0]
