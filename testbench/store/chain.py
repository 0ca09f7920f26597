"""The hash chain of a session's journal.

Every write that carries a result (an event, the start and the verdict of an attempt, a batch of
observations or comparisons, a reviewer's annotation) appends one entry to the ``chain`` table in the
same transaction. An entry holds the SHA-256 of the rows it covers (the writer hashes the values it
inserts, typed as their columns store them, so the verifier reading the rows back recomputes exactly
the same bytes), the hash of the previous entry, and its own hash:

    hash = SHA-256(prev "\\n" kind "\\n" ref "\\n" digest)

Trace lines and file links are chained by batch the same way. The small tables a report is also
built from (meta, selection, runs, casebooks, cases) are chained as *states*: each write to one of
them appends an entry whose digest covers the whole table as it then stands, and the table must
match its latest state entry (schema v3).

Changing, deleting or inserting a covered row, or editing, dropping or reordering an entry, breaks
the chain at a point :func:`verify` names. The chain has no secret: someone who rewrites it whole,
or cuts its end off, is only caught against an anchor kept elsewhere — a signed report's manifest
(``testbench verify REPORT --session SESSION``) or a reviewer's annotation, signed over the head of
its time.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from testbench.i18n import _t, tn
from testbench.store.codec import compact_encoder
from testbench.store.connection import WriterConnection, check_structure
from testbench.store.schema import has_table

GENESIS = "0" * 64

#: Columns each chained table contributes, in order. A column added later by a migration is simply
#: not covered; rows written before it keep verifying.
COLUMNS: dict[str, tuple[str, ...]] = {
    "events": ("id", "run_id", "attempt_id", "step_id", "kind", "mono_ns", "wall", "data"),
    "attempt-start": ("id", "run_id", "casebook_sha", "case_id", "number", "started_wall", "started_mono_ns"),
    "attempt-finish": ("id", "ended_wall", "duration_ms", "verdict", "reason"),
    "observations": ("id", "attempt_id", "step_id", "path", "value", "source"),
    # schema v4: the provenance of observations that have one, chained by its own entry after theirs
    "observation-provenance": ("id", "provenance"),
    # schema v5: a step's observed values in one row (path → value, path → provenance), provenance covered
    "observation_sets": ("id", "attempt_id", "step_id", "source", "data", "provenance"),
    "comparisons": ("id", "attempt_id", "expectation_id", "kind", "outcome", "data"),
    # optional: chained when the store calls record() for them (trace batches, file links)
    "trace_lines": (
        "id",
        "channel",
        "mono_ns",
        "wall",
        "text",
        "source",
        "source_ts",
        "level",
        "attempt_id",
        "step_id",
    ),
    "artifact_links": ("id", "sha256", "attempt_id", "step_id", "name"),
    "annotations": (
        "id",
        "casebook_sha",
        "case_id",
        "attempt_number",
        "action",
        "verdict",
        "reason",
        "reviewer",
        "wall",
        "public_key",
        "prev",
        "signature",
    ),
}
_TABLE = {
    "events": "events",
    "attempt-start": "attempts",
    "attempt-finish": "attempts",
    "observations": "observations",
    "observation-provenance": "observations",
    "observation_sets": "observation_sets",
    "comparisons": "comparisons",
    "annotations": "annotations",
    "trace_lines": "trace_lines",
    "artifact_links": "artifact_links",
}
#: what a person reads for each table or entry kind in a problem (French, like every problem; the
#: catalogue gives the English): a reviewer is not asked to know the session's SQL tables
_WORDS = {
    "events": "journal des événements",
    "attempts": "tentatives",
    "attempt-start": "début de tentative",
    "attempt-finish": "fin de tentative",
    "observations": "valeurs observées",
    "observation-provenance": "provenance des valeurs observées",
    "observation_sets": "jeux de valeurs observées",
    "comparisons": "comparaisons",
    "annotations": "revues signées",
    "trace_lines": "lignes de trace",
    "artifact_links": "liens vers les fichiers",
    "artifacts": "fichiers enregistrés",
    "meta": "données de la session",
    "selection": "sélection des cas",
    "runs": "lancements",
    "casebooks": "cahiers de la session",
    "cases": "cas des cahiers",
}


def _word(name: str) -> str:
    """The words of a table or entry kind for a person; an unknown kind (a damaged chain) as written."""
    return _WORDS.get(name, name)


#: the words of a table for a person (« tentatives »), for the reader's own problems (testbench.store.read)
table_words = _word


#: tables every result write chains; rows of the optional ones are checked once the store chains them
_ALWAYS = ("events", "attempts", "observations", "observation_sets", "comparisons", "annotations")
_OPTIONAL = ("trace_lines", "artifact_links")

#: Tables chained as a whole (kind = table name): columns, in the order rows are hashed.
STATES: dict[str, tuple[tuple[str, ...], str]] = {
    "meta": (("key", "value"), "key"),
    "selection": (("position", "casebook_sha", "case_id"), "position"),
    "runs": (("id", "started_wall", "ended_wall", "argv", "host", "pid", "options", "environment"), "id"),
    "casebooks": (("sha256", "path", "plan_id", "identity", "added_wall"), "sha256"),
    "cases": (
        ("casebook_sha", "case_id", "position", "title", "domain", "mode", "definition"),
        "casebook_sha, case_id",
    ),
}
#: the schema from which states, trace lines and file links are always chained
STATES_SINCE = 3
#: the first schema version whose sessions hold a chain: an older one has none to check, while a newer one without
#: its ``chain`` table had it removed (:func:`modifications`)
CHAIN_SINCE = 2

CREATE = """
CREATE TABLE chain (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL,
    digest TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
)
"""


def link_hash(prev: str, kind: str, first_id: int, last_id: int, digest: str) -> str:
    return hashlib.sha256(f"{prev}\n{kind}\n{first_id}-{last_id}\n{digest}".encode()).hexdigest()


def digest_of(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 of rows as SQLite returns them (the writer may pass the very values it inserted). A BLOB, which no
    writer puts in a covered column (an edit does), is hashed as its hex text: it then fails its entry, said as
    modified, instead of stopping the check."""
    try:
        text = _rows_json(rows)
    except TypeError:
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=_blob)
    return hashlib.sha256(text.encode()).hexdigest()


