"""The bench's answers to the engine's own requests (audit s24, F4) are JSON-RPC as the protocol says: a
method the bench does not serve is -32601 whatever its params, and an APDU that is not hexadecimal is -32602
in the bench's French words, never Python's decoder text.

A real process: a standard-library engine that, on ``echo``, sends the bench the requests it is given, reads
each answer, and returns them all as its result.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import _sample_bay

_ENGINE = """
import json, sys

def send(message):
    sys.stdout.write(json.dumps(message) + "\\n")
    sys.stdout.flush()

for raw in sys.stdin:
    msg = json.loads(raw)
    if msg.get("method") == "initialize":
        engine = {"name": "echo", "version": "0", "capabilities": []}
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"protocol_version": "1", "engine": engine}})
    elif msg.get("method") == "echo":
        answers = []
        for n, asked in enumerate(msg["params"]["ask"]):
            send(dict(asked, jsonrpc="2.0", id=f"s{n}"))
            answers.append(json.loads(sys.stdin.readline()))
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"answers": answers}})
    elif "id" in msg:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"""


def _answers(tmp_path: Path, *asked: dict[str, Any]) -> list[dict[str, Any]]:
    script = tmp_path / "echo_engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=10.0, bay=_sample_bay())
    try:
        return engine.call("echo", {"ask": list(asked)})["answers"]  # type: ignore[no-any-return]
    finally:
        engine.close()


def test_a_method_the_bench_does_not_serve_is_method_not_found_whatever_its_params(tmp_path: Path) -> None:
    bogus, no_params = _answers(tmp_path, {"method": "bogus", "params": {}}, {"method": "card.erase"})
    assert bogus["error"]["code"] == J.METHOD_NOT_FOUND and no_params["error"]["code"] == J.METHOD_NOT_FOUND
    assert bogus["error"]["message"] == "méthode inconnue côté banc : \"bogus\""


def test_an_apdu_that_is_not_hexadecimal_is_said_in_the_benchs_words(tmp_path: Path) -> None:
    letters, odd, number = _answers(
        tmp_path,
        {"method": "card.transmit", "params": {"slot": "vitale", "apdu": "00ZZ"}},
        {"method": "card.transmit", "params": {"slot": "vitale", "apdu": "00A"}},
        {"method": "card.transmit", "params": {"slot": "vitale", "apdu": 12}},
    )
    assert [a["error"]["code"] for a in (letters, odd, number)] == [J.INVALID_PARAMS] * 3
    assert letters["error"]["message"] == 'APDU invalide : caractère non hexadécimal en position 3 : "Z"'
    assert odd["error"]["message"] == "APDU invalide : nombre impair de chiffres hexadécimaux (3)"
    assert number["error"]["message"] == "APDU invalide : chaîne hexadécimale attendue, reçu 12"
    assert not [a for a in (letters, odd, number) if "fromhex" in a["error"]["message"]]


def test_a_well_formed_apdu_still_reaches_the_card(tmp_path: Path) -> None:
    (answer,) = _answers(tmp_path, {"method": "card.transmit", "params": {"slot": "vitale", "apdu": "00 A4 04 0C"}})
    assert isinstance(answer["result"]["sw"], int), answer
