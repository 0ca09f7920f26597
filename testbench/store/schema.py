"""The session file's schema and its migrations.

The schema version lives in ``PRAGMA user_version``. Each migration moves the file from version
N-1 to N inside one transaction; a file written by a newer testbench is refused rather than damaged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_wall REAL NOT NULL,
    ended_wall REAL,
    argv TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    options TEXT NOT NULL,
    environment TEXT NOT NULL
);
CREATE TABLE casebooks (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    identity TEXT NOT NULL,
    added_wall REAL NOT NULL
);
CREATE TABLE cases (
    casebook_sha TEXT NOT NULL REFERENCES casebooks(sha256),
    case_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    domain TEXT NOT NULL,
    mode TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (casebook_sha, case_id)
);
CREATE TABLE selection (
    position INTEGER PRIMARY KEY,
    casebook_sha TEXT NOT NULL,
    case_id TEXT NOT NULL,
    UNIQUE (casebook_sha, case_id)
);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    casebook_sha TEXT NOT NULL,
    case_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    started_wall REAL NOT NULL,
    started_mono_ns INTEGER NOT NULL,
    ended_wall REAL,
    duration_ms REAL,
    verdict TEXT NOT NULL DEFAULT 'none',
    reason TEXT NOT NULL DEFAULT '',
    UNIQUE (casebook_sha, case_id, number)
);
CREATE INDEX attempts_case ON attempts (casebook_sha, case_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    run_id INTEGER,
    attempt_id INTEGER,
    step_id TEXT,
    kind TEXT NOT NULL,
    mono_ns INTEGER NOT NULL,
    wall REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX events_attempt ON events (attempt_id);
CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL,
    step_id TEXT,
    path TEXT NOT NULL,
    value TEXT,
    source TEXT NOT NULL
);
CREATE INDEX observations_attempt ON observations (attempt_id);
CREATE TABLE comparisons (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL,
    expectation_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX comparisons_attempt ON comparisons (attempt_id);
CREATE TABLE trace_lines (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    mono_ns INTEGER NOT NULL,
    wall REAL NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    source_ts TEXT,
    level TEXT,
    attempt_id INTEGER,
    step_id TEXT
);
CREATE INDEX trace_lines_attempt ON trace_lines (attempt_id, mono_ns);
CREATE TABLE artifacts (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE artifact_links (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
    attempt_id INTEGER,
    step_id TEXT,
    name TEXT NOT NULL
);
CREATE INDEX artifact_links_attempt ON artifact_links (attempt_id);
"""

Migration = Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    for statement in V1.split(";"):
        if statement.strip():
            conn.execute(statement)


# v2 (report/integrity helper): the journal's hash chain (see testbench/store/chain.py) and the
# reviewers' signed annotations, which never rewrite a verdict. Rows written before v2 are chained by
# one backfill entry per table.
V2_ANNOTATIONS = """
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    casebook_sha TEXT NOT NULL,
    case_id TEXT NOT NULL,
    attempt_number INTEGER,
    action TEXT NOT NULL,
    verdict TEXT,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    wall REAL NOT NULL,
    public_key TEXT NOT NULL,
    prev TEXT NOT NULL,
    signature TEXT NOT NULL
)
"""


def _v2(conn: sqlite3.Connection) -> None:
    from testbench.store import chain

    conn.execute(chain.CREATE)
    conn.execute(V2_ANNOTATIONS)
    conn.execute("CREATE INDEX annotations_case ON annotations (casebook_sha, case_id)")
    chain.backfill(conn)


def _v3(conn: sqlite3.Connection) -> None:
    """v3: every table a report is built from is chained (meta, selection, runs, casebooks, cases as
    states; trace lines and file links always). The rows already there are chained as they stand."""
    from testbench.store import chain

    chain.backfill_states(conn)


def _v4(conn: sqlite3.Connection) -> None:
    """v4: an observation keeps where it was read (assisted operator mode): the file and offset, or the
    log line, of an extracted value, or the correction an operator made to it with its reason. JSON,
    NULL when the producer gave none (an engine's result, a keyed value). Chained by its own entries."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(observations)")}
    if "provenance" not in columns:  # a file whose version was set back keeps the column it has
        conn.execute("ALTER TABLE observations ADD COLUMN provenance TEXT")


V5_OBSERVATION_SETS = """
CREATE TABLE IF NOT EXISTS observation_sets (
    id INTEGER PRIMARY KEY,
    attempt_id INTEGER NOT NULL,
    step_id TEXT,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    provenance TEXT
)
"""


def _v5(conn: sqlite3.Connection) -> None:
    """v5: a step's observed values in one row, ``data`` a JSON object path → value in the step's order
    (``provenance``: path → provenance for the paths that have one, else NULL), instead of one row per
    path: a campaign wrote, chained, read and decoded ~87 rows a case. The rows of ``observations``
    written before stay where they are and keep verifying; nothing new is written there."""
    conn.execute(V5_OBSERVATION_SETS)
    conn.execute("CREATE INDEX IF NOT EXISTS observation_sets_attempt ON observation_sets (attempt_id)")


#: MIGRATIONS[i] brings a file from version i to version i + 1.
MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the file holds table ``name`` (a file of an older schema lacks some)."""
    # a plain query: importing sqlite-utils for this cost every command that opens a session ~70 ms
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


class SchemaRefused(Exception):
    """The file is no session this testbench may write into (the message, in French, says why)."""


class SchemaTooNew(SchemaRefused):
    """The file was written by a newer testbench."""


class ForeignDatabase(SchemaRefused):
    """The file is another program's SQLite database: a session's tables are never added to it."""


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction; return the version before."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"fichier de session au schéma {current}, cette version de testbench connaît le schéma "
            f"{SCHEMA_VERSION} au plus : mettez testbench à jour"
        )
    refuse_foreign(conn)
    for version in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a COMMIT the disk refused is rolled back by SQLite already
                conn.execute("ROLLBACK")
            raise
    return current


def refuse_foreign(conn: sqlite3.Connection) -> None:
    """Raise :class:`ForeignDatabase` for another program's SQLite base (tables, and no session schema):
    called before anything is written to it, the switch to WAL included (it changes the file's header)."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == 0 and (tables := _tables(conn)):
        raise ForeignDatabase(
            f"base SQLite d'un autre programme (tables : {', '.join(tables[:5])}), pas une session testbench : "
            "rien n'y est écrit ; choisissez un autre nom de session"
        )


def _tables(conn: sqlite3.Connection) -> list[str]:
    """The tables a file holds (SQLite's own aside), by name."""
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'")
    return sorted(name for (name,) in rows)
