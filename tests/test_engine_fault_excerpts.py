"""How the bench quotes an engine's faulty answer (audit s24, F5, F6): an ``error`` member that is not an object
is named with the call it answered, like every other fault; a byte that is not UTF-8 is marked in the excerpt
(« caf⟨0xE9⟩ »), so the quoted line no longer looks whole.

A real process: a standard-library engine that answers ``create_invoice`` with the bytes it is given.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.engines.api import EngineProtocolError
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english

_ENGINE = """
import json, sys

answer = sys.argv[1].encode("latin-1")
for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    if msg.get("method") == "initialize":
        engine = {"name": "octets", "version": "0", "capabilities": []}
        line = json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {"protocol_version": "1", "engine": engine}})
    elif msg.get("method") == "create_invoice":
        line = answer.decode("latin-1").replace("%ID%", json.dumps(msg["id"]))
        sys.stdout.buffer.write(line.encode("latin-1") + b"\\n")
        sys.stdout.flush()
        continue
    else:
        line = json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
    sys.stdout.write(line + "\\n")
    sys.stdout.flush()
"""


def _fault(tmp_path: Path, answer: str) -> str:
    script = tmp_path / "octets_engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script), answer], timeout=10.0)
    try:
        with pytest.raises(EngineProtocolError) as caught:
            engine.create_invoice({})
        return str(caught.value)
    finally:
        engine.close()


def test_an_error_member_that_is_not_an_object_names_the_call(tmp_path: Path) -> None:
    reason = _fault(tmp_path, '{"jsonrpc": "2.0", "id": %ID%, "error": "boom"}')
    assert reason == 'create_invoice : objet d\'erreur JSON-RPC invalide : "boom"'
    assert english(reason) == 'create_invoice: invalid JSON-RPC error object: "boom"'


def test_a_byte_that_is_not_utf8_is_marked_in_the_excerpt(tmp_path: Path) -> None:
    reason = _fault(tmp_path, '{"jsonrpc": "2.0", "id": %ID%, "result": {"x": "caf\xe9"}}')
    assert reason.startswith("create_invoice : sortie qui n'est pas du JSON-RPC (octet "), reason
    assert '"caf⟨0xE9⟩"}}' in reason and "café" not in reason, reason
