"""An engine that begins a line after its answer and dies before it reads the next request stopped between two
calls, after that answer (audit s30): not « secure_invoice : … au milieu de sa réponse », a request it never read
(docs/engine-protocol.md, « Nothing after an answer »)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from testbench.engines.api import EngineCrash
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

#: from docs/engine-protocol.md alone: answers create_invoice, then writes half a debug line and dies (code 3)
ENGINE = r"""
import json, os, sys, time
INFO = {"name": "Dying", "version": "1", "agrement": "T", "socle_version": "1.40", "capabilities": []}
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    msg = json.loads(line)
    method = msg["method"]
    result = {"protocol_version": "1", "engine": INFO} if method == "initialize" else INFO
    out.write((json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\n").encode())
    out.flush()
    if method == "create_invoice":
        out.write(b"DEBUG facture F-1 ")
        out.flush()
        sys.stderr.write("abandon\n")
        sys.stderr.flush()
        time.sleep(0.6)
        os._exit(3)
"""


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def polled(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(process, "POLL_PIPES", request.param)
    return bool(request.param)


@pytest.mark.usefixtures("polled")
def test_a_line_begun_then_death_is_charged_to_the_answer_before(tmp_path: Path) -> None:
    script = tmp_path / "dying.py"
    script.write_text(ENGINE, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=5.0, validate=False)
    try:
        engine.begin_case()
        engine.create_invoice({"invoice_ref": "X"})
        time.sleep(0.3)  # the line begun is there before the next request goes out
        with pytest.raises(EngineCrash) as caught:
            engine.secure_invoice({"invoice_id": "F-1"})
        said = str(caught.value)
        assert said.startswith("après sa réponse à la requête 2 (create_invoice), le moteur s'est arrêté"), said
        assert "(code 3)" in said and "au milieu de sa réponse" not in said, said
    finally:
        engine.close()