def _blob(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"blob": bytes(value).hex()}
    raise TypeError(type(value).__name__)


#: tuples and lists encode alike: the rows are hashed as given, without a copy
_rows_json = compact_encoder(sort_keys=False)


def rows_digest(conn: sqlite3.Connection, kind: str, first_id: int, last_id: int) -> tuple[str, int]:
    """SHA-256 of the covered rows as stored, and how many rows there were."""
    cols = COLUMNS[kind]
    rows = conn.execute(
        f"SELECT {', '.join(cols)} FROM {_TABLE[kind]} WHERE id BETWEEN ? AND ? ORDER BY id", (first_id, last_id)
    ).fetchall()
    return digest_of(rows), len(rows)


def _digests(
    conn: sqlite3.Connection, kind: str, group: Sequence[dict[str, Any]]
) -> Iterator[tuple[dict[str, Any], tuple[str, int]]]:
    """(entry, :func:`rows_digest` of its rows) for each entry of ``kind``, the rows read by one scan in id
    order instead of a query per entry (a 700-case campaign has ~10,000 entries). An entry whose rows
    another entry of its kind also covers is read on its own."""
    group = sorted(group, key=lambda e: (e["first_id"], e["last_id"]))
    scan = conn.execute(
        f"SELECT {', '.join(COLUMNS[kind])} FROM {_TABLE[kind]} WHERE id BETWEEN ? AND ? ORDER BY id",
        (group[0]["first_id"], max(e["last_id"] for e in group)),
    )
    row = next(scan, None)
    end = group[0]["first_id"] - 1  # the last id read so far
    for e in group:
        first, last = e["first_id"], e["last_id"]
        if first <= end:  # overlaps the entry before: its own query
            yield e, rows_digest(conn, kind, first, last)
            continue
        while row is not None and row[0] < first:  # rows no entry of this kind covers
            row = next(scan, None)
        rows = []
        while row is not None and row[0] <= last:
            rows.append(row)
            row = next(scan, None)
        end = last
        yield e, (digest_of(rows), len(rows))


def state_digest(conn: sqlite3.Connection, table: str) -> tuple[str, int]:
    """SHA-256 of a whole state table as stored, and its number of rows."""
    cols, order = STATES[table]
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {order}").fetchall()
    return digest_of(rows), len(rows)


