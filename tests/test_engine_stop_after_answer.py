"""What an engine does right after an answer — exit, or print a stray line — is the fault of the call it answered
last, in the same words every run (audit 21: the next method got the blame, the wording varying run to run). An
engine that exits on reading a request still crashed on that request."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from testbench.engines.api import EngineCrash
from testbench.engines.protocol.client import SubprocessEngine

ENGINE = """
import json, sys
fault = sys.argv[1]
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    msg = json.loads(line)
    if msg["method"] == "initialize":
        result = {"protocol_version": "1", "engine": {"name": "E", "version": "1", "agrement": "T",
                                                       "socle_version": "1", "capabilities": []}}
    elif msg["method"] == "secure_invoice" and fault == "exit-on-request":
        sys.exit(7)
    else:
        result = {"ok": True}
    out.write((json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\\n").encode())
    out.flush()
    if msg["method"] == "ping" and fault == "stray":
        out.write(b"debug: done\\n")
        out.flush()
    if msg["method"] == "ping" and fault == "exit-after":
        sys.exit(3)
"""


def _engine(tmp_path: Path, fault: str) -> SubprocessEngine:
    script = tmp_path / "after.py"
    script.write_text(ENGINE, encoding="utf-8")
    return SubprocessEngine([sys.executable, str(script), fault], timeout=20)


@pytest.mark.skipif(sys.platform == "win32", reason="whether the engine read the request: POSIX only")
def test_an_exit_right_after_an_answer_is_charged_to_that_answer(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "exit-after")
    try:
        for _ in range(6):
            engine.begin_case()
            engine.call("ping", {})
            with pytest.raises(EngineCrash) as crash:
                engine.call("secure_invoice", {})
            engine.end_case()
            assert str(crash.value).startswith("après sa réponse à la requête ")
            assert str(crash.value).endswith(" (ping), le moteur s'est arrêté entre deux appels (code 3)")
    finally:
        engine.close()


def test_an_exit_after_the_last_answer_of_a_case_is_that_cases_fault(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "exit-after")
    try:
        engine.begin_case()
        engine.call("ping", {})
        with pytest.raises(EngineCrash) as crash:
            engine.end_case()
    finally:
        engine.close()
    said = "après sa réponse à la requête 2 (ping), le moteur s'est arrêté entre deux appels (code 3)"
    assert str(crash.value) == said


def test_an_engine_that_exits_on_reading_a_request_crashed_on_it(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "exit-on-request")
    try:
        for _ in range(3):
            engine.begin_case()
            engine.call("ping", {})
            with pytest.raises(EngineCrash) as crash:
                engine.call("secure_invoice", {})
            engine.end_case()
            assert str(crash.value) == "secure_invoice : le moteur s'est arrêté (code 7)"
    finally:
        engine.close()
