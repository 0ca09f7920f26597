"""An engine that dies in the middle of writing its answer is said to have stopped there, with its exit code and
what it had written (audit 21: « sortie qui n'est pas du JSON-RPC (JSON illisible à la colonne 23) »)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.engines.api import EngineCrash
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english

HALF = """
import json, sys
for line in sys.stdin.buffer:
    msg = json.loads(line)
    if msg["method"] == "initialize":
        engine = {"name": "Half", "version": "1", "agrement": "T", "socle_version": "1", "capabilities": []}
        answer = {"protocol_version": "1", "engine": engine}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": answer}) + "\\n")
        sys.stdout.flush()
    else:
        sys.stdout.write('{"jsonrpc":"2.0","id":')
        sys.stdout.flush()
        sys.exit(5)
"""


@pytest.mark.parametrize("poll", [True, False], ids=["polled", "threads"])
def test_a_line_cut_by_the_engines_end_says_it_stopped_mid_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, poll: bool
) -> None:
    from testbench.engines.protocol import process

    monkeypatch.setattr(process, "POLL_PIPES", poll)
    script = tmp_path / "half.py"
    script.write_text(HALF, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=20)
    try:
        with pytest.raises(EngineCrash) as crash:
            engine.call("create_invoice", {})
    finally:
        engine.close()
    said = 'create_invoice : le moteur s\'est arrêté (code 5) au milieu de sa réponse : « {"jsonrpc":"2.0","id": »'
    assert str(crash.value) == said
    in_english = 'create_invoice: the engine stopped (code 5) in the middle of its answer: “{"jsonrpc":"2.0","id":”'
    assert english(said) == in_english
