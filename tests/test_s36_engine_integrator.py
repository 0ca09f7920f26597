"""An integrator's engine written from docs/engine-protocol.md alone (audit s36): the mistakes such an engine makes
are named in words that say what to change.

- an answer pretty-printed over several lines (``json.dumps(indent=2)``, .NET's ``WriteIndented``) is said to be
  JSON cut by the end of its line, not « JSON illisible à la colonne 2 » of a lone « { »;
- an answer whose ``id`` is ``true`` answers no request (Python's ``True == 1`` took it for the answer to
  ``initialize``, id 1), as ``engine check`` already said on the envelope's schema;
- ``engine check`` counts the engine's trace lines in agreement: « 0 ligne de trace », "1 trace line";
- the reference engine answers JSON that is no object (``[]``) as JSON-RPC says: invalid request, -32600;
- a start that times out with nothing at all on stdout says what it most often is: an answer never flushed;
- the bench answers an engine's ``card.atr`` / ``card.transmit`` with the card error kinds the protocol names
  (``CardAbsent`` now among them), never a class of its card layer's own (``CardMute``) that an engine passing it
  on would see refused as « une sorte inconnue », the engine blamed for the bench's reader.

A real process each time: a standard-library engine, its faults chosen by its first argument.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from testbench.cards.api import CardAbsent, CardError, CardMismatch, ReaderBusy
from testbench.cards.inprocess import InProcessBay
from testbench.cards.pcsc import CardMute
from testbench.cards.read import PinRefused
from testbench.domain.refusal import EngineError
from testbench.engines.api import EngineProtocolError
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import run_checks
from testbench.engines.protocol.server import Server
from testbench.engines.protocol.validation import check
from testbench.i18n import english

_ENGINE = """
import json, sys

FAULT = sys.argv[1]
INFO = {"name": "integrateur", "version": "1", "capabilities": []}
traced = False

def send(message, indent=None):
    sys.stdout.write(json.dumps(message, indent=indent) + "\\n")
    sys.stdout.flush()

for raw in sys.stdin:
    msg = json.loads(raw)
    if "id" not in msg:
        continue
    method, msg_id = msg.get("method"), msg["id"]
    if method == "initialize":
        answered = True if FAULT == "true-id" else msg_id
        send({"jsonrpc": "2.0", "id": answered, "result": {"protocol_version": "1", "engine": INFO}})
    elif method == "describe":
        send({"jsonrpc": "2.0", "id": msg_id, "result": INFO}, indent=2 if FAULT == "pretty" else None)
    elif method == "shutdown":
        send({"jsonrpc": "2.0", "id": msg_id, "result": {}})
        sys.exit(0)
    else:
        if FAULT == "one-trace" and not traced:
            traced = True
            send({"jsonrpc": "2.0", "method": "trace", "params": {"channel": "engine", "line": "calcul"}})
        send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32601, "message": "Method not found"}})
"""


def _engine(tmp_path: Path, fault: str) -> list[str]:
    script = tmp_path / "engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    return [sys.executable, str(script), fault]


def test_an_answer_written_over_several_lines_is_said_to_be_cut_by_the_line_end(tmp_path: Path) -> None:
    engine = SubprocessEngine(_engine(tmp_path, "pretty"), timeout=10)
    try:
        with pytest.raises(EngineProtocolError) as caught:
            engine.call("describe", {})
    finally:
        engine.close()
    said = str(caught.value)
    assert said == (
        "describe : sortie qui n'est pas du JSON-RPC (JSON inachevé en fin de ligne, alors qu'un message tient"
        " sur une seule ligne) : « { »"
    ), said
    assert english(said) == (
        "describe: output that is not JSON-RPC (JSON cut short by the end of the line, while a message fits on one"
        " line): “{”"
    )


@pytest.mark.parametrize(
    ("line", "cut"),
    [
        (b"{", True),
        (b'{"jsonrpc": "2.0", "id": 4, "result": {"fse": "<fse', True),  # a string never ended
        (J.BOM + b'{"jsonrpc": "2.0",', True),
        (b'{"id": 1}}', False),  # wrong at a column: the column is said
        (b"DEBUG calcul", False),
        (b"   ", False),
        (b'{"a": "caf\xe9', False),  # not UTF-8: said so
        (b"[" * 100_000, False),  # nested too deep: said so, the check never overflows
    ],
)
def test_only_json_cut_short_by_the_line_end_is_said_so(line: bytes, cut: bool) -> None:
    assert J.cut_by_line_end(line) is cut


def test_an_answer_to_id_true_answers_no_request(tmp_path: Path) -> None:
    engine = SubprocessEngine(_engine(tmp_path, "true-id"), timeout=10)
    try:
        with pytest.raises(EngineProtocolError) as caught:
            engine.call("describe", {})
    finally:
        engine.close()
    assert "initialize : réponse à l'identifiant true au lieu de 1" in str(caught.value), caught.value


@pytest.mark.parametrize(
    ("fault", "fr", "en"),
    [("none", "0 ligne de trace", "0 trace lines"), ("one-trace", "1 ligne de trace", "1 trace line")],
)
def test_engine_check_counts_trace_lines_in_agreement(tmp_path: Path, fault: str, fr: str, en: str) -> None:
    report = run_checks(_engine(tmp_path, fault), timeout=5)
    traces = next(r for r in report.results if r.id == "traces")
    assert traces.ok and traces.detail == fr, traces
    assert f"conformant trace notifications — {en}\n" in report.as_text("en") + "\n"


def test_the_reference_engine_answers_json_that_is_no_object_as_an_invalid_request() -> None:
    """JSON-RPC 2.0: ``[]`` or ``1`` is JSON (no parse error, -32700) but no request: -32600, ``id`` null."""
    lines = [b"[]\n", b"1\n", b"pas du JSON\n", b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}\n']
    out = io.BytesIO()
    Server(io.BytesIO(b"".join(lines)), out).serve()
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    codes = [(a["id"], a.get("error", {}).get("code")) for a in answers]
    assert codes == [(None, J.INVALID_REQUEST), (None, J.INVALID_REQUEST), (None, J.PARSE_ERROR), (1, None)], answers


_UNFLUSHED = """
import json, sys

