"""The SQL statements a session's writer runs, and the ``PRAGMA synchronous`` level each one ran under."""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.store.session import SessionStore


def trace_sessions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement of the sessions opened from now on in this test, in order."""
    statements: list[str] = []
    real_open = SessionStore.open

    def traced_open(path: Path, *, create: bool = True) -> SessionStore:
        store = real_open(path, create=create)
        store.conn.set_trace_callback(statements.append)
        return store

    monkeypatch.setattr(SessionStore, "open", traced_open)
    return statements


def levels(statements: list[str], starting: str) -> list[str]:
    """The ``synchronous`` level (FULL when opened) of each statement that starts with ``starting``."""
    level, found = "FULL", []
    for statement in statements:
        words = " ".join(statement.split()).upper()
        if words.startswith("PRAGMA SYNCHRONOUS ="):
            level = words.split("=")[1].strip()
        elif words.startswith(starting.upper()):
            found.append(level)
    return found
