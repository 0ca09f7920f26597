"""An engine that ends while a process it started still holds its stdout (a wrapper's background helper, a
fork) is said to have stopped, with its exit code, as soon as it is gone (audit s30): not « pas de réponse en
N s » after the whole call timeout, which blamed a silence on an engine that had crashed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from testbench.engines.api import EngineCrash
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="os.fork")

#: a third-party engine from docs/engine-protocol.md alone: it answers initialize, then on create_invoice starts a
#: child that keeps stdout (and stderr) open, writes ``PARTIAL`` of an answer and exits with code 5
ENGINE = r"""
import json, os, sys, time
INFO = {"name": "Forking", "version": "1", "agrement": "T", "socle_version": "1.40", "capabilities": []}
for line in sys.stdin.buffer:
    msg = json.loads(line)
    if msg["method"] == "create_invoice":
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        sys.stdout.write(PARTIAL)
        sys.stdout.flush()
        sys.stderr.write("licence introuvable\n")
        sys.stderr.flush()
        os._exit(5)
    result = {"protocol_version": "1", "engine": INFO} if msg["method"] == "initialize" else INFO
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\n")
    sys.stdout.flush()
"""


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def polled(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(process, "POLL_PIPES", request.param)
    return bool(request.param)


def _engine(tmp_path: Path, partial: str) -> SubprocessEngine:
    script = tmp_path / "forking.py"
    script.write_text(f"PARTIAL = {partial!r}\n" + ENGINE, encoding="utf-8")
    return SubprocessEngine([sys.executable, str(script)], timeout=8.0)


@pytest.mark.usefixtures("polled")
def test_an_engine_gone_while_its_child_holds_stdout_is_said_stopped(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "")
    try:
        engine.describe()
        began = time.monotonic()
        with pytest.raises(EngineCrash) as caught:
            engine.create_invoice({"invoice_ref": "X"})
        assert time.monotonic() - began < 4.0, "waited for the call timeout"
        assert "create_invoice : le moteur s'est arrêté (code 5)" in str(caught.value), caught.value
        assert "licence introuvable" in str(caught.value)
    finally:
        engine.close()


@pytest.mark.usefixtures("polled")
def test_what_it_had_begun_to_write_is_shown_cut(tmp_path: Path) -> None:
    engine = _engine(tmp_path, '{"jsonrpc":"2.0","id":2,"result":{"invoice_id":"F-1"')
    try:
        engine.describe()
        with pytest.raises(EngineCrash) as caught:
            engine.create_invoice({"invoice_ref": "X"})
        said = str(caught.value)
        assert "(code 5) au milieu de sa réponse" in said and '"invoice_id":"F-1"' in said, said
    finally:
        engine.close()