out = open(1, "w", buffering=65536, closefd=False)  # a pipe's block buffering, whatever PYTHONUNBUFFERED says
for raw in sys.stdin:
    msg = json.loads(raw)
    info = {"name": "x", "version": "1", "capabilities": []}
    out.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {"protocol_version": "1", "engine": info}}))
    out.write("\\n")  # and no flush: the answer stays in the engine's buffer
"""


def test_a_start_with_nothing_on_stdout_says_an_answer_needs_a_flush(tmp_path: Path) -> None:
    script = tmp_path / "unflushed.py"
    script.write_text(_UNFLUSHED, encoding="utf-8")
    engine = SubprocessEngine([sys.executable, str(script)], timeout=0.5)
    try:
        with pytest.raises(EngineError) as caught:
            engine.call("describe", {})
    finally:
        engine.close()
    said = str(caught.value)
    assert said.endswith(
        "initialize : pas de réponse en 0,5 s ; rien n'est sorti du moteur (une réponse non suivie d'un flush reste"
        " dans son tampon)"
    ), said
    assert english(said).endswith(
        "initialize: no answer within 0.5 s; nothing came out of the engine (an answer not followed by a flush stays"
        " in its buffer)"
    ), english(said)


_PASSING_ON = """
import json, sys

def send(message):
    sys.stdout.write(json.dumps(message) + "\\n")
    sys.stdout.flush()

for raw in sys.stdin:
    msg = json.loads(raw)
    if msg.get("method") == "initialize":
        info = {"name": "relais", "version": "1", "capabilities": []}
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {"protocol_version": "1", "engine": info}})
    elif msg.get("method") == "read_vitale":  # asks the card, and passes the bench's card error on as it came
        send({"jsonrpc": "2.0", "id": "s1", "method": "card.atr", "params": {"slot": "vitale"}})
        answer = json.loads(sys.stdin.readline())
        sys.stderr.write(json.dumps(answer) + "\\n")
        sys.stderr.flush()
        send({"jsonrpc": "2.0", "id": msg["id"], "error": answer["error"]})
    elif "id" in msg:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": {}})
"""


def test_a_card_error_the_bench_answers_is_a_kind_of_the_protocol_an_engine_may_pass_on(tmp_path: Path) -> None:
    """An empty reader is answered ``CardAbsent``, which the published schema names: an engine that passes it on
    reports the card absent (inconclusive, or the refusal a case expects), never an engine fault."""
    script = tmp_path / "passing_on.py"
    script.write_text(_PASSING_ON, encoding="utf-8")
    lines: list[str] = []
    engine = SubprocessEngine([sys.executable, str(script)], timeout=10, bay=InProcessBay(), trace=lines.append)
    try:
        with pytest.raises(CardError) as caught:
            engine.read_vitale("vitale")
    finally:
        engine.close()
    assert type(caught.value) is CardAbsent, caught.value
    [relayed] = [json.loads(line.removeprefix("stderr : ")) for line in lines if line.startswith("stderr : ")]
    assert check(relayed["error"]["data"], "card-error.data") == [], relayed


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (CardMute("muette", connecting=False), "CardUnavailable"),
        (ReaderBusy("pris"), "CardUnavailable"),
        (CardAbsent("vide"), "CardAbsent"),
        (CardMismatch("autre carte"), "CardMismatch"),
        (PinRefused("refusé"), "CardError"),
    ],
)
def test_the_card_layers_own_errors_reach_an_engine_as_the_protocols_kinds(error: CardError, kind: str) -> None:
    answer = J.error_from_exception(7, error)  # what the reference engine's server answers for it
    assert answer["error"]["data"] == {"type": "card", "kind": kind} and J.card_kind(error) == kind
    assert check(answer["error"]["data"], "card-error.data") == []
