"""A trace notification the bench cannot store is said, once per case, with why (engine audit F): it was dropped
silently during a run (only ``engine check`` failed it), and a case expecting an engine trace pattern read as if
the engine had sent nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from testbench.domain.events import EventKind
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english

ENGINE = Path(__file__).parent / "data" / "engines" / "audit_engine.py"


def test_a_rejected_trace_notification_is_an_event_once_per_case() -> None:
    lines: list[str] = []
    events: list[tuple[str, dict[str, Any]]] = []
    engine = SubprocessEngine([sys.executable, str(ENGINE), "bad-trace"], timeout=20, trace=lines.append)
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    try:
        for _case in range(2):
            engine.begin_case()
            engine.call("ping", {})  # three bad traces, one good, then the answer
            engine.call("ping", {})
            engine.end_case()
    finally:
        engine.close()
    assert set(lines) == {"bonne ligne"} and len(lines) >= 4  # the good ones are stored as before
    rejected = [details["message"] for kind, details in events if kind == EventKind.ENGINE_TRACE_REJECTED]
    assert len(rejected) == 2  # one per case, not one per notification
    message = rejected[0]
    assert message.startswith("notification trace du moteur rejetée, sa ligne n'est pas enregistrée : ")
    assert "trace.params.line : type null au lieu de string" in message
    assert english(message).startswith("engine trace notification rejected, its line is not stored: ")
    assert "type null instead of string" in english(message)
