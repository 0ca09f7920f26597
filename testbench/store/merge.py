"""Merge sessions (reruns, CI shards) into one new session that keeps every attempt.

Cases are keyed by (casebook SHA-256, case id). Each case's attempts from all inputs are ordered by
their start time and renumbered 1..n, so the report reads "réussi à la 2e tentative" with the first
attempt's reason still there — attempts are history, not overwrites. The same attempt found in two
inputs (a session merged with a copy of itself) is kept once, and so are its runs and reviews. A review
keeps its signed row; the meta ``annotation_attempts`` says which merged attempt it is about.

Inputs are only read. Their journal chains are checked first (a tampered input is refused) and their
chain heads recorded in the merged session's meta ``merged_from``; the merged session gets its own
chain, written as its rows are. The merged session appears only complete: it is written beside the
output and renamed into place (:func:`partial_path`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from testbench.domain.events import EventKind
from testbench.fmt import os_reason
from testbench.i18n import _t
from testbench.store import chain, codec
from testbench.store.annotations import ATTEMPT_MAP_META, attempt_map
from testbench.store.connection import (
    WRITER_WAIT,
    SessionError,
    SessionLocked,
    SessionWriteError,
    companion,
    lock_path,
    open_readonly,
    sqlite_reason,
)
from testbench.store.read import EXAM_PLAN_META, FIXTURES_META, recorded_meta
from testbench.store.schema import has_table
from testbench.store.session import SessionStore
from testbench.wholefile import replace_over


class MergeError(Exception):
    """The merge was refused (``environment`` False: the inputs or the output asked for) or the disk failed it."""

    def __init__(self, lines: list[str], *, environment: bool = False, tampered: bool = False) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.environment = environment
        self.tampered = tampered  # refused for a modified input only: ``allow_tampered`` would merge it


@dataclass
class MergeResult:
    sessions: int
    cases: int
    attempts: int
    duplicates: int
    notes: list[str] = field(default_factory=list)
    forced: bool = False  # merged over a modified input (``allow_tampered``); its problems are in ``notes``


_OTHER_PLAN = _t(
    "{file} : plan d'examen « {plan} » différent de celui de {kept} (« {kept_plan} ») ; la session fusionnée garde"
    " celui de {kept} (coverage --plan ou report --plan pour lire la session avec un autre plan)"
)

_SEVERAL_FILES = _t(
    "cahier de tests « {plan_id} » : {count} fichiers différents dans les sessions fusionnées (versions {versions}) ;"
    " la session fusionnée les garde tous, la couverture compte ceux qu'attend le plan"
)

#: an input a run still writes (its lock taken): merged, its cases not yet run would read « non exécuté »
_STILL_WRITTEN = _t(
    "session encore ouverte en écriture par un autre processus ; fusionnez-la une fois son exécution terminée"
)
_STILL_WRITTEN_BY = _t(
    "session encore ouverte en écriture par un autre processus (pid {pid} sur {host}) ; fusionnez-la une fois son"
    " exécution terminée"
)

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
    meta: Mapping[str, str] | None = None,
) -> MergeResult:
    """Merge ``inputs`` into the new session ``output``.

    ``selection`` is the merged session's order of cases (CI shards: the whole campaign's, so the merged
    session reads as one full run); cases of the inputs it does not name follow, in the inputs' order.
    ``meta`` is written into the merged session's meta (the shards it holds). An input given twice is read
    once. The merge is written beside ``output`` (:func:`partial_path`) and renamed when complete, so a
    merge killed half-way leaves no ``output``: only that file, which the next merge replaces.
    """
    if output.exists():
        raise MergeError([f"{output} : existe déjà ; choisissez un nouveau fichier de session"])
    if output.resolve() in {p.resolve() for p in inputs}:
        raise MergeError([f"{output} : la session fusionnée doit être un nouveau fichier"])
    unique: dict[Path, Path] = {}
    notes: list[str] = []
    for path in inputs:
        if path.resolve() not in unique:
            unique[path.resolve()] = path
        elif f"{path} : donnée plusieurs fois, lue une fois" not in notes:
            notes.append(f"{path} : donnée plusieurs fois, lue une fois")
    conns: list[sqlite3.Connection] = []
    try:
        problems = []
        heads = []
        for path in unique.values():
            try:
                refuse_written(path)
                conn = open_readonly(path)
            except SessionError as exc:
                raise MergeError([str(exc)]) from None
            conns.append(conn)
            # one snapshot for every read of this input: a run still writing it (a CI shard not yet done) adds
            # rows between two queries, and an event copied without its attempt broke the merge
            conn.execute("BEGIN")
            report = chain.verify(conn)
            modified = chain.modifications(conn, report)
            problems += [f"{path} : {p}" for p in modified]
            head: dict[str, Any] = {
                "file": str(path),
                "session_id": dict(conn.execute("SELECT key, value FROM meta")).get("session_id", ""),
                "chain_head": report.head,
                "chain_length": report.length,
            }
            if modified:  # forced (--allow-tampered): the merged session keeps what its chain found
                head["chain_problems"] = modified
            heads.append(head)
        if problems and not allow_tampered:
            raise MergeError([*problems, "fusion refusée : une session d'entrée a été modifiée"], tampered=True)
        extra = {"merged_from": json.dumps(heads, ensure_ascii=False), **_carried_fixtures(conns), **(meta or {})}
        if EXAM_PLAN_META not in extra:
            plan, said = _carried_plan(list(unique.values()), conns)
            extra |= {EXAM_PLAN_META: plan} if plan is not None else {}
            notes += said
        notes += _several_files(conns)
        result = _write_whole(output, lambda store: _merge_into(store, conns, list(selection or ()), extra))
        result.notes, result.forced = [*notes, *problems], bool(problems)
        return result
    finally:
        for conn in conns:
            conn.close()


def _carried_plan(paths: list[Path], conns: list[sqlite3.Connection]) -> tuple[str | None, list[str]]:
    """The exam plan the merged session records: the first input's that records one (in the order given);
    each input whose plan's text differs is said (the plan kept is named), not refused: the verdicts do not
    depend on the plan, and a later ``coverage --plan`` reads the session with another one."""
    kept: tuple[Path, str, str, str] | None = None  # (input, recorded value, plan name, plan text)
    notes: list[str] = []
    for path, conn in zip(paths, conns, strict=True):
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (EXAM_PLAN_META,)).fetchone()
        if not row or not row[0]:
            continue
        try:
            saved = json.loads(row[0])
            name, text = str(saved["name"]), str(saved["text"])
        except (ValueError, KeyError, TypeError):  # unreadable: kept as recorded, coverage says so
            name, text = "?", str(row[0])
        if kept is None:
            kept = (path, str(row[0]), name, text)
        elif text != kept[3]:
            notes.append(_OTHER_PLAN.format(file=path, plan=name, kept=kept[0], kept_plan=kept[2]))
    return (kept[1] if kept else None), notes


def _carried_fixtures(conns: list[sqlite3.Connection]) -> dict[str, str]:
    """The casebooks' fixtures its inputs recorded (meta ``fixtures:<sha256>``): what the merged session's exports
    mask must not depend on which shard read which card. A casebook's fixtures recorded differently by two inputs
    (a card profile edited between two runs) are all kept, the others under ``fixtures:<sha256>#2``…"""
    carried: dict[str, str] = {}
    for conn in conns:
        for key, value in conn.execute("SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", ("fixtures:%",)):
            if not str(key).startswith(FIXTURES_META) or value in carried.values():
                continue
            base, n = str(key).partition("#")[0], 1
            while (name := base if n == 1 else f"{base}#{n}") in carried:
                n += 1
            carried[name] = value
    return carried


