"""Trace lines read from the session file in pages, for views that show only what is visible.

A :class:`TraceIndex` keeps, per channel, only row ids and capture times (two ``array('q')``: 16
bytes a line); the text is fetched by pages of rows when a view draws them and kept in a small LRU.
Opening 100,000 lines costs one indexed query; scrolling costs one page query when it leaves the
cached pages. Filtering and searching run in SQL. A :class:`TraceSource` is the views' own read-only
handle on the session file (reloading the workstation's model never closes it under them).
"""

from __future__ import annotations

import bisect
import sqlite3
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from testbench.domain.vocabulary import TRACE_CHANNELS
from testbench.store.connection import open_readonly

CHANNELS = TRACE_CHANNELS  # the panes, in order: one list for store, casebook, views and reports
PAGE = 256

#: what reading a trace page raises when the session file went away under a view
TraceReadError = sqlite3.Error


class TraceSource:
    """A read-only handle on a session's trace lines, from any thread; :meth:`close` when done."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def open(cls, path: str | Path) -> TraceSource:
        """Raises :class:`~testbench.store.connection.SessionError` when the file is not a readable session."""
        return cls(open_readonly(path))

    def close(self) -> None:
        self._conn.close()

    def index(self, attempt_id: int | None, channel: str, contains: str = "") -> TraceIndex:
        return TraceIndex(self, attempt_id, channel, contains)

    def step_starts(self, attempt_id: int | None) -> list[tuple[int, str]]:
        """(time, step id) of every step start of an attempt, from all channels, in time order."""
        if attempt_id is None:
            return []
        rows = self._conn.execute(
            "SELECT MIN(mono_ns), step_id FROM trace_lines WHERE attempt_id = ? AND step_id IS NOT NULL"
            " GROUP BY step_id ORDER BY 1",
            (attempt_id,),
        )
        return [(int(m), str(s)) for m, s in rows]


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    step_id: str | None
    level: str | None
    wall: float


class TraceIndex:
    """The lines of one channel of one attempt (or of the whole session when ``attempt_id`` is None)."""

    def __init__(self, source: TraceSource, attempt_id: int | None, channel: str, contains: str = "") -> None:
        self._conn = source._conn
        self.attempt_id = attempt_id
        self.channel = channel
        self.contains = contains
        self.ids = array("q")
        self.mono = array("q")
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self.complete = False
        self.width = 0  # characters of the widest line known

    def load(self, limit: int | None = None) -> TraceIndex:
        """Read ids and times: all of them, or only the first ``limit`` (a first screen, at once)."""
        where, args = self._where()
        sql = f"SELECT id, mono_ns FROM trace_lines WHERE {where} ORDER BY mono_ns, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        ids, mono = array("q"), array("q")
        for rid, m in self._conn.execute(sql, args):
            ids.append(rid)
            mono.append(m)
        self.ids, self.mono = ids, mono
        self._pages.clear()
        self.complete = limit is None or len(ids) < limit
        if self.complete:  # the widest line, so a view scrolls sideways exactly as far as needed
            (longest,) = self._conn.execute(f"SELECT MAX(length(text)) FROM trace_lines WHERE {where}", args).fetchone()
            self.width = int(longest or 0)
        elif ids:  # a first screen: the widest line of the first page (it is read for the first paint anyway)
            self.width = max(len(r.text) for r in self._load_page(0))
        return self

    def _where(self, extra: str = "") -> tuple[str, tuple[object, ...]]:
        clauses = ["channel = ?"]
        args: list[object] = [self.channel]
        if self.attempt_id is not None:
            clauses.insert(0, "attempt_id = ?")
            args.insert(0, self.attempt_id)
        if self.contains:
            clauses.append("instr(lower(text), ?) > 0")
            args.append(self.contains.lower())
        if extra:
            clauses.append(extra)
        return " AND ".join(clauses), tuple(args)

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, index: int) -> Row:
        page_no = index // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._load_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[index - page_no * PAGE]

    def _load_page(self, page_no: int) -> list[Row]:
        start = page_no * PAGE
        ids = self.ids[start : start + PAGE]
        found: dict[int, Row] = {}
        if ids:
            marks = ",".join("?" * len(ids))
            for rid, text, step_id, level, wall in self._conn.execute(
                f"SELECT id, text, step_id, level, wall FROM trace_lines WHERE id IN ({marks})", tuple(ids)
            ):
                found[rid] = Row(text, step_id, level, wall)
        page = [found.get(rid, Row("", None, None, 0.0)) for rid in ids]
        self._pages[page_no] = page
        while len(self._pages) > 64:
            self._pages.popitem(last=False)
        return page

    def index_at_time(self, mono_ns: int) -> int:
        """The first line captured at or after ``mono_ns`` (clamped to the last line)."""
        if not self.ids:
            return 0
        return min(bisect.bisect_left(self.mono, mono_ns), len(self.ids) - 1)

    def matches(self, needle: str) -> list[int]:
        """Positions of the lines containing ``needle`` (case-insensitive), in order."""
        if not needle or not self.ids:
            return []
        where, args = self._where("instr(lower(text), ?) > 0")
        hits = {
            rid for (rid,) in self._conn.execute(f"SELECT id FROM trace_lines WHERE {where}", (*args, needle.lower()))
        }
        if not hits:
            return []
        return [i for i, rid in enumerate(self.ids) if rid in hits]

    def step_times(self) -> list[tuple[int, str]]:
        """(first capture time, step id) of each step in this channel's lines, in time order."""
        where, args = self._where("step_id IS NOT NULL")
        rows = self._conn.execute(
            f"SELECT MIN(mono_ns), step_id FROM trace_lines WHERE {where} GROUP BY step_id ORDER BY 1", args
        )
        return [(int(m), str(s)) for m, s in rows]
