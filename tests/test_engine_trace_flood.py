"""An engine that floods its trace (thousands of ``trace`` notifications in one call) neither grows the session
without bound nor the report: a case stores its first ``TRACE_KEPT`` lines and says the cut once, as a bench line
(event ``engine-trace-rejected``), in French and English — as the engine's stderr is bounded."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.domain.refusal import EngineError
from testbench.engines.protocol import client
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english

_FLOOD = """
import json, sys

COUNT = int(sys.argv[1])
INFO = {"name": "bavard", "version": "1", "capabilities": []}

def send(message):
    sys.stdout.write(json.dumps(message) + "\\n")

for raw in sys.stdin:
    msg = json.loads(raw)
    if "id" not in msg:
        continue
    method, msg_id = msg.get("method"), msg["id"]
    if method == "initialize":
        send({"jsonrpc": "2.0", "id": msg_id, "result": {"protocol_version": "1", "engine": INFO}})
    elif method == "describe":
        send({"jsonrpc": "2.0", "id": msg_id, "result": INFO})
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": msg_id, "result": {}})
        sys.stdout.flush()
        sys.exit(0)
    else:
        for n in range(COUNT):
            send({"jsonrpc": "2.0", "method": "trace", "params": {"channel": "engine", "line": f"ligne {n}"}})
        send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32601, "message": "Method not found"}})
    sys.stdout.flush()
"""


def test_a_case_stores_its_first_trace_lines_and_says_the_cut_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "TRACE_KEPT", 50)
    script = tmp_path / "flood.py"
    script.write_text(_FLOOD, encoding="utf-8")
    lines: list[str] = []
    events: list[tuple[str, dict[str, Any]]] = []
    engine = SubprocessEngine([sys.executable, str(script), "120"], timeout=20, trace=lines.append)
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    try:
        for _case in range(2):  # the count starts again with each case
            engine.begin_case()
            with pytest.raises(EngineError):
                engine.read_vitale("vitale")
            engine.end_case(settle=False)
    finally:
        engine.close()
    traced = [line for line in lines if line.startswith("ligne ")]
    assert traced == [f"ligne {n}" for n in range(50)] * 2
    said = [details["message"] for kind, details in events if kind == "engine-trace-rejected"]
    cut = "le moteur a envoyé plus de 50 lignes de trace dans ce cas : les suivantes ne sont pas enregistrées"
    assert said == [cut, cut]
    assert english(cut) == "the engine sent more than 50 trace lines in this case: the following ones are not stored"