def has_chain(conn: sqlite3.Connection) -> bool:
    if isinstance(conn, WriterConnection) and conn.chain_tip is not None:
        return True
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain'").fetchone() is not None


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(number of entries, hash of the last entry); the genesis hash for an empty chain.

    The session's writer remembers it from its own appends (see :class:`WriterConnection`).
    """
    writer = isinstance(conn, WriterConnection)
    if writer and conn.chain_tip is not None:
        return conn.chain_tip
    if not has_chain(conn):
        return 0, GENESIS
    row = conn.execute("SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1").fetchone()
    tip = (0, GENESIS) if row is None else (int(row[0]), str(row[1]))
    if writer:
        conn.chain_tip = tip
    return tip


def last_id(conn: sqlite3.Connection, table: str) -> int:
    """The highest row id of ``table`` now: call before a batch insert, pass it to :func:`record`."""
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0])


def record(
    conn: sqlite3.Connection,
    kind: str,
    first_id: int,
    last_id_: int | None = None,
    *,
    rows: Sequence[Sequence[Any]] | None = None,
) -> str | None:
    """Append the entry covering rows ``first_id..last_id`` of ``kind``; call inside the writing transaction.

    For a batch, pass ``last_id(conn, table) + 1`` taken before the insert as ``first_id`` and leave
    ``last_id_`` out: the entry covers every row inserted since. ``rows``, when given, are the covered
    rows exactly as inserted (``COLUMNS[kind]`` order, values of the columns' own types), hashed from
    memory instead of read back. Returns the new head (None: nothing written, or a session file
    without a chain table).
    """
    if not has_chain(conn):
        return None
    if rows is not None:
        last_id_ = first_id + len(rows) - 1
    elif last_id_ is None:
        last_id_ = last_id(conn, _TABLE[kind])
    if last_id_ < first_id:
        return None
    digest = digest_of(rows) if rows is not None else rows_digest(conn, kind, first_id, last_id_)[0]
    return _append(conn, kind, first_id, last_id_, digest)


def record_state(conn: sqlite3.Connection, table: str) -> str | None:
    """Append an entry for the whole of ``table`` as it now stands; call inside the writing transaction."""
    if not has_chain(conn):
        return None
    digest, count = state_digest(conn, table)
    return _append(conn, table, 0, count, digest)


def _append(conn: sqlite3.Connection, kind: str, first_id: int, last_id_: int, digest: str) -> str:
    seq, prev = head(conn)
    new = link_hash(prev, kind, first_id, last_id_, digest)
    conn.execute(
        "INSERT INTO chain (seq, kind, first_id, last_id, digest, prev, hash) VALUES (?,?,?,?,?,?,?)",
        (seq + 1, kind, first_id, last_id_, digest, prev, new),
    )
    if isinstance(conn, WriterConnection):
        conn.chain_tip = (seq + 1, new)
    return new


def backfill(conn: sqlite3.Connection) -> None:
    """Chain the rows a session had before it had a chain (migration to v2): one entry per table."""
    for kind in ("events", "attempt-start", "observations", "comparisons"):
        top = last_id(conn, _TABLE[kind])
        if top:
            record(conn, kind, 1, top)
    for (attempt_id,) in conn.execute("SELECT id FROM attempts WHERE verdict != 'none' ORDER BY id").fetchall():
        record(conn, "attempt-finish", attempt_id, attempt_id)


def backfill_states(conn: sqlite3.Connection) -> None:
    """Migration to v3: chain the state tables, the trace lines and file links not chained yet, and
    the end of attempts closed as interrupted (their reason reaches the report)."""
    for table in STATES:
        record_state(conn, table)
    items = entries(conn)
    for kind in _OPTIONAL:
        covered: set[int] = set()
        for e in items:
            if e["kind"] == kind:
                covered.update(range(e["first_id"], e["last_id"] + 1))
        start = None
        for (row_id,) in conn.execute(f"SELECT id FROM {kind} ORDER BY id").fetchall():
            if row_id in covered:
                if start is not None:
                    record(conn, kind, start, row_id - 1)
                    start = None
            elif start is None:
                start = row_id
        if start is not None:
            record(conn, kind, start)
    finished = {e["first_id"] for e in items if e["kind"] == "attempt-finish"}
    for (attempt_id,) in conn.execute(
        "SELECT id FROM attempts WHERE ended_wall IS NOT NULL OR reason != '' ORDER BY id"
    ).fetchall():
        if attempt_id not in finished:
            record(conn, "attempt-finish", attempt_id, attempt_id)


@dataclass
class ChainReport:
    length: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def entries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return list(iter_entries(conn))


def iter_entries(conn: sqlite3.Connection, upto: int | None = None) -> Iterator[dict[str, Any]]:
    """The chain's entries one by one (up to ``upto`` entries): a 700-case journal's ten thousand entries
    would weigh some 8 MiB held at once."""
    if not has_chain(conn):
        return
    limit = " WHERE seq <= ?" if upto is not None else ""
    query = f"SELECT seq, kind, first_id, last_id, digest, prev, hash FROM chain{limit} ORDER BY seq"
    for r in conn.execute(query, () if upto is None else (upto,)):
        yield {"seq": r[0], "kind": r[1], "first_id": r[2], "last_id": r[3], "digest": r[4], "prev": r[5], "hash": r[6]}


def verify_links(items: Iterable[dict[str, Any]]) -> ChainReport:
    """Check that the entries link up (what a report folder can check without the session)."""
    check = LinkCheck()
    for e in items:
        check.add(e)
    return check.report


class LinkCheck:
    """:func:`verify_links` one entry at a time, for a reader that keeps no more of an entry than it needs (a
    report's ``journal-chain.json`` read in parts: 115,000 entries held as dicts weigh some 90 MB).

    A break in the numbering is said once, where it is: the entries after a deleted one are all one place
    off, and naming each would bury the one line that matters."""

    def __init__(self) -> None:
        self.report = ChainReport()
        self._last_seq = 0

    def add(self, e: dict[str, Any]) -> None:
        report, prev = self.report, self.report.head
        report.length += 1
        seq, i = e["seq"], report.length
        unlinked = e["prev"] != prev
        if seq > self._last_seq + 1 and unlinked:  # entries missing here, and the next one's link shows it
            report.problems.append(_deleted(self._last_seq + 1, seq - 1))
            unlinked = False
        elif seq not in (self._last_seq + 1, i):  # out of place, and not merely following one that was
            report.problems.append(f"chaîne : entrée n° {seq} à la place {i} (entrée supprimée ou déplacée)")
        self._last_seq = seq
        if unlinked:
            report.problems.append(f"chaîne : l'entrée {seq} ne suit pas la précédente (prev différent)")
        expected = link_hash(e["prev"], e["kind"], e["first_id"], e["last_id"], e["digest"])
        if e["hash"] != expected:
            report.problems.append(f"chaîne : l'entrée {e['seq']} ({_word(e['kind'])}) a été modifiée")
        report.head = e["hash"]


def _deleted(first: int, last: int) -> str:
    if first == last:
        return f"chaîne : entrée {first} supprimée"
    return tn(
        "chaîne : {count} entrée supprimée ({first}–{last})",
        "chaîne : {count} entrées supprimées ({first}–{last})",
        last - first + 1,
        "fr",
        first=first,
        last=last,
    )


def verify(conn: sqlite3.Connection) -> ChainReport:
    """Check the links, every covered row against its digest, and that no row escaped the chain.

    Everything is read inside one read transaction, so a run writing the session meanwhile cannot
    make a healthy journal look altered.
    """
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        check_structure(conn)  # the chain covers rows, not the indexes a reader finds them through
        return _verify(conn)
    finally:
        if own and conn.in_transaction:
            conn.execute("ROLLBACK")


def _schema(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def modifications(conn: sqlite3.Connection, report: ChainReport) -> list[str]:
    """The problems of ``report`` (:func:`verify` of ``conn``) that say the session was modified: all of them, but
    for a session older than the chain, which has none to check (``merge``, a run and a report take it as whole).
    One rule for every reader: a session of a chained schema without its chain was tampered with, not old."""
    return report.problems if _schema(conn) >= CHAIN_SINCE else []


def _verify(conn: sqlite3.Connection) -> ChainReport:
    if not has_chain(conn):
        report = ChainReport()
        if _schema(conn) >= CHAIN_SINCE:
            report.problems.append(_t("chaîne d'intégrité supprimée (table absente d'une session qui en a une)"))
        else:
            report.problems.append("session sans chaîne d'intégrité (schéma antérieur à la v2)")
        return report
    states_required = _schema(conn) >= STATES_SINCE
    spans: dict[str, list[tuple[int, int]]] = {}  # per table, the row ids the entries cover
    finish_last: dict[int, dict[str, Any]] = {}
    state_last: dict[str, dict[str, Any]] = {}
    annotation_entries: list[dict[str, Any]] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    unknown: list[str] = []

    def sorted_out(items: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Each entry on its way to the links' check, kept by kind without its links: a 700-case journal's
        ten thousand entries are never held whole."""
        for e in items:
            yield e
            kind = e["kind"]
            if kind in STATES:
                state_last[kind] = e
                continue
            if kind not in COLUMNS:
                unknown.append(f"chaîne : entrée {e['seq']} de type inconnu {kind}")
                continue
            if kind == "attempt-finish":
                finish_last[e["first_id"]] = e
                continue
            spans.setdefault(_TABLE[kind], []).append((e["first_id"], e["last_id"]))
            if kind == "annotations":
                annotation_entries.append(e)  # its ``prev`` is what the review was signed over
            else:
                e = {k: e[k] for k in ("seq", "kind", "first_id", "last_id", "digest")}
            by_kind.setdefault(kind, []).append(e)

    report = verify_links(sorted_out(iter_entries(conn)))
    unlinked = bool(report.problems)  # entries deleted, moved or edited: what they covered may be gone with them
    report.problems += unknown
    differ = [
        (e, n)
        for kind, group in by_kind.items()
        for e, (digest, n) in _digests(conn, kind, group)
        if digest != e["digest"]
    ]
    started: set[int] = set()  # attempts whose start entry is already said to differ
    orphans = _orphaned(conn, spans, finish_last) if unlinked else []  # attempts gone with both their entries
    gone = _GoneAttempts(conn, by_kind.get("attempt-start", []), finish_last, orphans)
    for e, n in sorted(differ, key=lambda c: c[0]["seq"]):  # in the chain's order
        rows = range(e["first_id"], e["last_id"] + 1)
        if e["kind"] == "attempt-start":
            started.update(rows)
            if not n and len(rows) == 1:  # the attempt's row is gone: named from what still points to it
                report.problems.append(gone.located(e["first_id"], _differs(e, 0)))
                continue
        report.problems.append(_located(conn, _TABLE[e["kind"]], rows, _differs(e, n)))
    finishes = _digests(conn, "attempt-finish", list(finish_last.values())) if finish_last else ()
    for e, (digest, n) in finishes:  # the latest finish entry of each attempt, in attempt order
        if digest == e["digest"]:
            continue
        attempt, seq = e["first_id"], e["seq"]
        if not n:  # the attempt's row is gone: said once, with its start when that entry is left
            if attempt not in started:
                report.problems.append(gone.located(attempt, _differs(e, 0)))
            continue
        # the finish entry's digest covers the four together: which one was edited cannot be told
        changed = (
            f"verdict, motif, heure de fin ou durée modifiés après coup (ligne {attempt} des tentatives, entrée {seq})"
        )
        report.problems.append(_located(conn, "attempts", [attempt], changed))
    for attempt in orphans:  # no entry left to say it: the rows it recorded, chained, still point to it
        deleted = (
            f"{_word('attempts')}, ligne {attempt} : tentative supprimée avec ses entrées de chaîne (ce qu'elle a"
            " enregistré la désigne encore)"
        )
        report.problems.append(gone.located(attempt, deleted))
    _verify_states(conn, state_last, states_required or bool(state_last), report)
    optional = () if states_required else _OPTIONAL
    outside_attempts: list[int] = []  # attempt rows already said outside the chain, their verdict with them
    for table in (*_ALWAYS, *_OPTIONAL):
        if not has_table(conn, table) or (table in optional and not spans.get(table)):
            continue
        extra = _uncovered(conn, table, spans.get(table, []))
        if table == "attempts":
            outside_attempts = extra
        if extra:
            outside = tn(
                "{table} : {count} ligne hors chaîne (ajoutée après coup ?) : {ids}",
                "{table} : {count} lignes hors chaîne (ajoutées après coup ?) : {ids}",
                len(extra),
                "fr",
                table=_word(table),
                ids=_ids(extra),
            )
            report.problems.append(_located(conn, table, extra, outside))
    if has_table(conn, "artifacts"):
        report.problems += _verify_artifacts(conn)
    # an attempt's end (verdict, reason, end time) given without a chained finish entry
    rows = conn.execute(
        "SELECT id FROM attempts WHERE verdict != 'none' OR reason != '' OR ended_wall IS NOT NULL"
    ).fetchall()
    said = set(outside_attempts)
    unfinished = sorted(r[0] for r in rows if r[0] not in finish_last and r[0] not in said)
    if unfinished:  # named by their case and attempt, like every other problem
        without = tn(
            "{table} : {count} verdict sans entrée de chaîne (ligne {ids})",
            "{table} : {count} verdicts sans entrée de chaîne (lignes {ids})",
            len(unfinished),
            "fr",
            table=_word("attempts"),
            ids=_ids(unfinished),
        )
        report.problems.append(_located(conn, "attempts", unfinished, without))
    _verify_annotation_anchors(conn, annotation_entries, report)
    return report


#: the media type a file is stored with by its name's suffix, when its bytes read as UTF-8: the one rule of the
#: runner that stores a file the application wrote (testbench.runner.actions) and of the verifier
_TEXT_TYPES = {"xml": "application/xml", "json": "application/json"}
_TEXT_DEFAULT = "text/plain"
_BINARY = "application/octet-stream"


def expected_media_type(name: str, data: bytes) -> str:
    """The media type a file named ``name`` holding ``data`` is stored with: text only when it reads as UTF-8,
    since the report exports and redacts text as UTF-8 and keeps the rest as bytes (a cp1252 lot, a UTF-16
    FSE)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _BINARY
    return _TEXT_TYPES.get(name.rpartition(".")[2].lower(), _TEXT_DEFAULT)


def _verify_artifacts(conn: sqlite3.Connection) -> list[str]:
    """Each stored file against what vouches for it: its content against its SHA-256 (its key), its recorded
    size against its content, its media type against its content and the chained names of its links (the type
    decides whether a report exports it as text; no entry covers it, but the runner derives it from them)."""
    names: dict[str, list[tuple[int, str]]] = {}
    if has_table(conn, "artifact_links"):
        for link, sha, name in conn.execute("SELECT id, sha256, name FROM artifact_links ORDER BY id"):
            names.setdefault(sha, []).append((link, str(name)))
    problems = []
    for sha, size, media, data in conn.execute("SELECT sha256, size, media_type, data FROM artifacts ORDER BY sha256"):
        data = bytes(data)
        links = names.get(sha, [])
        if hashlib.sha256(data).hexdigest() != sha:
            said = f"{_word('artifacts')} : le fichier {sha[:16]}… ne correspond plus à son empreinte"
        elif size != len(data):
            said = (
                f"{_word('artifacts')} : le fichier {sha[:16]}… a une taille enregistrée fausse ({size} octets au"
                f" lieu de {len(data)})"
            )
        elif not _media_fits(str(media), data, [name for _, name in links]):
            said = (
                f"{_word('artifacts')} : le fichier {sha[:16]}… a un type enregistré ({media}) que ni son nom ni ses"
                " octets ne justifient"
            )
        else:
            continue
        problems.append(_located(conn, "artifact_links", [link for link, _ in links], said) if links else said)
    return problems


def _media_fits(media: str, data: bytes, names: list[str]) -> bool:
    """Whether ``media`` is what the runner gives ``data`` under one of ``names`` (a file stored once by its
    content may be linked under several); with no link, whether it is text exactly when the bytes read as text."""
    if names:
        return any(expected_media_type(name, data) == media for name in names)
    return (media == _BINARY) == (expected_media_type("", data) == _BINARY)


def _uncovered(conn: sqlite3.Connection, table: str, spans: list[tuple[int, int]]) -> list[int]:
    """The ids of ``table`` no span covers, its rows read in id order against the spans sorted (a row id
    past a span's end is past it for good): no set of a hundred thousand trace lines' ids."""
    spans = sorted(spans)
    extra: list[int] = []
    i = 0
    for (row_id,) in conn.execute(f"SELECT id FROM {table} ORDER BY id"):
        while i < len(spans) and spans[i][1] < row_id:
            i += 1
        if i == len(spans) or row_id < spans[i][0]:
            extra.append(row_id)
    return extra


def _located(conn: sqlite3.Connection, table: str, ids: range | list[int], problem: str) -> str:
    """``problem`` preceded by where its rows are for a person — the case, attempt and step they belong to,
    as the rows and the attempts table now say — or as it is (rows of no attempt, or gone).

    Each form is a template of the catalogue (« cas {case}, tentative {number}, étape {step} — {problem} »),
    so that :func:`testbench.i18n.english` reads it back.
    """
    if table == "attempts":
        sql = "SELECT case_id, number, NULL FROM attempts x WHERE"
    elif table == "annotations":
        sql = "SELECT case_id, attempt_number, NULL FROM annotations x WHERE"
    elif table in ("events", "observations", "observation_sets", "comparisons", "trace_lines", "artifact_links"):
        step = "x.step_id" if "step_id" in COLUMNS[table] else "NULL"
        sql = f"SELECT a.case_id, a.number, {step} FROM {table} x JOIN attempts a ON a.id = x.attempt_id WHERE"
    else:
        return problem
    if isinstance(ids, range):
        where, args = "x.id BETWEEN ? AND ?", (ids.start, ids.stop - 1)
    else:  # rows outside the chain: the first ones tell where
        args = tuple(ids[:200])
        where = f"x.id IN ({', '.join('?' * len(args))})"
    try:
        rows = conn.execute(f"{sql} {where} ORDER BY x.id", args).fetchall()
    except sqlite3.Error:  # a session too old (or too damaged) to say where: the ids alone
        return problem
    # an attempt number edited outside testbench (NULL, a word, a fraction) is not shown: the case alone says where
    attempts = list(dict.fromkeys((str(r[0]), r[1] if isinstance(r[1], int) else None) for r in rows))
    if not attempts:
        return problem
    if len(attempts) > 1:
        return _several(attempts, problem)
    (case, number), steps = attempts[0], list(dict.fromkeys(r[2] for r in rows if r[2]))
    if number is None:
        return f"cas {case} — {problem}"
    if len(steps) == 1:
        return f"cas {case}, tentative {number}, étape {steps[0]} — {problem}"
    return f"cas {case}, tentative {number} — {problem}"


def _several(attempts: list[tuple[str, int | None]], problem: str) -> str:
    """``problem`` preceded by the cases of rows of more than one attempt: « plusieurs tentatives » only when a case
    has more than one of them; one attempt of each case is said so, with its number when it is the same for all."""
    cases = ", ".join(dict.fromkeys(case for case, _ in attempts))
    if len(attempts) > len(dict.fromkeys(case for case, _ in attempts)):
        return f"cas {cases} (plusieurs tentatives) — {problem}"
    numbers = {number for _, number in attempts}
    if len(numbers) == 1 and None not in numbers:
        return f"cas {cases}, tentative {numbers.pop()} de chacun — {problem}"
    return f"cas {cases} (une tentative de chacun) — {problem}"


#: the case and attempt of rows for a person, before a problem (the reader's own, testbench.store.read)
located = _located

#: the bench's first trace line of an attempt (testbench.runner.runner): « début du cas {id} — {title} »
_CASE_START = re.compile(r"début du cas (\S+) — ", re.DOTALL)


class _GoneAttempts:
    """The case and number of attempts whose row was deleted, read from what still points to them.

    The attempt's trace lines keep its id and the bench's « début du cas X » line (chained: a line edited is said
    apart), the case must be one of the session's, and its number follows the case's attempts left before it
    (attempts are numbered in the order they start, their ids too). Worked out once, when the first is said."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        starts: list[dict[str, Any]],
        finishes: dict[int, dict[str, Any]],
        orphans: Iterable[int] = (),
    ) -> None:
        self._conn = conn
        self._ids = {e["first_id"] for e in starts if e["first_id"] == e["last_id"]} | set(finishes) | set(orphans)
        self._names: dict[int, tuple[str, int | None]] | None = None

    def located(self, attempt: int, problem: str) -> str:
        """``problem`` preceded by the case and attempt of ``attempt`` when they can be told, else as it is."""
        if self._names is None:
            try:
                self._names = self._name()
            except sqlite3.Error:  # a session too damaged to say where: the row id alone
                self._names = {}
        case, number = self._names.get(attempt, ("", None))
        if not case:
            return problem
        if number is None:
            return f"cas {case} — {problem}"
        return f"cas {case}, tentative {number} — {problem}"

    def _name(self) -> dict[int, tuple[str, int | None]]:
        rows = self._conn.execute("SELECT id, case_id, number FROM attempts").fetchall()
        left = {int(r[0]): (str(r[1]), int(r[2])) for r in rows}
        gone = sorted(self._ids - set(left))
        if not gone or not has_table(self._conn, "trace_lines"):
            return {}
        cases = {str(r[0]) for r in self._conn.execute("SELECT case_id FROM cases")}
        names: dict[int, tuple[str, int | None]] = {}
        known = dict(left)  # every attempt's (case, number), the deleted ones as they are worked out
        for attempt in gone:
            line = self._conn.execute(
                "SELECT text FROM trace_lines WHERE attempt_id = ? AND channel = 'bench' AND text LIKE 'début du cas %'"
                " ORDER BY id LIMIT 1",
                (attempt,),
            ).fetchone()
            found = _CASE_START.match(str(line[0])) if line else None
            if found is None or found[1] not in cases:
                continue
            case = found[1]
            before = max((n for i, (c, n) in known.items() if c == case and i < attempt), default=0)
            after = min((n for i, (c, n) in left.items() if c == case and i > attempt), default=None)
            number = before + 1 if after is None or after > before + 1 else None
            names[attempt] = (case, number)
            if number is not None:
                known[attempt] = (case, number)
        return names


#: the chained tables whose rows name the attempt they belong to
_POINTING = ("events", "observations", "observation_sets", "comparisons", "trace_lines", "artifact_links")


def _orphaned(
    conn: sqlite3.Connection, spans: dict[str, list[tuple[int, int]]], finished: dict[int, dict[str, Any]]
) -> list[int]:
    """The attempts deleted together with their start and finish entries, when the chain shows entries gone: it
    no longer names them, but rows it vouches for (a row outside it proves nothing) still point to them. An
    attempt whose start or finish entry is left is said from that entry instead."""
    started = _Spans(spans.get("attempts", []))
    found: set[int] = set()
    for table in _POINTING:
        if not spans.get(table) or not has_table(conn, table):
            continue
        covered = _Spans(spans[table])
        try:
            rows = conn.execute(
                f"SELECT attempt_id, id FROM {table} WHERE attempt_id IS NOT NULL"
                " AND attempt_id NOT IN (SELECT id FROM attempts) ORDER BY attempt_id, id"
            ).fetchall()
        except sqlite3.Error:  # a session too damaged to say which: the entries said deleted say what is known
            return []
        for attempt, row_id in rows:
            known = not isinstance(attempt, int) or attempt in found or attempt in finished
            if not known and covered.holds(row_id) and not started.holds(attempt):
                found.add(attempt)
    return sorted(found)


class _Spans:
    """Whether an id is within one of the (first, last) spans, overlapping or not, by a binary search."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._firsts = [first for first, _ in ordered]
        self._reach: list[int] = []  # the furthest last id of the spans up to each one
        for _, last in ordered:
            self._reach.append(max(last, self._reach[-1]) if self._reach else last)

    def holds(self, row_id: int) -> bool:
        i = bisect.bisect_right(self._firsts, row_id) - 1
        return i >= 0 and self._reach[i] >= row_id


def _differs(e: dict[str, Any], present: int) -> str:
    """The rows of an entry whose digest differs (``present`` of them left), in French like every problem.

    Each form is a whole sentence of the catalogue, so that :func:`testbench.i18n.english` reads it back.
    """
    table, seq, first, last = _word(_TABLE[e["kind"]]), e["seq"], e["first_id"], e["last_id"]
    deleted = last - first + 1 - present
    if first == last:
        if deleted:
            return (
                f"{table}, ligne {first} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), "
                "ligne supprimée"
            )
        return f"{table}, ligne {first} : contenu différent de celui enregistré dans la chaîne (entrée {seq})"
    if not deleted:
        return f"{table}, lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq})"
    return tn(
        "{table}, lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), "
        "{count} ligne supprimée",
        "{table}, lignes {first}–{last} : contenu différent de celui enregistré dans la chaîne (entrée {seq}), "
        "{count} lignes supprimées",
        deleted,
        "fr",
        table=table,
        first=first,
        last=last,
        seq=seq,
    )


def _verify_states(
    conn: sqlite3.Connection, last: dict[str, dict[str, Any]], required: bool, report: ChainReport
) -> None:
    """Each state table must be exactly as its latest entry recorded it."""
    if not required:
        return
    for table in STATES:
        e = last.get(table)
        if e is None:
            report.problems.append(f"{_word(table)} : table absente de la chaîne (entrées supprimées ?)")
            continue
        digest, count = state_digest(conn, table)
        if digest == e["digest"]:
            continue
        if count == e["last_id"]:
            report.problems.append(
                f"{_word(table)} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {e['seq']})"
            )
            continue
        report.problems.append(
            tn(
                "{table} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {seq}), "
                "{count} ligne au lieu de {expected}",
                "{table} : contenu modifié depuis son dernier enregistrement dans la chaîne (entrée {seq}), "
                "{count} lignes au lieu de {expected}",
                count,
                "fr",
                table=_word(table),
                seq=e["seq"],
                expected=e["last_id"],
            )
        )


def _verify_annotation_anchors(
    conn: sqlite3.Connection, annotation_entries: list[dict[str, Any]], report: ChainReport
) -> None:
    """A review is signed over the chain head of its time: the journal before it cannot be rewritten.

    Skipped in a merged session, whose annotations keep the heads of their input sessions.
    """
    merged = conn.execute("SELECT 1 FROM meta WHERE key = 'merged_from'").fetchone() is not None
    if merged or not annotation_entries:
        return
    signed = dict(conn.execute("SELECT id, prev FROM annotations").fetchall())
    for e in annotation_entries:
        for annotation_id in range(e["first_id"], e["last_id"] + 1):
            prev = signed.get(annotation_id)
            if prev is not None and prev != e["prev"]:
                rewritten = (
                    f"annotation {annotation_id} : signée sur une autre tête de chaîne que celle qui la précède"
                    " (journal réécrit avant elle)"
                )
                report.problems.append(_located(conn, "annotations", [annotation_id], rewritten))


def _ids(ids: Iterable[int]) -> str:
    ids = list(ids)
    text = ", ".join(str(i) for i in ids[:10])
    return text + (" …" if len(ids) > 10 else "")