def _several_files(conns: list[sqlite3.Connection]) -> list[str]:
    """A plan-id whose inputs hold several files (versions, an edited copy) is said: a warning, not a refusal —
    the merged session keeps every file, and coverage reads the one its plan expects."""
    files: dict[str, dict[str, str]] = {}  # plan id -> sha256 -> document version
    for conn in conns:
        for sha, plan_id, identity in conn.execute("SELECT sha256, plan_id, identity FROM casebooks"):
            try:
                version = str(json.loads(identity).get("document_version", ""))
            except (ValueError, TypeError, AttributeError):
                version = ""
            files.setdefault(plan_id, {})[sha] = version or "?"
    return [
        _SEVERAL_FILES.format(plan_id=plan_id, count=len(found), versions=", ".join(sorted(set(found.values()))))
        for plan_id, found in files.items()
        if len(found) > 1
    ]


def unfinished(path: Path) -> bool:
    """Whether the last run of the session ``path`` has no end: killed (``kill -9``, a CI job cancelled hard),
    or copied without its ``-wal`` (an artifact pattern ``*.tbsession``), which holds its last committed cases."""
    try:
        conn = open_readonly(path)
    except SessionError:
        return False
    try:
        row = conn.execute("SELECT ended_wall FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return row is not None and row[0] is None


def not_started(path: Path) -> str | None:
    """Why the bench could not start the session ``path``'s last run, when cases of it are left to run
    (:func:`bench_never_started`), else None."""
    found = bench_never_started(path)
    return found[0] if found is not None else None


#: a selected case none of whose attempts has a final verdict (``none``: never run or cut short; ``pending``)
_UNRUN = (
    "SELECT COUNT(*) FROM selection s WHERE NOT EXISTS (SELECT 1 FROM attempts a WHERE a.casebook_sha = s.casebook_sha"
    " AND a.case_id = s.case_id AND a.verdict NOT IN ('none', 'pending'))"
)


def bench_never_started(path: Path) -> tuple[str, int, int] | None:
    """(why, cases run, cases left to run) when the bench could not start the session ``path``'s last run — its
    ``bench-fault`` (« banc indisponible : … », recorded in French), that run making no attempt — and cases of it
    are left to run: the session holds no attempt at all, or some of its selected cases have no final verdict (a CI
    shard killed, then resumed with ``--resume`` on a bench that never started). Else None. Such a shard's job exited 2;
    merged as it is, its slice would count as run and its unrun cases read « non exécuté » with no reason, in a
    campaign that looks complete."""
    try:
        conn = open_readonly(path)
    except SessionError:
        return None
    try:
        last_run = "(SELECT MAX(id) FROM runs)"
        if conn.execute(f"SELECT 1 FROM attempts WHERE run_id = {last_run} LIMIT 1").fetchone() is not None:
            return None
        row = conn.execute(
            f"SELECT data FROM events WHERE run_id = {last_run} AND attempt_id IS NULL AND kind = ?"
            " ORDER BY id DESC LIMIT 1",
            (str(EventKind.BENCH_FAULT),),
        ).fetchone()
        ran = conn.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT casebook_sha, case_id FROM attempts"
            " WHERE verdict NOT IN ('none', 'pending'))"
        ).fetchone()[0]
        any_attempt = conn.execute("SELECT 1 FROM attempts LIMIT 1").fetchone() is not None
        unrun = conn.execute(_UNRUN).fetchone()[0] if row is not None and any_attempt else 0
    except sqlite3.Error:  # an input the merge reads again, and says why it cannot
        return None
    finally:
        conn.close()
    if row is None or (any_attempt and not unrun):  # its last run ran, or left nothing to run
        return None
    try:
        data = codec.loads(row[0])
    except codec.DamagedValue:
        return None
    reason = data.get("reason") if isinstance(data, dict) else None
    if not isinstance(reason, str) or not reason.strip():  # an edited one: never a list's repr
        return None
    return reason, int(ran), int(unrun)


