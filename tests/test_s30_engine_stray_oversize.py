"""A line too long that an engine began after its answer, before it read the next request, is that answer's
stray output (audit s30), as an unreadable line is: « après sa réponse à la requête 2 (create_invoice), le
moteur a écrit : une ligne de plus de … », not the next call's fault (docs/engine-protocol.md, « Nothing after an
answer »: only a line that reaches the bench once the engine has read the next request is charged to it)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from testbench.engines.api import EngineProtocolError
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

#: from docs/engine-protocol.md alone: answers every request, and after its answer to create_invoice begins a
#: line, pauses (the bench sends its next request meanwhile), then ends it far past the bench's cap
ENGINE = r"""
import json, sys, time
INFO = {"name": "Chatty", "version": "1", "agrement": "T", "socle_version": "1.40", "capabilities": []}
RESULT = {"invoice_id": "F-1", "number": "1", "lines": [], "fse": "<fse/>", "tiers_payant": {},
          "totals": {"billed": "0.00", "base": "0.00", "amo": "0.00", "amc": "0.00", "patient": "0.00",
                     "depassement": "0.00"},
          "withholdings": {"participation_forfaitaire": "0.00", "franchise": "0.00"}}
out = sys.stdout.buffer
while True:
    line = sys.stdin.buffer.readline()
    if not line:
        break
    msg = json.loads(line)
    method = msg["method"]
    result = {"protocol_version": "1", "engine": INFO} if method == "initialize" else INFO
    if method == "create_invoice":
        result = RESULT
    out.write((json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\n").encode())
    out.flush()
    if method == "create_invoice":
        out.write(b'{"debug":"' + b"x" * 1000)
        out.flush()
        time.sleep(1.0)
        out.write(REST)
        out.flush()
"""


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def polled(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(process, "POLL_PIPES", request.param)
    return bool(request.param)


@pytest.mark.usefixtures("polled")
def test_a_stray_oversized_line_is_charged_to_the_call_answered(tmp_path: Path) -> None:
    script = tmp_path / "chatty.py"
    script.write_text("REST = " + repr(b"y" * 200_000 + b'"}\n') + "\n" + ENGINE, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=5.0, max_line=64 * 1024, validate=False)
    try:
        engine.begin_case()
        engine.create_invoice({"invoice_ref": "X"})
        time.sleep(0.4)  # the line begun is there before the next request goes out (the threads have read it)
        with pytest.raises(EngineProtocolError) as caught:
            engine.secure_invoice({"invoice_id": "F-1"})
        said = str(caught.value)
        assert said.startswith("après sa réponse à la requête 2 (create_invoice), le moteur a écrit : "), said
        assert "une ligne de" in said and "Kio" in said, said
    finally:
        engine.close()


@pytest.mark.usefixtures("polled")
def test_an_unreadable_line_begun_before_the_request_is_charged_to_the_call_answered(tmp_path: Path) -> None:
    """The engine ends its line and reads the next request at once: only that the line had begun before the
    request went out tells whose it is (the request is no longer unread when the bench looks)."""
    script = tmp_path / "chatty.py"
    script.write_text("REST = b' fin\\n'\n" + ENGINE, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=5.0, validate=False)
    try:
        engine.begin_case()
        engine.create_invoice({"invoice_ref": "X"})
        time.sleep(0.4)
        with pytest.raises(EngineProtocolError) as caught:
            engine.secure_invoice({"invoice_id": "F-1"})
        said = str(caught.value)
        assert said.startswith("après sa réponse à la requête 2 (create_invoice), le moteur a écrit : une sortie"), said
    finally:
        engine.close()
