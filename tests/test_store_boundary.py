"""``testbench/store/`` is the only code that touches SQLite: no ``sqlite3``, no SQL, no connection elsewhere.

The scan reads the source lines of every module outside ``store/`` for the marks of SQLite use. SQL
keywords count in capitals only, with what SQL puts after them, so a card's APDU ``SELECT`` (« SELECT
MF », « SELECT by path ») is not taken for a query.
"""

from __future__ import annotations

import re
from pathlib import Path

import testbench

PACKAGE = Path(testbench.__file__).parent

#: (what it means, the pattern of a line that does it)
MARKS = (
    ("imports sqlite3", re.compile(r"\bsqlite3\b")),
    ("runs SQL on a connection", re.compile(r"\.execute(many|script)?\(")),
    ("reaches a connection", re.compile(r"\.conn\b")),
    ("SELECT", re.compile(r"\bSELECT\b.*\bFROM\b|\bSELECT\s+(\*|1\b|(COUNT|MIN|MAX|COALESCE)\()")),
    ("INSERT", re.compile(r"\bINSERT\s+(OR\s+[A-Z]+\s+)?INTO\b")),
    ("UPDATE", re.compile(r"\bUPDATE\s+\w+\s+SET\b")),
    ("DELETE FROM", re.compile(r"\bDELETE\s+FROM\b")),
    ("PRAGMA", re.compile(r"\bPRAGMA\b")),
)


def sqlite_uses(root: Path) -> list[str]:
    """``file:line: what`` for every line of ``root``'s modules outside ``store/`` that touches SQLite."""
    hits = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "store":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hits += [f"{rel}:{number}: {what}" for what, pattern in MARKS if pattern.search(line)]
    return hits


def test_no_sqlite_outside_the_store() -> None:
    assert sqlite_uses(PACKAGE) == []


def test_the_scan_finds_what_the_code_did_before_the_store_owned_it(tmp_path: Path) -> None:
    """Lines as they stood in the report, the workstation and the campaign are each caught; an APDU is not."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "ok.py").write_text('import sqlite3\nconn.execute("SELECT 1")\n', encoding="utf-8")
    (tmp_path / "view.py").write_text(
        "import sqlite3\n"
        "rows = session.conn.execute(\n"
        '    "SELECT wall, channel, step_id, text FROM trace_lines WHERE attempt_id = ? ORDER BY mono_ns, id",\n'
        ")\n"
        'has_history = store.conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] > 0\n'
        'conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)")\n'
        'conn.execute("UPDATE runs SET ended_wall = ? WHERE id = ?")\n'
        'conn.execute("DELETE FROM selection")\n'
        'conn.execute("PRAGMA user_version")\n'
        '_select(channel, slot, A.select_fid(L.FID_MF), "SELECT MF")  # an APDU, not SQL\n'
        '"""SELECT by path from the MF (P1 = 08)."""\n',
        encoding="utf-8",
    )
    whats = [hit.split(": ", 1)[1] for hit in sqlite_uses(tmp_path)]
    assert all(hit.startswith("view.py:") for hit in sqlite_uses(tmp_path))
    for what in ("imports sqlite3", "runs SQL on a connection", "reaches a connection", "SELECT", "INSERT"):
        assert what in whats, what
    for what in ("UPDATE", "DELETE FROM", "PRAGMA"):
        assert whats.count(what) == 1, what
    assert not any(hit.startswith("view.py:10:") or hit.startswith("view.py:11:") for hit in sqlite_uses(tmp_path))