def refuse_written(path: Path, wait: float = WRITER_WAIT) -> None:
    """Raise :class:`SessionLocked` when a run still holds ``path``'s lock (a CI shard not finished): merged now,
    the cases it has not run yet would read « non exécuté » in a campaign that looks complete. No lock file, or
    one that cannot be opened (a read-only medium), is nobody's: such an input is merged as it is. ``wait``: how
    long a lock held may be waited for (a closing reader holds it a few milliseconds)."""
    if not lock_path(path).exists():
        return
    lock = FileLock(lock_path(path), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise SessionLocked(f"{path} : {_still_written(path)}") from None
    except OSError:
        return
    lock.release()


def _still_written(path: Path) -> str:
    """The refusal of ``path``, naming the process that writes it when its meta says which (as ``run``'s does)."""
    try:
        writer = codec.loads((recorded_meta(path, "writer") or {}).get("writer"))
    except codec.DamagedValue:
        writer = None
    if isinstance(writer, dict) and {"pid", "host"} <= writer.keys():
        return _STILL_WRITTEN_BY.format(pid=writer["pid"], host=writer["host"])
    return _STILL_WRITTEN


def partial_path(output: Path) -> Path:
    """Where a merge into ``output`` is written until it is complete."""
    return output.with_name(output.name + ".partial")


def _companions(path: Path) -> tuple[Path, ...]:
    return tuple(companion(path, suffix) for suffix in ("-wal", "-shm", ".lock"))


def _write_whole(output: Path, write: Callable[[SessionStore], MergeResult]) -> MergeResult:
    """Run ``write`` on a new session beside ``output``, then rename it ``output`` (whole or not at all)."""
    from testbench.interrupts import deferred

    partial = partial_path(output)
    _remove_stale(partial, output)
    done, mine = False, True  # mine: the partial file is this merge's, not one that started meanwhile
    try:
        try:  # inside the clean-up: ^C or SIGTERM while the new file is set up leaves nothing of it either
            store = SessionStore.open(partial)
        except SessionLocked as exc:  # a merge that started meanwhile owns its file
            mine = False
            raise _failed(output, partial, exc) from None
        with store:
            result = write(store)
        if output.exists():  # written meanwhile by someone else: not overwritten
            raise MergeError([f"{output} : existe déjà ; choisissez un nouveau fichier de session"])
        replace_over(partial, output)  # atomic; Windows: an antivirus scanning the new file is waited for
        done = True
    except SessionError as exc:  # a full disk while the new file is set up, a disk that fails the write
        raise _failed(output, partial, exc) from None
    except OSError as exc:  # the folder refused the merge's own file while it was written: the environment's
        raise MergeError([f"{output} : écriture impossible ici ({os_reason(exc)})"], environment=True) from None
    finally:
        # a failed or interrupted merge leaves nothing; a complete one leaves no companion of the partial file
        if mine:
            with deferred():  # a second ^C does not cut the removal
                _remove(*(() if done else (partial,)), *_companions(partial))
    return result


def _remove(*paths: Path) -> None:
    """Remove what a failed merge left; what cannot be removed (a read-only file system) stays, and the
    merge's own failure is the one said (``missing_ok`` only covers a file that is not there)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _failed(output: Path, partial: Path, exc: SessionError) -> MergeError:
    """The store's refusal of the partial file, said of the output the person named; a failing disk (full,
    I/O error) is the environment's, and nothing of the merge is left."""
    if isinstance(exc, SessionWriteError):
        cause = exc.__cause__
        reason = sqlite_reason(cause) if isinstance(cause, sqlite3.Error) else "erreur d'entrée-sortie du disque"
        said = (
            f"{output} : écriture impossible ({reason}) ; rien n'a été écrit : libérez de l'espace disque"
            " puis relancez la fusion"
        )
        return MergeError([said], environment=True)
    said = str(exc)
    return MergeError([f"{output}{said[len(str(partial)) :]}" if said.startswith(str(partial)) else said])


