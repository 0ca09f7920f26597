"""docs/reference-engine.md's promises a reviewer relies on, checked on a real ``testbench engine serve`` process
over the documented protocol: what the engine writes says it is not certified (FSE ``certifie="non"``, the B2-like
lot's header « FORMAT TESTBENCH NON CERTIFIE », a simulated ``sha256-simule`` signature), a lot's trace line names
its organisme destinataire (``organisme=01 751 9999``), and an invoice of no line or of more than 999 lines (the B2
limit) is the refusal ``EMPTY_INVOICE`` / ``TOO_MANY_LINES``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

CARDS = Path(__file__).resolve().parents[1] / "casebooks" / "cards"
BED = {"nomenclature": "LPP", "code": "1241763", "quantity": "4", "coefficient": "1"}  # E1 of the doc: AMO 33.60


def _invoice(ref: str, lines: list[dict[str, str]]) -> dict[str, Any]:
    """A dégradé invoice whose beneficiary names caisse 751, centre 9999 (the lot's organisme destinataire)."""
    beneficiary = {"nir": "1520199999001", "rank": 1, "regime": "01", "coverage": {}, "caisse": "751", "centre": "9999"}
    return {"invoice_ref": ref, "mode": "degrade", "care_date": "2026-02-02", "ps_category": "fournisseur-lpp",
            "beneficiary": beneficiary, "tiers_payant": "amo", "lines": lines}  # fmt: skip


class _Engine:
    """A real ``testbench engine serve`` process, spoken to one request at a time (traces on, no cards)."""

    def __init__(self, cards: dict[str, Any] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "testbench", "engine", "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.traces: list[str] = []
        self.next_id = 1
        self.call("initialize", {"protocol_version": "1", "cards": cards, "trace": True})

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request (its ``result`` or ``error``); trace notifications before it are kept."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        ident, self.next_id = self.next_id, self.next_id + 1
        message = {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
        self.proc.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            assert line, "the engine closed its stdout"
            answer = json.loads(line)
            if answer.get("method") == "trace":
                self.traces.append(answer["params"]["line"])
            elif answer.get("id") == ident:
                return answer

    def close(self) -> int:
        self.call("shutdown", {})
        self.proc.communicate(timeout=60)
        return self.proc.returncode


def test_what_the_engine_writes_says_it_is_not_certified_and_the_lot_trace_names_its_organisme() -> None:
    engine = _Engine()
    invoice = engine.call("create_invoice", _invoice("NC-1", [BED]))["result"]
    assert invoice["totals"]["amo"] == "33.60"
    assert 'certifie="non"' in invoice["fse"]  # « Outputs »: the FSE-like record says certifie="non"
    signature = engine.call("secure_invoice", {"invoice_id": invoice["invoice_id"]})["result"]["signature"]
    assert signature["algorithm"] == "sha256-simule" and signature["certified"] is False, signature
    lot = engine.call("build_lot", {"invoice_ids": [invoice["invoice_id"]]})["result"]
    assert lot["organisme"] == {"regime": "01", "caisse": "751", "centre": "9999"}
    assert "FORMAT TESTBENCH NON CERTIFIE" in lot["b2"].splitlines()[0], lot["b2"].splitlines()[0]
    lot_traces = [line for line in engine.traces if "build_lot" in line]
    assert lot_traces and "organisme=01 751 9999" in lot_traces[-1], engine.traces
    assert engine.close() == 0


def test_an_invoice_of_no_line_or_of_more_than_999_lines_is_refused_with_its_code() -> None:
    engine = _Engine()
    empty = engine.call("create_invoice", _invoice("EMPTY-1", []))
    at_limit = engine.call("create_invoice", _invoice("B2-999", [BED] * 999))
    over = engine.call("create_invoice", _invoice("B2-1000", [BED] * 1000))
    assert empty["error"]["code"] == -32000 and empty["error"]["data"]["code"] == "EMPTY_INVOICE", empty
    assert "result" in at_limit, at_limit.get("error")  # 999 lines: the B2 limit itself is billed
    assert over["error"]["code"] == -32000 and over["error"]["data"]["code"] == "TOO_MANY_LINES", over
    assert "999" in over["error"]["data"]["message"]
    assert engine.close() == 0


def test_a_real_card_is_refused_card_not_test_a_test_card_is_read() -> None:
    """« CARD_NOT_TEST: read_vitale / read_cps on a card of nature R (réelle): the reference engine only works with
    test cards », the engine building the cards from their profiles in its own process (cards mode ``profiles``)."""
    for slot, real, test in (
        ("vitale", "vitale2-real-nature.xml", "vitale2-adult-standard.xml"),
        ("cps", "cps3-real-nature.xml", "cps3-psad-lpp.xml"),
    ):
        engine = _Engine({"mode": "profiles", "profiles": {slot: str(CARDS / real)}})
        refused = engine.call(f"read_{slot}", {"slot": slot})
        assert refused["error"]["code"] == -32000, refused
        assert refused["error"]["data"]["code"] == "CARD_NOT_TEST", refused
        assert engine.close() == 0
        engine = _Engine({"mode": "profiles", "profiles": {slot: str(CARDS / test)}})
        read = engine.call(f"read_{slot}", {"slot": slot})
        assert "result" in read and read["result"]["nature"] != "R", read
        assert engine.close() == 0
