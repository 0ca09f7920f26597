"""Reading a session file back: the one model every view (reports, TUI, diff, JUnit, verify) is built from.

Functions here only read; they work on a session that a run is still writing. The rules a view would
otherwise derive from raw rows are derived here once: a step's status and a card's status
(:mod:`testbench.store.model`), the retained verdict (:mod:`testbench.store.verdicts`, from each case's
annotations with their signature checked). No connection leaves this module.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from testbench.domain.events import EventKind
from testbench.domain.verdict import Verdict
from testbench.i18n import _t
from testbench.store import chain, codec
from testbench.store.annotations import Annotation, read_annotations
from testbench.store.connection import SessionError, SessionLocked, connect_readonly, open_readonly, sqlite_reason
from testbench.store.model import CardState, ProductVersion, StepState, card_states, run_product, step_states
from testbench.store.schema import has_table
from testbench.store.verdicts import deciding_review, retained_verdict
from testbench.traces.model import TraceLine

#: the session meta key under which a CI shard records its place in its campaign (``runner.shard`` writes it;
#: an empty value: the session is whole again)
SHARD_META = "shard"
#: the session meta key under which a campaign records its exam plan (``--plan``: its name and its text); a merge
#: carries it over
EXAM_PLAN_META = "exam_plan"
#: the prefix of the meta keys under which a campaign records a casebook's fixtures (``fixtures:<sha256>``):
#: a patient's rights and a prescription's attributes, which reach the engine and the application without
#: being observed, and the export must redact (testbench.report.personal.known_values)
FIXTURES_META = "fixtures:"
#: the session meta key listing the cover's fields completed after the runs (testbench.tools.cover):
#: [{"field", "value", "by", "at"}], ``at`` a UTC ISO time; the fields themselves are meta keys too
COMPLETED_META = "cover_completed"
#: the fields that can be completed so, in the cover's order, with their words
COMPLETABLE = {
    "sut": _t("logiciel testé"),
    "sut_version": _t("version du logiciel testé"),
    "agrement": _t("n° d'agrément ou de test"),
    "operator": _t("opérateur"),
}

Key = tuple[str, str]  # (casebook sha256, case id)
#: an observation as recorded: (step id, path, value JSON, source, provenance JSON or None)
ObservationRow = tuple[str | None, str, str, str, str | None]


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
    definition_json: str  # as recorded: decoded on use (:attr:`definition`), a campaign's are not all held
    attempts: tuple[AttemptView, ...] = ()
    annotations: tuple[Annotation, ...] = ()  # oldest first, each with its signature checked
    #: a rerun cut short (:func:`open_rerun`) was to run it again and had not reached it: its earlier attempts
    #: are history, the case reads « non exécuté » (as the cut run's JUnit says) until ``--resume`` runs it
    awaiting: bool = False

    @property
    def key(self) -> Key:
        return (self.casebook_sha, self.case_id)

    @property
    def definition(self) -> dict[str, Any]:
        """The case as the session recorded it (shared with the other uses of the case: read, never change)."""
        return _definition(self.definition_json)

    @property
    def latest(self) -> AttemptView | None:
        return self.attempts[-1] if self.attempts and not self.awaiting else None

    @property
    def verdict(self) -> str:
        """The recorded verdict: what the latest attempt ended with."""
        return self.latest.verdict if self.latest else "none"

    @property
    def deciding_review(self) -> Annotation | None:
        """The valid review that decides the retained verdict, if any."""
        return deciding_review(self.latest.number if self.latest else None, self.annotations, self.verdict)

    @property
    def retained_verdict(self) -> str:
        """The verdict the review retains (testbench.store.verdicts), the recorded one when none decides."""
        return retained_verdict(self.verdict, self.latest.number if self.latest else None, self.annotations)

    @property
    def step_ids(self) -> list[str]:
        return [str(step["id"]) for step in self.definition.get("steps", [])]

    @property
    def slots(self) -> list[str]:
        return [str(card.get("slot")) for card in self.definition.get("cards", [])]


@dataclass(frozen=True)
class AttemptDetails:
    """What one attempt recorded, as :meth:`SessionView.details` reads it for a batch of attempts."""

    events: list[dict[str, Any]]
    observations: list[ObservationRow]  # as recorded (:func:`observation` decodes one): a campaign repeats them
    comparisons: list[dict[str, Any]]
    trace: list[tuple[float, str, str | None, str]]  # (wall, channel, step id, text) in capture order
    artifacts: list[dict[str, Any]]


@dataclass(frozen=True)
class CasebookView:
    sha256: str
    path: str
    plan_id: str
    identity: dict[str, Any]


#: the journal chain's first schema version: an older session has none to check
CHAIN_SINCE = chain.CHAIN_SINCE

#: a typed column read back holding a value of another type (« abc » in a time): SQLite keeps whatever an edit put
#: there, and the writer never does, so the file was changed outside testbench. Said in a person's words (the
#: chain's name of the table, :data:`_COLUMN_WORDS`), the row kept to find it, preceded by its case and attempt
UNEXPECTED_TYPE = _t(
    "{table}, ligne {row} : valeur inattendue pour {column}, ignorée (fichier modifié hors de testbench)"
)
#: the same in a case's definition row, found by its case id
UNEXPECTED_IN_CASE = _t("cas {case} : valeur inattendue pour {column}, ignorée (fichier modifié hors de testbench)")
#: the columns :func:`chain.located` names a row by: a flawed one is not shown, the row alone says where
_LOCATING = frozenset({("attempts", "number"), ("events", "step_id")})
#: the columns :class:`_Guard` checks, as a person names them (never the column's name)
_COLUMN_WORDS = {
    "run_id": _t("le lancement"),
    "number": _t("le numéro de tentative"),
    "started_wall": _t("l'heure de début"),
    "ended_wall": _t("l'heure de fin"),
    "duration_ms": _t("la durée"),
    "verdict": _t("le verdict"),
    "reason": _t("le motif"),
    "step_id": _t("l'étape"),
    "kind": _t("le type d'événement"),
    "mono_ns": _t("l'horloge monotone"),
    "wall": _t("l'heure"),
    "data": _t("les données"),
    "argv": _t("la ligne de commande"),
    "host": _t("le nom de la machine"),
    "pid": _t("le numéro de processus"),
    "options": _t("les options"),
    "environment": _t("l'environnement"),
    "sha256": _t("l'empreinte"),
    "path": _t("le chemin"),
    "plan_id": _t("l'identifiant du plan"),
    "identity": _t("l'identité"),
    "position": _t("la position"),
    "title": _t("le titre"),
    "domain": _t("le domaine"),
    "mode": _t("le mode"),
}
#: per column kind (:meth:`_Guard.row`): the types it holds and its empty value; upper case: NULL allowed
_KINDS: dict[str, tuple[tuple[type, ...], Any]] = {
    "i": ((int,), 0),
    "r": ((int, float), 0.0),
    "t": ((str,), ""),
    "j": ((str,), None),  # JSON text, decoded by :meth:`_Guard.decoded`
}
#: the verdicts a writer records
_VERDICTS = frozenset(str(v) for v in Verdict)


class _Guard:
    """The reader's check of what it hands the views: each typed column as the writer wrote it. A value of another
    type (or JSON that does not decode to what it holds) is replaced by an empty one and said in :attr:`flaws`,
    which count the session altered (:meth:`SessionView.chain_problems`): a report is still written, with its
    « altérée » banner, instead of stopping on a value it cannot format."""

    def __init__(self, conn: sqlite3.Connection | None = None) -> None:
        self.flaws: list[str] = []
        self._conn = conn  # to name the case and attempt of a flawed row (:func:`chain.located`)

    def _flaw(self, table: str, row: Any, column: str) -> None:
        words = _COLUMN_WORDS.get(column, column)
        if table == "cases":
            said = UNEXPECTED_IN_CASE.format(case=row, column=words)
        else:
            said = UNEXPECTED_TYPE.format(table=chain.table_words(table), row=row, column=words)
            if self._conn is not None and (table, column) not in _LOCATING:
                said = chain.located(self._conn, table, [row], said)
        if said not in self.flaws:
            self.flaws.append(said)

    def row(self, table: str, row: Sequence[Any], columns: str, kinds: str) -> tuple[Any, ...]:
        """``row`` of ``table`` (its first value its id), each value checked against its kind (one letter per
        column, ``columns`` their names separated by spaces: ``i`` integer, ``r`` number, ``t`` text, ``j`` JSON
        text, ``.`` not checked; upper case: may be NULL)."""
        out: list[Any] | None = None
        for i, name, types, nullable, empty in _spec(columns, kinds):
            value = row[i]
            if (value is None and nullable) or (isinstance(value, types) and not isinstance(value, bool)):
                continue
            out = out or list(row)
            out[i] = None if nullable else empty
            self._flaw(table, row[0], name)
        return tuple(row) if out is None else tuple(out)

    def decoded(self, text: Any, table: str, row: Any, column: str, kind: type | None, empty: Any) -> Any:
        """The JSON ``text`` of a column decoded, ``empty`` when it does not decode or is not of ``kind`` (None: any,
        or JSON null)."""
        try:
            value = codec.loads(text)
        except (codec.DamagedValue, TypeError, ValueError):
            self._flaw(table, row, column)
            return empty
        if kind is not None and value is not None and not isinstance(value, kind):
            self._flaw(table, row, column)
            return empty
        return value

    def attempt(self, row: Sequence[Any]) -> AttemptView:
        """An attempt row (``id, run_id, number, started_wall, ended_wall, duration_ms, verdict, reason``) as a view;
        a verdict no writer records reads as an error, never as a pass."""
        checked = self.row("attempts", row, _ATTEMPT_COLUMNS, "iiirRRtt")
        if checked[6] not in _VERDICTS:
            self._flaw("attempts", row[0], "verdict")
            checked = (*checked[:6], "error", checked[7])
        return AttemptView(*checked)


_ATTEMPT_COLUMNS = "id run_id number started_wall ended_wall duration_ms verdict reason"


@functools.lru_cache(maxsize=32)
def _spec(columns: str, kinds: str) -> tuple[tuple[int, str, tuple[type, ...], bool, Any], ...]:
    """The checked columns of :meth:`_Guard.row`: (index, name, types, NULL allowed, empty value)."""
    names = columns.split()
    if len(names) != len(kinds):
        raise ValueError(f"{len(names)} columns, {len(kinds)} kinds")
    return tuple(
        (i, name, *_KINDS[kind.lower()][:1], kind.isupper(), _KINDS[kind.lower()][1])
        for i, (name, kind) in enumerate(zip(names, kinds, strict=True))
        if kind != "."
    )


@dataclass(frozen=True)
class SessionView:
    path: Path
    meta: dict[str, str]
    runs: tuple[dict[str, Any], ...]
    casebooks: tuple[CasebookView, ...]
    cases: tuple[CaseView, ...]  # the session's selection, in order (all recorded cases if none)
    _conn: sqlite3.Connection = field(repr=False, compare=False)
    #: recorded cases of earlier casebook versions the selection moved on from (:func:`superseded`), not counted
    history: int = 0
    _guard: _Guard = field(default_factory=_Guard, repr=False, compare=False)
    #: the journal chain's (length, last hash) as the view began reading: what :meth:`continues` looks for
    head: tuple[int, str] = (0, chain.GENESIS)

    def close(self) -> None:
        self._conn.close()

    def continues(self, earlier: SessionView) -> bool:
        """Whether this view reads ``earlier``'s session (its own id) as ``earlier`` read it plus what was written
        since: its journal chain holds ``earlier``'s head, every write appending to it. Another session put at the
        path, or this one copied back at an earlier state, does not."""
        if self.meta.get("session_id") != earlier.meta.get("session_id"):
            return False
        seq, hash_ = earlier.head
        if seq == 0:
            return True
        if not chain.has_chain(self._conn):
            return False
        row = self._conn.execute("SELECT hash FROM chain WHERE seq = ?", (seq,)).fetchone()
        return row is not None and row[0] == hash_

    def __enter__(self) -> SessionView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- per-attempt details, read on demand so a 700-case session stays cheap to open ----------
    # Each table is read by one query for a batch of attempts (:meth:`details`): a report reads a
    # campaign batch by batch, a view one attempt at a time through the same queries.
    def _grouped(
        self, sql: str, ids: Sequence[int], row: Callable[[tuple[Any, ...]], Any], args: Sequence[Any] = ()
    ) -> dict[int, list[Any]]:
        """``sql`` (its first column the attempt id, a ``{ids}`` placeholder for the list, then ``args``)
        grouped by attempt, each group in the query's order."""
        out: dict[int, list[Any]] = {i: [] for i in ids}
        if ids:
            for r in self._conn.execute(sql.format(ids=",".join("?" * len(ids))), (*ids, *args)):
                out[r[0]].append(row(r))
        return out

    def _events(self, ids: Sequence[int], kinds: Sequence[str] = ()) -> dict[int, list[dict[str, Any]]]:
        only = f" AND kind IN ({','.join('?' * len(kinds))})" if kinds else ""
        return self._grouped(
            "SELECT attempt_id, id, step_id, kind, mono_ns, wall, data FROM events WHERE attempt_id IN ({ids})"
            + only
            + " ORDER BY id",
            ids,
            self._event,
            kinds,
        )

    def _event(self, r: tuple[Any, ...]) -> dict[str, Any]:
        columns = "id step_id kind mono_ns wall data"
        event_id, step, kind, mono, wall, data = self._guard.row("events", r[1:], columns, "iTtirj")
        data = self._guard.decoded(data, "events", event_id, "data", None, None)
        return {"id": event_id, "step_id": step, "kind": kind, "mono_ns": mono, "wall": wall, "data": data}

    def _observation_rows(self, ids: Sequence[int]) -> dict[int, list[ObservationRow]]:
        """Each attempt's observations, one row per path: those of a file of schema ≤ 4 (one table row
        per path), then those written since (schema v5: one table row per step, :func:`_expand`)."""
        provenance = "provenance" if self.schema_version >= 4 else "NULL"  # column of schema v4
        out = self._grouped(
            f"SELECT attempt_id, step_id, path, value, source, {provenance} FROM observations"
            " WHERE attempt_id IN ({ids}) ORDER BY id",
            ids,
            lambda r: r[1:],
        )
        if ids and self._has_observation_sets:
            sql = (
                "SELECT attempt_id, step_id, source, data, provenance FROM observation_sets"
                f" WHERE attempt_id IN ({','.join('?' * len(ids))}) ORDER BY id"
            )
            for attempt, *step_set in self._conn.execute(sql, ids):
                out[attempt] += _expand(*step_set)
        return out

    def _comparisons(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Each attempt's comparisons: the last of each expectation. An attempt stopped then continued
        (``reopen_attempt``) was compared at each end; its earlier « non exécuté » rows stay in the journal,
        but the attempt's result is its final end's, once each."""
        rows = self._grouped(
            "SELECT attempt_id, expectation_id, data FROM comparisons WHERE attempt_id IN ({ids}) ORDER BY id",
            ids,
            lambda r: (r[1], r[2]),
        )
        out: dict[int, list[dict[str, Any]]] = {}
        for attempt, items in rows.items():
            last: dict[str, str] = {}
            for expectation, data in items:
                last.pop(expectation, None)  # the final end's order
                last[expectation] = data
            out[attempt] = [codec.loads(data) for data in last.values()]
        return out

    def _trace_rows(self, ids: Sequence[int]) -> dict[int, list[tuple[float, str, str | None, str]]]:
        return self._grouped(
            "SELECT attempt_id, wall, channel, step_id, text FROM trace_lines WHERE attempt_id IN ({ids})"
            " ORDER BY attempt_id, mono_ns, id",
            ids,
            lambda r: r[1:],
        )

    def _artifacts(self, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        return self._grouped(
            "SELECT l.attempt_id, l.name, l.step_id, a.sha256, a.size, a.media_type FROM artifact_links l"
            " JOIN artifacts a ON a.sha256 = l.sha256 WHERE l.attempt_id IN ({ids}) ORDER BY l.id",
            ids,
            lambda r: {"name": r[1], "step_id": r[2], "sha256": r[3], "size": r[4], "media_type": r[5]},
        )

    def details(self, attempt_ids: Sequence[int]) -> dict[int, AttemptDetails]:
        """Everything recorded of each of ``attempt_ids``, one query per table for the whole batch (keep
        batches to a few hundred attempts: they are held in memory together)."""
        ids = list(dict.fromkeys(attempt_ids))
        parts = (self._events(ids), self._observation_rows(ids), self._comparisons(ids), self._trace_rows(ids))
        links = self._artifacts(ids)
        return {i: AttemptDetails(*(part[i] for part in parts), links[i]) for i in ids}

    def events(self, attempt_id: int) -> list[dict[str, Any]]:
        return self._events([attempt_id])[attempt_id]

    def last_event_before_latest_run(self, attempt_id: int) -> float | None:
        """The wall time of the attempt's last event recorded before the session's latest run began: where a killed
        process left an attempt that run continues (its own events are not the time spent before the pause, as
        :meth:`SessionStore.reopen_attempt` counts it); None when there is none. The file as it is now, not as the
        view first read it."""
        row = self._conn.execute(
            "SELECT MAX(wall) FROM events WHERE attempt_id = ?"
            " AND wall < COALESCE((SELECT started_wall FROM runs ORDER BY id DESC LIMIT 1), 1e308)",
            (attempt_id,),
        ).fetchone()
        return float(row[0]) if row and isinstance(row[0], float | int) else None

    def events_of(self, attempt_ids: Sequence[int], kinds: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
        """The events of ``kinds`` of each attempt, one query for the batch."""
        return self._events(list(dict.fromkeys(attempt_ids)), [str(k) for k in kinds])

    def observations(self, attempt_id: int) -> list[dict[str, Any]]:
        """An attempt's observations; ``provenance`` says where an extracted value was read (file and offset,
        or log line) or how an operator corrected it (``{"correction": {...}}``), None otherwise."""
        return [observation(row) for row in self._observation_rows([attempt_id])[attempt_id]]

    def comparisons(self, attempt_id: int) -> list[dict[str, Any]]:
        return self._comparisons([attempt_id])[attempt_id]

    def comparisons_of(self, attempt_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Each attempt's comparisons (:meth:`comparisons`), one query for the batch."""
        return self._comparisons(list(dict.fromkeys(attempt_ids)))

    def trace_lines(self, attempt_id: int, channel: str | None = None) -> list[TraceLine]:
        sql = (
            "SELECT channel, mono_ns, wall, text, source, source_ts, level, attempt_id, step_id FROM trace_lines"
            " WHERE attempt_id = ?"
        )
        args: tuple[Any, ...] = (attempt_id,)
        if channel:
            sql += " AND channel = ?"
            args += (channel,)
        return [TraceLine(*r) for r in self._conn.execute(sql + " ORDER BY mono_ns, id", args)]

    def artifacts(self, attempt_id: int) -> list[dict[str, Any]]:
        return self._artifacts([attempt_id])[attempt_id]

    def artifact_data(self, sha256: str) -> bytes:
        row = self._conn.execute("SELECT data FROM artifacts WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise KeyError(sha256)
        return bytes(row[0])

    def trace_rows(self, attempt_id: int) -> list[tuple[float, str, str | None, str]]:
        """(wall, channel, step id, text) of an attempt's lines in capture order: raw tuples, for the views
        that see every trace line of a campaign."""
        return self._trace_rows([attempt_id])[attempt_id]

    def artifact_blobs(self, media_type: str) -> Iterator[bytes]:
        """The content of every stored file of ``media_type`` (each stored once, whatever links to it)."""
        rows = self._conn.execute("SELECT data FROM artifacts WHERE media_type = ?", (media_type,))
        yield from (bytes(r[0]) for r in rows)

    def trace_texts(self, channel: str, *, distinct: bool = False) -> Iterator[str]:
        """The text of every line of ``channel`` in the session; ``distinct``: each text once (deduplicated
        by SQLite, so the caller holds no set of a whole campaign's lines)."""
        query = f"SELECT {'DISTINCT' if distinct else ''} text FROM trace_lines WHERE channel = ?"
        yield from (r[0] for r in self._conn.execute(query, (channel,)))

    def observation_values(
        self, keep: Callable[[str], object] | None = None, *, distinct: bool = False
    ) -> Iterator[tuple[str, Any]]:
        """(path, value) of every observation of the session, every attempt; with ``keep``, only those whose
        path it accepts (the others' values are not decoded); ``distinct``: each (path, value) once in each
        layout (a campaign observes the same card's values in every case; a session holding both layouts,
        schema ≤ 4 rows and v5 sets, may give a pair twice)."""
        rows = self._conn.execute(f"SELECT {'DISTINCT' if distinct else ''} path, value FROM observations")
        yield from ((r[0], codec.loads(r[1])) for r in rows if keep is None or keep(r[0]))
        if not self._has_observation_sets:
            return

        def decoded(where: str = "") -> Iterator[tuple[str, Any]]:
            for (data,) in self._conn.execute(f"SELECT data FROM observation_sets {where}"):
                yield from ((p, v) for p, v in codec.loads(data).items() if keep is None or keep(p))

        if not distinct:
            yield from decoded()
            return
        # SQLite's json_each spreads the sets and drops the repeats in C; a set SQLite cannot parse (a
        # NaN or an infinity, which Python's JSON writes) is read here instead
        valid = "json_valid(data)"
        rows = self._conn.execute(
            "SELECT DISTINCT j.key, j.value, j.type FROM observation_sets,"
            f" json_each(CASE WHEN {valid} THEN data ELSE '{{}}' END) j"
        )
        yield from ((r[0], _json_each_value(r[1], r[2])) for r in rows if keep is None or keep(r[0]))
        yield from decoded(f"WHERE NOT {valid}")

    @property
    def _has_observation_sets(self) -> bool:
        """Whether the file has the table of schema v5 (asked each time: a run may migrate an older file
        a view is reading)."""
        return has_table(self._conn, "observation_sets")

    def case_definitions(self) -> Iterator[dict[str, Any]]:
        """The definition of every case the session recorded, selected or not."""
        yield from (codec.loads(r[0]) for r in self._conn.execute("SELECT definition FROM cases"))

    def recorded_cases(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """(casebook sha256, case id, domain, definition) of every case the session recorded, selected or
        not, in each casebook's order: a scope counts the cases never selected too."""
        rows = self._conn.execute(
            "SELECT casebook_sha, case_id, domain, definition FROM cases ORDER BY casebook_sha, position"
        )
        yield from ((r[0], r[1], r[2], codec.loads(r[3])) for r in rows)

    def event_data(self, kind: EventKind | None = None, mentioning: str | None = None) -> Iterator[Any]:
        """The data of every event of ``kind``, or whose data holds the key ``mentioning``."""
        if kind is not None:
            rows = self._conn.execute("SELECT data FROM events WHERE kind = ?", (str(kind),))
        else:
            rows = self._conn.execute("SELECT data FROM events WHERE data LIKE ?", (f'%"{mentioning}"%',))
        yield from (codec.loads(r[0]) for r in rows)

    def attempts_of(self, key: Key) -> tuple[AttemptView, ...]:
        """A case's attempts as they stand now (a run may have added one since the session was read)."""
        rows = self._conn.execute(
            "SELECT id, run_id, number, started_wall, ended_wall, duration_ms, verdict, reason FROM attempts"
            " WHERE casebook_sha = ? AND case_id = ? ORDER BY number",
            key,
        )
        return tuple(self._guard.attempt(r) for r in rows)

    @functools.cached_property
    def not_run_reason(self) -> str:
        """Why the cases with no attempt did not run: the bench the latest run could not start (that run's
        ``bench-fault`` event, recorded in French), or "" (the latest run went ahead, or none yet)."""
        if not self.runs:
            return ""
        row = self._conn.execute(
            "SELECT data FROM events WHERE run_id = ? AND attempt_id IS NULL AND kind = ? ORDER BY id DESC LIMIT 1",
            (self.runs[-1]["id"], str(EventKind.BENCH_FAULT)),
        ).fetchone()
        return str((codec.loads(row[0]) or {}).get("reason") or "") if row else ""

    # -- what the rows mean, derived once for every view --------------------------------------
    def steps(
        self, case: CaseView, attempt: AttemptView | None = None, events: list[dict[str, Any]] | None = None
    ) -> list[StepState]:
        """Every step of ``case`` with its status in ``attempt`` (the latest by default; ``events`` are its
        events when the caller already read them)."""
        attempt = attempt or case.latest
        if events is None:
            events = self.events(attempt.id) if attempt else []
        return step_states(case.step_ids, events)

    def cards(
        self, case: CaseView, attempt: AttemptView | None = None, events: list[dict[str, Any]] | None = None
    ) -> dict[str, CardState]:
        """slot → its card's state in ``attempt`` (the latest by default); nothing before a first attempt."""
        attempt = attempt or case.latest
        if attempt is None:
            return {}
        if events is None:
            events = self.events(attempt.id)
        return card_states(case.slots, events, attempt.reason)

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def annotations(self) -> dict[Key, list[Annotation]]:
        """Every annotation by case, oldest first, each with its signature checked."""
        return read_annotations(self._conn)

    def chain_report(self) -> chain.ChainReport:
        """The journal chain's check, with the values of an unexpected type read so far (:class:`_Guard`)."""
        report = chain.verify(self._conn)
        report.problems += [flaw for flaw in self._guard.flaws if flaw not in report.problems]
        return report

    def chain_problems(self) -> list[str]:
        """Why the journal chain does not verify (French), [] when it does or when the session predates the chain
        (schema 1: ``merge`` takes it as whole): the check ``report``, ``diff``, ``coverage`` and ``export`` make, so
        that a forged verdict never reads as a plain change. A value of an unexpected type read so far counts too."""
        problems = chain.modifications(self._conn, chain.verify(self._conn))
        return problems + [flaw for flaw in self._guard.flaws if flaw not in problems]

    def chain_entries(self, upto: int | None = None) -> Iterator[dict[str, Any]]:
        """The journal's chain entry by entry, the first ``upto`` only when given (those a report checked)."""
        return chain.iter_entries(self._conn, upto)

    def iter_trace_lines(self) -> Iterator[TraceLine]:
        yield from (
            TraceLine(*r)
            for r in self._conn.execute(
                "SELECT channel, mono_ns, wall, text, source, source_ts, level, attempt_id, step_id"
                " FROM trace_lines ORDER BY mono_ns, id"
            )
        )


@functools.lru_cache(maxsize=64)
def _definition(text: str) -> dict[str, Any]:
    """Decoded definitions of the cases in use (a view reads one case several times in a row)."""
    return codec.loads(text)


#: decoded observed values by their recorded text (a campaign records the same few thousand values in
#: every case); only immutable ones, so that a caller never shares a dict or a list with another row
_VALUES: dict[str | None, Any] = {}


def _value(text: str | None) -> Any:
    try:
        return _VALUES[text]
    except KeyError:
        value = codec.loads(text)
        if type(value) in codec.SCALARS:
            if len(_VALUES) >= 4096:  # bounded: a campaign of unique values does not grow the memory
                _VALUES.clear()
            _VALUES[text] = value
        return value


@functools.lru_cache(maxsize=64)
def _expand(step: str | None, source: str, data: str, provenance: str | None) -> tuple[ObservationRow, ...]:
    """A v5 set (one table row, a step's values) as the per-path rows the views read: each value as the
    JSON text :func:`codec.dumps` gives it, the same text a schema ≤ 4 row holds. Memoised: a campaign
    records the same set in many cases (the same card read)."""
    values, dumps = codec.loads(data), codec.dumps
    if provenance is None:
        return tuple((step, path, dumps(value), source, None) for path, value in values.items())
    origins = codec.loads(provenance)
    return tuple(
        (step, path, dumps(value), source, None if (p := origins.get(path)) is None else dumps(p))
        for path, value in values.items()
    )


#: json_each's types whose value is not already the Python value
_JSON_EACH = {"true": lambda _v: True, "false": lambda _v: False, "object": codec.loads, "array": codec.loads}


def _json_each_value(value: Any, kind: str) -> Any:
    """A value as SQLite's json_each gives it (text unquoted, numbers as numbers, ``true`` as 1…), decoded."""
    decode = _JSON_EACH.get(kind)
    return value if decode is None else decode(value)


def observation(row: ObservationRow) -> dict[str, Any]:
    """An observation row decoded: ``step_id``, ``path``, ``value``, ``source``, ``provenance``."""
    return {
        "step_id": row[0],
        "path": row[1],
        "value": _value(row[2]),
        "source": row[3],
        "provenance": None if row[4] is None else codec.loads(row[4]),
    }


def chain_head(path: str | Path) -> tuple[int, str]:
    """(length, head) of a session's chain: what a run reads as it closes, to hand to its own report."""
    conn = open_readonly(path)
    try:
        return chain.head(conn)
    finally:
        conn.close()


def recorded_session_id(path: str | Path) -> str | None:
    """The session file's own id (meta ``session_id``), or None when there is no readable session there (yet)."""
    return (recorded_meta(path, "session_id") or {}).get("session_id")


def recorded_meta(path: str | Path, *keys: str) -> dict[str, str] | None:
    """Those of ``keys`` the session file's meta holds, with their values; None when there is no readable
    session there (yet)."""
    try:
        conn = open_readonly(path)
    except SessionError:
        return None
    try:
        marks = ", ".join("?" * len(keys))
        return dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", keys).fetchall())
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def run_options(path: str | Path) -> list[dict[str, Any]]:
    """The options each run of the session file was given (``-k``, ``--tag``…), in run order; nothing when there
    is no readable session there (yet)."""
    try:
        conn = open_readonly(path)
    except SessionError:
        return []
    try:
        return [codec.loads(row[0]) or {} for row in conn.execute("SELECT options FROM runs ORDER BY id")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def attempt_products(path: str | Path) -> list[tuple[str, str, float, ProductVersion]]:
    """Each attempt of the session file (its case's casebook SHA-256 and id, its start) with the versions of the
    run it ran in (:func:`~testbench.store.model.run_product`); nothing when there is no readable session there."""
    try:
        conn = open_readonly(path)
    except SessionError:
        return []
    try:
        runs = {
            run_id: run_product({"options": codec.loads(options), "environment": codec.loads(environment)})
            for run_id, options, environment in conn.execute("SELECT id, options, environment FROM runs")
        }
        rows = conn.execute("SELECT casebook_sha, case_id, started_wall, run_id FROM attempts ORDER BY run_id, id")
        return [
            (str(sha), str(case_id), float(started), runs.get(run_id, ProductVersion()))
            for sha, case_id, started, run_id in rows
        ]
    except sqlite3.Error:
        return []
    finally:
        conn.close()


_T = TypeVar("_T")


def _read_recorded(path: str | Path, read: Callable[[sqlite3.Connection], _T], empty: _T) -> _T:
    """``read`` on a session file opened read-only, ``empty`` when there is no readable session there (not a
    session, damaged, too new, a name the system refuses): the small reads made before a session is opened."""
    try:
        conn = open_readonly(path)
    except (SessionError, OSError):
        return empty
    try:
        return read(conn)
    except sqlite3.Error:
        return empty
    finally:
        conn.close()


def recorded_casebooks(path: str | Path) -> dict[str, str]:
    """The casebooks a session file records: SHA-256 → the casebook's path as the run was given it (nothing when
    there is no readable session there)."""
    return _read_recorded(
        path, lambda conn: {str(sha): str(name) for sha, name in conn.execute("SELECT sha256, path FROM casebooks")}, {}
    )


def recorded_campaign(path: str | Path) -> tuple[list[Key], dict[str, tuple[str, str]]]:
    """A session file's selection and its casebooks (SHA-256 → path as given, plan id), read without writing:
    ``run --resume`` refuses a casebook not given before the session is opened for writing (nothing when there
    is no readable session there)."""

    def read(conn: sqlite3.Connection) -> tuple[list[Key], dict[str, tuple[str, str]]]:
        keys = [(str(r[0]), str(r[1])) for r in conn.execute("SELECT casebook_sha, case_id FROM selection")]
        rows = conn.execute("SELECT sha256, path, plan_id FROM casebooks")
        return keys, {str(sha): (str(name), str(plan)) for sha, name, plan in rows}

    return _read_recorded(path, read, ([], {}))


def recorded_case_counts(path: str | Path) -> dict[str, int]:
    """How many cases a session file records of each casebook (SHA-256 → count; nothing when unreadable): a
    selection that held them all follows a new version whole (:mod:`testbench.runner.versions`)."""
    sql = "SELECT casebook_sha, COUNT(*) FROM cases GROUP BY casebook_sha"
    return _read_recorded(path, lambda conn: dict(conn.execute(sql).fetchall()), {})


def recorded_plans(path: str | Path) -> set[str]:
    """The plan ids of the casebooks a session file records (none when there is no readable session there)."""
    return _read_recorded(path, lambda conn: {str(r[0]) for r in conn.execute("SELECT plan_id FROM casebooks")}, set())


#: the run option (``runs.options``) under which a rerun (``--rerun``, ``--failed``) records the cases it runs:
#: casebook SHA-256 → case ids
RERUN_CASES = "cases"
#: verdicts that leave a case to be run again (``--resume``)
_NOT_FINAL = frozenset({"none", "pending"})


def open_rerun(runs: Sequence[Mapping[str, Any]]) -> tuple[int, set[Key]] | None:
    """(its run id, its cases) of the rerun the session's campaign is at: the last run that is neither a resume
    nor the workstation's, when it is a rerun that recorded its cases (:data:`RERUN_CASES`); None otherwise (a
    fresh campaign: its selection is what a resume finishes)."""
    for run in reversed(runs):
        options = run.get("options") or {}
        if not isinstance(options, dict) or options.get("resume") or options.get("origin") == "ui":
            continue
        cases = options.get(RERUN_CASES) if options.get("rerun") else None
        if not isinstance(cases, dict):
            return None
        keys = {(str(sha), str(cid)) for sha, ids in cases.items() if isinstance(ids, list) for cid in ids}
        return int(run["id"]), keys
    return None


def rerun_record(keys: Iterable[Key]) -> dict[str, list[str]]:
    """The cases a rerun runs as it records them (:data:`RERUN_CASES`)."""
    out: dict[str, list[str]] = {}
    for sha, case_id in keys:
        out.setdefault(sha, []).append(case_id)
    return out


def rerun_left(path: str | Path) -> set[Key]:
    """The cases of the session's rerun (:func:`open_rerun`) that no attempt since its start has given a final
    verdict: what ``--resume`` still runs after a cut ``--rerun`` or ``--failed``, though their earlier attempts
    passed. Nothing when there is no such rerun, or no readable session."""

    def read(conn: sqlite3.Connection) -> set[Key]:
        runs = [
            {"id": run_id, "options": codec.loads(options)}
            for run_id, options in conn.execute("SELECT id, options FROM runs ORDER BY id")
        ]
        rerun = open_rerun(runs)
        if rerun is None:
            return set()
        since, targets = rerun
        latest = {
            (str(sha), str(cid)): (run_id, verdict)
            for sha, cid, run_id, verdict in conn.execute(
                "SELECT casebook_sha, case_id, run_id, verdict FROM attempts ORDER BY number"
            )
        }
        done = {key for key, (run_id, verdict) in latest.items() if run_id >= since and verdict not in _NOT_FINAL}
        return targets - done

    return _read_recorded(path, read, set())


def _session_id(conn: sqlite3.Connection) -> str | None:
    """The session's own id, from its meta table (None: a session that records none)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'session_id'").fetchone()
    return row[0] if row else None


def completions(meta: Mapping[str, str]) -> list[dict[str, str]]:
    """The cover's completions a session records (:data:`COMPLETED_META`), oldest first; [] when none."""
    try:
        entries = json.loads(meta.get(COMPLETED_META) or "[]")
    except ValueError:
        return []
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def modified_entries(path: str | Path) -> list[str]:
    """« path: problem » for each problem the journal chain of the session at ``path`` finds, read in one snapshot
    (a run still writing it is not taken for tampering); [] when whole, or for a session older than the chain
    (:func:`~testbench.store.chain.modifications`: one of a chained schema without its chain is altered).
    What a command that signs or completes a session (review, cover) checks first, as ``merge`` does its inputs.
    Raises :class:`SessionError` for a file that is no readable session."""
    conn = open_readonly(Path(path))
    try:
        conn.execute("BEGIN")
        report = chain.verify(conn)
        return [f"{path} : {p}" for p in chain.modifications(conn, report)]
    except sqlite3.DatabaseError as exc:
        raise SessionError(f"{path} : n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None
    finally:
        conn.close()


def superseded(
    selected: Collection[str], plans: Mapping[str, str], last_run: Mapping[str, int] | None = None
) -> set[str]:
    """The casebook versions (sha → plan id: ``plans``) that are history: none of their cases is in the selection
    (its casebooks ``selected``) while another casebook of their plan has some — the selection followed a changed
    file (:mod:`testbench.runner.versions`); of a plan the selection no longer holds at all (a ``--rerun`` given
    another casebook keeps only that one's cases), every version but the one run last (``last_run``: sha → its
    latest attempt id). Their recorded cases count nowhere (totals, exit code, JUnit, report), and come back if
    the selection follows back to them. A merge's selection holds both versions: neither is."""
    live = {plans[sha] for sha in selected if sha in plans}
    gone = {sha for sha, plan in plans.items() if sha not in selected and plan in live}
    latest: dict[str, tuple[int, str]] = {}  # plan id → (last attempt id, sha) among versions of unselected plans
    for sha, last in (last_run or {}).items():
        plan = plans.get(sha)
        if plan is not None and plan not in live and last > latest.get(plan, (-1, ""))[0]:
            latest[plan] = (last, sha)
    ran = {sha for sha in (last_run or {}) if plans.get(sha) in latest}
    return gone | {sha for sha in ran if latest[plans[sha]][1] != sha}


def read_session(path: str | Path) -> SessionView:
    path = Path(path)
    conn = open_readonly(path)
    head = chain.head(conn)  # first: what is written while it reads continues it (SessionView.continues)
    guard = _Guard(conn)  # every typed value as the writer wrote it: an edited one never reaches a view raw
    meta = {str(k): v if isinstance(v, str) else "" for k, v in conn.execute("SELECT key, value FROM meta")}
    run_rows = conn.execute(
        "SELECT id, started_wall, ended_wall, argv, host, pid, options, environment FROM runs ORDER BY id"
    )
    runs = []
    for r in run_rows:
        r = guard.row("runs", r, "id started_wall ended_wall argv host pid options environment", "irRjTIjj")
        json_columns = ((3, "argv", list, []), (6, "options", dict, {}), (7, "environment", dict, {}))
        decoded = {
            column: guard.decoded(r[i], "runs", r[0], column, kind, empty) for i, column, kind, empty in json_columns
        }
        runs.append({"id": r[0], "started_wall": r[1], "ended_wall": r[2], "host": r[4], "pid": r[5], **decoded})
    casebooks = tuple(  # each row's rowid first: a flawed value is said at its row (its empreinte may be the flaw)
        CasebookView(r[1], r[2], r[3], guard.decoded(r[4], "casebooks", r[0], "identity", dict, {}))
        for r in (
            guard.row("casebooks", row, "rowid sha256 path plan_id identity", ".tttj")
            for row in conn.execute(
                "SELECT rowid, sha256, path, plan_id, identity FROM casebooks ORDER BY added_wall"
            )
        )
    )
    attempts: dict[tuple[str, str], list[AttemptView]] = {}
    for r in conn.execute(
        "SELECT casebook_sha, case_id, id, run_id, number, started_wall, ended_wall, duration_ms, verdict, reason"
        " FROM attempts ORDER BY number"
    ):
        attempts.setdefault((r[0], r[1]), []).append(guard.attempt(r[2:]))
    definitions = {
        (r[0], r[1]): guard.row("cases", r[1:], "case_id position title domain mode definition", ".ittt.")[1:]
        for r in conn.execute("SELECT casebook_sha, case_id, position, title, domain, mode, definition FROM cases")
    }
    order = [tuple(r) for r in conn.execute("SELECT casebook_sha, case_id FROM selection ORDER BY position")]
    # cases run outside the current selection (an earlier run's) still belong to the record, but an earlier version
    # of a casebook the selection moved on from (:func:`superseded`) is history
    last_run: dict[str, int] = {}  # each casebook version's latest attempt id
    for (sha, _), tries in attempts.items():
        last_run[sha] = max(last_run.get(sha, 0), *(a.id for a in tries))
    gone = superseded({k[0] for k in order}, {cb.sha256: cb.plan_id for cb in casebooks}, last_run)
    run = (k for k in attempts if k not in set(order) and k[0] not in gone)
    history = sum(1 for k in attempts if k[0] in gone)
    order += sorted(run, key=lambda k: (k[0], definitions.get(k, (0,))[0]))
    if not order and not meta.get(SHARD_META):  # a CI shard's selection is its slice, empty when dealt no case
        order = sorted(definitions, key=lambda k: (k[0], definitions[k][0]))
    notes = read_annotations(conn)
    # a rerun cut short (its run never ended): the cases it had not reached read « non exécuté »
    rerun = open_rerun(runs)
    cut = rerun is not None and next((r["ended_wall"] is None for r in runs if r["id"] == rerun[0]), False)
    awaiting: set[Key] = set()
    if rerun is not None and cut:
        since, targets = rerun
        awaiting = {key for key in targets if not any(a.run_id >= since for a in attempts.get(key, ()))}
    cases = []
    for key in order:
        if key not in definitions:
            continue
        position, title, domain, mode, definition = definitions[key]
        cases.append(
            CaseView(
                key[0],
                key[1],
                position,
                title,
                domain,
                mode,
                definition,
                tuple(attempts.get(key, ())),
                tuple(notes.get(key, ())),
                key in awaiting,
            )
        )
    # the JUnit and report name their plans once, in the campaign's order (its selection, then cases run outside
    # it): a casebook recorded earlier (a session extended, a merge) is not first for that
    first: dict[str, int] = {}
    for sha, _ in order:
        first.setdefault(sha, len(first))
    kept = tuple(
        sorted((cb for cb in casebooks if cb.sha256 not in gone), key=lambda cb: first.get(cb.sha256, len(first)))
    )
    return SessionView(path, meta, tuple(runs), kept, tuple(cases), conn, history, guard, head)


@dataclass(frozen=True)
class IntegrityRecord:
    """What ``verify`` checks in a session, read in one transaction."""

    chain: chain.ChainReport
    hashes: list[str]  # each chain entry's, in order: what a report's anchor and chain copy are compared with
    added: list[dict[str, Any]]  # the entries past those a report was built on (``read_integrity``'s ``after``)
    annotations: dict[Key, list[Annotation]]
    session_id: str | None = None  # meta's session_id: which session this is (a report names the one it was built on)


def read_integrity(path: Path, after: int | None = None) -> IntegrityRecord:
    """The chain's check, its entries' hashes, the entries past the first ``after`` (none without it) and the
    annotations, all read in one read transaction, so a run writing the session meanwhile is never taken for
    tampering. Not every entry whole: 115,000 of them (754 cases run three times) weighed some 90 MB."""
    try:
        conn = connect_readonly(path)
        try:
            conn.execute("BEGIN")
            own_id = _session_id(conn)
            hashes: list[str] = []
            added: list[dict[str, Any]] = []
            for e in chain.iter_entries(conn):
                hashes.append(e["hash"])
                if after is not None and len(hashes) > after:
                    added.append(e)
            return IntegrityRecord(chain.verify(conn), hashes, added, read_annotations(conn), own_id)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise SessionError(f"{path} : n'est pas un fichier de session lisible ({sqlite_reason(exc)})") from None


def interrupted_runs(session: SessionView) -> set[int]:
    """The runs stopped before their end (^C, a CI's cancel, a killed process): no end recorded, and not the run
    that writes the session now (its lock taken: a workstation's campaign under way, ``report`` refuses such
    a session). The book, the coverage and the workstation say cut runs by this one rule."""
    cut = {r["id"] for r in session.runs if r["ended_wall"] is None}
    if session.runs and session.runs[-1]["id"] in cut and written_now(session.path):
        cut.discard(session.runs[-1]["id"])
    return cut


def written_now(path: Path) -> bool:
    """Whether a process writes the session at ``path`` now (its lock taken, as ``merge`` checks it). Not waited
    for: the workstation holds its session's lock while it shows the cover, and redraws it often."""
    from testbench.store.merge import refuse_written

    try:
        refuse_written(path, wait=0)
    except SessionLocked:
        return True
    return False