def _remove_stale(partial: Path, output: Path) -> None:
    """Remove what a merge killed half-way left (its lock is free), or refuse while a merge writes it."""
    if not any(p.exists() for p in (partial, *_companions(partial))):
        return
    lock = FileLock(lock_path(partial), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise MergeError([f"{output} : une autre fusion l'écrit déjà (fichier {partial.name})"]) from None
    try:
        _remove(partial, *_companions(partial)[:2])
    finally:
        lock.release()


def _merge_into(
    store: SessionStore, conns: list[sqlite3.Connection], selection: list[tuple[str, str]], meta: Mapping[str, str]
) -> MergeResult:
    out = store.conn
    run_map: dict[tuple[int, int], int] = {}
    runs: dict[tuple[Any, ...], int] = {}  # a run found in two inputs (a session and its copy) is kept once
    seen_rows: set[tuple[Any, ...]] = set()  # rows of no attempt (run events, lines between cases) kept once
    attempts: list[tuple[float, int, int, tuple[Any, ...]]] = []
    # each casebook as its inputs first added it; the merged order (the report's, JUnit's suite name) does not
    # depend on the order the inputs are given in (_casebook_order)
    casebooks: dict[str, tuple[Any, ...]] = {}
    cases: list[tuple[Any, ...]] = []  # inserted after their casebooks
    with store.transaction():  # one write: the file is renamed into place only once complete
        for key, value in meta.items():
            store.set_meta(key, value)
        for i, conn in enumerate(conns):
            for row in conn.execute(f"SELECT id, {_RUN_COLS} FROM runs ORDER BY id"):
                if tuple(row[1:]) not in runs:
                    cur = out.execute(f"INSERT INTO runs ({_RUN_COLS}) VALUES (?,?,?,?,?,?,?)", row[1:])
                    runs[tuple(row[1:])] = int(cur.lastrowid or 0)
                run_map[(i, row[0])] = runs[tuple(row[1:])]
            for row in conn.execute("SELECT sha256, path, plan_id, identity, added_wall FROM casebooks"):
                if row[0] not in casebooks or row[4] < casebooks[row[0]][4]:
                    casebooks[row[0]] = tuple(row)
            cases += conn.execute(
                "SELECT casebook_sha, case_id, position, title, domain, mode, definition FROM cases"
            ).fetchall()
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
        out.executemany(
            "INSERT OR IGNORE INTO casebooks (sha256, path, plan_id, identity, added_wall) VALUES (?,?,?,?,?)",
            sorted(casebooks.values(), key=_casebook_order(selection)),
        )
        out.executemany(
            "INSERT OR IGNORE INTO cases (casebook_sha, case_id, position, title, domain, mode, definition)"
            " VALUES (?,?,?,?,?,?,?)",
            cases,
        )
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
            remapped = [(run_map.get((i, r[0])) if r[0] is not None else None, *r[1:]) for r in rows]
            _insert_once(out, "events", _EVENT_COLS, remapped, seen_rows)
            # trace lines and files captured between cases belong to no attempt; keep them too
            rows = conn.execute(
                f"SELECT {', '.join(_TRACE_COLS)} FROM trace_lines WHERE attempt_id IS NULL ORDER BY id"
            ).fetchall()
            _insert_once(out, "trace_lines", _TRACE_COLS, rows, seen_rows)
            rows = conn.execute(
                "SELECT sha256, NULL, step_id, name FROM artifact_links WHERE attempt_id IS NULL ORDER BY id"
            ).fetchall()
            _insert_once(out, "artifact_links", ("sha256", "attempt_id", "step_id", "name"), rows, seen_rows)
        attempts.sort(key=lambda a: (a[0], a[1], a[2]))
        kept: dict[tuple[Any, ...], int] = {}  # an attempt's identity → its number in the merged session
        merged_number: dict[tuple[int, int], int] = {}  # (input, its attempt id) → the merged number
        numbers: dict[tuple[str, str], int] = {}
        duplicates = 0
        for _, i, _, row in attempts:
            old_id, run_id, sha, cid = row[:4]
            started_wall, started_mono, verdict, reason = row[5], row[6], row[9], row[10]
            identity = (sha, cid, started_wall, started_mono, verdict, reason)
            if identity in kept:
                duplicates += 1
            else:
                numbers[(sha, cid)] = kept[identity] = numbers.get((sha, cid), 0) + 1
                _copy_attempt(out, conns[i], old_id, run_map[(i, run_id)], sha, cid, kept[identity], row)
            merged_number[(i, old_id)] = kept[identity]
        _copy_annotations(store, conns, attempts, merged_number)
    return MergeResult(sessions=len(conns), cases=len(numbers), attempts=sum(numbers.values()), duplicates=duplicates)


def _casebook_order(selection: list[tuple[str, str]]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """The merged casebooks' order: the selection's (CI shards: the campaign's, by plan id when the shards
    listed their casebooks in different orders), then as their inputs first added them — never which shard
    started first (the report's order, JUnit's suite name)."""
    first: dict[str, int] = {}
    for sha, _ in selection:
        first.setdefault(sha, len(first))
    return lambda row: (first.get(row[0], len(first)), row[4], row[0])


def _insert_once(
    out: sqlite3.Connection, table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]], seen: set[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` not inserted yet (chained as one batch)."""
    fresh = []
    for row in rows:
        if (table, *row) not in seen:
            seen.add((table, *row))
            fresh.append(tuple(row))
    if fresh:
        first = chain.last_id(out, table) + 1
        out.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", fresh)
        chain.record(out, table, first)


def _copy_annotations(
    store: SessionStore,
    conns: list[sqlite3.Connection],
    attempts: list[tuple[float, int, int, tuple[Any, ...]]],
    merged_number: dict[tuple[int, int], int],
) -> None:
    """Copy the reviews as signed, each once, and record which merged attempt each one is about.

    A review's attempt number is signed, so the row keeps its input's number; the meta
    :data:`~testbench.store.annotations.ATTEMPT_MAP_META` gives the attempt's number among the merged ones.
    """
    out = store.conn
    attempt_id = {(i, row[2], row[3], row[4]): row[0] for _, i, _, row in attempts}  # (input, case, number) → id
    about: dict[str, int] = {}
    seen: set[tuple[Any, ...]] = set()
    for i, conn in enumerate(conns):
        if not has_table(conn, "annotations"):
            continue
        numbers = attempt_map(conn)  # an input that is itself a merge: its reviews' attempts there
        for row in conn.execute(
            "SELECT id, casebook_sha, case_id, attempt_number, action, verdict, reason, reviewer, wall, public_key,"
            " prev, signature FROM annotations ORDER BY id"
        ):
            if tuple(row[1:]) in seen:  # the same signed review, from a copy of its session
                continue
            seen.add(tuple(row[1:]))
            cur = out.execute(
                "INSERT INTO annotations (casebook_sha, case_id, attempt_number, action, verdict, reason,"
                " reviewer, wall, public_key, prev, signature) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                row[1:],
            )
            new_id = int(cur.lastrowid or 0)
            chain.record(out, "annotations", new_id, new_id)
            number = numbers.get(row[0], row[3])
            old = attempt_id.get((i, row[1], row[2], number))
            if old is not None:
                about[str(new_id)] = merged_number[(i, old)]
    if about:
        store.set_meta(ATTEMPT_MAP_META, json.dumps(about))


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


def input_meta(inputs: Sequence[Path], *keys: str) -> list[tuple[str, str | None]]:
    """Each input's meta: the first of ``keys`` it has (None when none, or unreadable: :func:`merge_sessions`
    says why)."""
    return [(str(path), _meta_value(path, keys)) for path in inputs]


def _meta_value(path: Path, keys: Sequence[str]) -> str | None:
    found = recorded_meta(path, *keys) or {}
    return next((found[key] for key in keys if found.get(key)), None)
