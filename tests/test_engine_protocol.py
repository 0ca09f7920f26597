"""The reference engine out of process: JSON-RPC over stdio through SubprocessEngine, for real."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.cards.api import CardUnavailable
from testbench.domain.refusal import EngineRefusal
from testbench.domain.vocabulary import ENGINE_METHODS
from testbench.engines.api import Engine
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.server import Server
from testbench.engines.protocol.validation import check
from tests.test_engine_rules import line, request

REPO = Path(__file__).resolve().parent.parent
SERVE = [sys.executable, "-m", "testbench", "engine", "serve"]


@pytest.fixture
def traces() -> list[str]:
    return []


@pytest.fixture
def served(traces: list[str]) -> Iterator[SubprocessEngine]:
    engine = SubprocessEngine(SERVE, timeout=10, trace=traces.append, cwd=str(REPO))
    yield engine
    engine.close()


def test_out_of_process_matches_in_process(served: SubprocessEngine, traces: list[str]) -> None:
    from testbench.engines.reference.engine import ReferenceEngine

    assert isinstance(served, Engine) and served.describe().name == "testbench-reference"
    req = request([line("1231782", "4", unit_price="22.00")], amc={"contract": "tm", "cap": None})
    remote = served.create_invoice(req)
    local = ReferenceEngine().create_invoice(req)
    for key in ("lines", "totals", "withholdings", "tiers_payant"):
        assert remote[key] == local[key]
    assert remote["lines"][0]["amo"] == "42.07"
    assert check(remote, "create_invoice.result") == []
    assert any("create_invoice ref=T-1" in t for t in traces)  # engine trace arrived as notifications


def test_refusal_crosses_the_process_typed(served: SubprocessEngine) -> None:
    with pytest.raises(EngineRefusal) as info:
        served.create_invoice(request([line("1105215", "30", unit_price="5.50")]))
    assert info.value.code == "PRICE_ABOVE_PLV" and info.value.details["plv"] == "5.07"
    pid = served.pid
    assert served.create_invoice(request([line("1241763")], invoice_ref="2"))["totals"]["amo"] == "8.40"
    assert served.pid == pid  # a refusal is an answer, not a fault


def test_full_flow_lot_and_returns(served: SubprocessEngine) -> None:
    inv = served.create_invoice(request([line("1241763", "4")], tiers_payant="amo"))
    assert served.secure_invoice({"invoice_id": inv["invoice_id"]})["status"] == "secured"
    lot = served.build_lot({"invoice_ids": [inv["invoice_id"]]})
    assert check(lot, "build_lot.result") == [] and lot["totals"]["amo"] == "33.60"
    ret = served.read_returns({"scenario": "rsp-paid", "code": None, "lot_number": lot["number"]})
    assert ret["status"] == "paid" and check(ret, "read_returns.result") == []


def test_cards_are_read_through_the_client_bay(traces: list[str]) -> None:
    inprocess = pytest.importorskip("testbench.cards.inprocess")
    bay = inprocess.InProcessBay()
    bay.present("vitale", REPO / "casebooks/cards/vitale2-c2s.xml")
    engine = SubprocessEngine(SERVE, timeout=10, trace=traces.append, bay=bay, cwd=str(REPO))
    try:
        vitale = engine.read_vitale("vitale")
        assert vitale["beneficiaries"][0]["coverage"]["c2s"] is True
        assert check(vitale, "read_vitale.result") == []
        with pytest.raises(EngineRefusal) as empty:
            engine.read_cps("cps")  # empty slot: the bay's CardAbsent crossed the protocol, the engine refuses
        assert empty.value.code == "NO_CARD"
        assert engine.describe().name == "testbench-reference"
    finally:
        engine.close()


def test_cards_from_profiles_in_the_served_process() -> None:
    pytest.importorskip("testbench.cards.inprocess")
    profiles = {"cps": str(REPO / "casebooks/cards/cps4-nurse.xml")}
    engine = SubprocessEngine(SERVE, timeout=10, cards={"mode": "profiles", "profiles": profiles}, cwd=str(REPO))
    try:
        assert engine.read_cps("cps")["rpps"]
    finally:
        engine.close()


def _serve_lines(*messages: bytes, max_line: int = J.MAX_LINE) -> list[dict]:
    out = io.BytesIO()
    Server(io.BytesIO(b"".join(messages)), out, max_line=max_line).serve()
    return [json.loads(x) for x in out.getvalue().splitlines()]


def test_server_answers_bad_input_and_goes_on() -> None:
    replies = _serve_lines(
        b"not json\n",
        b'{"jsonrpc":"2.0","id":1,"method":"nope","params":{}}\n',
        b'{"jsonrpc":"2.0","id":2,"method":"read_cps","params":{}}\n',
        b'{"jsonrpc":"2.0","id":3,"method":"initialize","params":{"protocol_version":"9"}}\n',
        b'{"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocol_version":"1","cards":{"mode":"none"}}}\n',
        b"x" * 300 + b"\n",
        b'{"jsonrpc":"2.0","id":5,"method":"read_vitale","params":{"slot":"vitale"}}\n',
        b'{"jsonrpc":"2.0","id":6,"method":"shutdown"}\n',
        b'{"jsonrpc":"2.0","id":7,"method":"describe"}\n',
        max_line=200,
    )
    answers = [r for r in replies if "method" not in r]
    codes = [(r.get("id"), r.get("error", {}).get("code")) for r in answers]
    assert codes == [
        (None, J.PARSE_ERROR),
        (1, J.METHOD_NOT_FOUND),
        (2, J.INVALID_PARAMS),
        (3, J.INVALID_PARAMS),
        (4, None),
        (None, J.INVALID_REQUEST),  # oversized line
        (5, J.REFUSAL),  # no card channel: NO_CARD refusal
        (6, None),
    ]  # nothing after shutdown
    assert answers[6]["error"]["data"]["code"] == "NO_CARD"
    assert all(check(r, "message") == [] for r in replies)


def test_read_line_caps_without_reading_everything() -> None:
    stream = io.BytesIO(b"a" * 1000 + b"\nnext\n")
    first = J.read_line(stream, max_line=100)
    assert isinstance(first, J.Oversized) and first.size == 1001
    assert J.read_line(stream, max_line=100) == b"next"
    assert J.read_line(stream, max_line=100) is None


def test_schemas_are_valid_json_and_cover_every_method() -> None:
    for method in ENGINE_METHODS + J.CONTROL_METHODS:
        for part in ("params", "result"):
            path = REPO / "testbench/engines/protocol/schemas" / f"{method}.{part}.json"
            assert json.loads(path.read_text("utf-8"))["$schema"].startswith("https://json-schema.org/")


@pytest.mark.integration
def test_served_engine_reads_pcsc_readers_by_name(vpcd_lock: list[str]) -> None:
    """Real pcscd + vpcd: the bench emulates the card, the served engine opens the reader itself (the vpcd
    readers held for the test: another test's bench would set them aside or put a card in them)."""
    bays = pytest.importorskip("testbench.cards.bays")
    with bays.PcscBay() as bay:
        bay.present("vitale", REPO / "casebooks/cards/vitale2-ald.xml")
        bay.release()  # let the engine take the card, as with a vendor engine
        readers = {"vitale": bay.reader_name("vitale")}
        engine = SubprocessEngine(SERVE, timeout=15, cards={"mode": "pcsc", "readers": readers}, cwd=str(REPO))
        try:
            vitale = engine.read_vitale("vitale")
            assert vitale["beneficiaries"][0]["coverage"]["ald"] is True
            with pytest.raises(CardUnavailable):
                engine.read_cps("cps")  # no reader configured for this slot
        finally:
            engine.close()


def test_a_card_round_trip_costs_the_caller_no_python_queue_encoder_or_depth_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine asks ~30 APDUs per case through the client: where pipes can be polled (POSIX) the caller
    reads and writes them itself, with no hand-off to another thread (elsewhere each hand-off is a C queue);
    each message is encoded by one shared encoder; a message opening fewer brackets than the depth limit is
    not walked."""
    import collections

    from testbench.engines.protocol import process

    inprocess = pytest.importorskip("testbench.cards.inprocess")
    bay = inprocess.InProcessBay()
    bay.present("vitale", REPO / "casebooks/cards/vitale2-c2s.xml")
    engine = SubprocessEngine(SERVE, timeout=10, bay=bay, cwd=str(REPO))
    calls: collections.Counter[str] = collections.Counter()

    def count(frame, event, _arg):  # type: ignore[no-untyped-def]
        if event == "call":
            calls[f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"] += 1
        elif event == "c_call" and _arg.__module__ == "posix":
            calls[f"posix:{_arg.__name__}"] += 1

    try:
        engine.read_vitale("vitale")  # started, schemas compiled
        monkeypatch.setattr(J, "_too_deep", lambda *_a: pytest.fail("a shallow message was walked"))
        sys.setprofile(count)
        try:
            engine.read_vitale("vitale")
        finally:
            sys.setprofile(None)
    finally:
        engine.close()
    answered = calls["client.py:_answer_server_request"]
    assert answered >= 5  # the APDUs did cross the pipe
    if process.POLL_PIPES:  # the request and each answer written by this thread, each message read by it
        assert calls["posix:write"] == answered + 1  # (a read may first find the pipe empty, then wait)
        # and one look at stderr after each answer: the lines the engine logged before it are that call's
        assert 0 < calls["posix:read"] <= 2 * (answered + 1) + calls["client.py:_relay_stderr"]
    assert not [name for name in calls if name.startswith(("queue.py:", "threading.py:"))]
    assert calls["encoder.py:__init__"] == 0
