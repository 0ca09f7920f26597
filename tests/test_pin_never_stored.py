"""« A PIN is never stored »: a code the operator types into an attestation (its note, a keyed value, a rejection
note) or an engine writes on its stderr before it dies reaches no table of the session file — not the reason, the
events, the comparisons, the observations nor the bench's trace lines — while the words around it are kept.

Real sessions (``run`` with an attestations file; an external engine that crashes), then every table is read."""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.store.session import SessionStore
from testbench.traces.model import Channel, TraceLine
from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import redact_pins

DEMO = CASEBOOKS_DIR / "demo.xml"
PIN = "4719"
#: the code next to a PIN's label, as the rules read it (« code porteur 4719 », « PIN=4719 », « pin 4719 »)
CODE_IN_CONTEXT = re.compile(rf"(?i)(?:pin|porteur)\W{{0,3}}{PIN}")

#: the reference engine behind the protocol server; it writes a PIN on stderr, then dies on secure_invoice
_LEAKY_ENGINE = f"""
import os, sys
from testbench.engines.protocol.server import Server, reference_factory

class Leaky(Server):
    def dispatch(self, method, params):
        if method == "secure_invoice":
            sys.stderr.write("FATAL: sécurisation impossible, PIN={PIN}, code porteur {PIN}\\n")
            sys.stderr.flush()
            os._exit(3)
        return super().dispatch(method, params)

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Leaky(stdin, stdout, reference_factory).serve())
"""


def _leaks(session: Path) -> list[str]:
    """Every text of every table of ``session`` that holds the code next to its label: « table: text »."""
    conn = sqlite3.connect(f"file:{session}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        found = []
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    if CODE_IN_CONTEXT.search(text):
                        found.append(f"{table}: {text[:200]}")
    finally:
        conn.close()
    return found


def _attested(tmp_path: Path, confirmed: bool) -> Path:
    """A session of DEMO-FSE-030 whose paper step the operator attested, a PIN in the note and the values."""
    attestations = tmp_path / "attestations.json"
    attestation = {
        "confirmed": confirmed,
        "note": f"feuille vue, code porteur {PIN}",
        "values": {"manual.paper_printed": f"pin {PIN}", "manual.paper_total": f"code porteur {PIN} saisi, PIN={PIN}"},
    }
    attestations.write_text(json.dumps({"operator": "Camille", "DEMO-FSE-030/m-paper": attestation}), "utf-8")
    session = tmp_path / "attested.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"]
    assert main([*argv, "-k", "id:DEMO-FSE-030", "--attestations", str(attestations)]) == 1  # values differ
    return session


def test_a_pin_the_operator_attested_is_stored_nowhere(tmp_path: Path) -> None:
    session = _attested(tmp_path, confirmed=True)
    assert _leaks(session) == []
    conn = sqlite3.connect(session)
    try:
        sets = " ".join(row[0] for row in conn.execute("SELECT data FROM observation_sets"))
    finally:
        conn.close()
    assert "code porteur ‹PIN› saisi, PIN=‹PIN›" in sets  # the words are kept, only the code is masked


def test_a_pin_in_a_rejection_note_is_stored_nowhere(tmp_path: Path) -> None:
    assert _leaks(_attested(tmp_path, confirmed=False)) == []


def test_a_pin_on_the_engine_s_stderr_is_stored_nowhere(tmp_path: Path) -> None:
    script = tmp_path / "leaky.py"
    script.write_text(_LEAKY_ENGINE, encoding="utf-8")
    session = tmp_path / "engine.tbsession"
    engine = shlex.join([sys.executable, str(script)])
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine]
    assert main([*argv, "-k", "id:DEMO-FSE-001"]) == 1
    conn = sqlite3.connect(session)
    try:
        (reason,) = conn.execute("SELECT reason FROM attempts").fetchone()
    finally:
        conn.close()
    assert "PIN=‹PIN›" in reason  # the crash is told, its code masked
    assert _leaks(session) == []


def test_a_pin_in_utf16_read_as_another_encoding_is_stored_nowhere(tmp_path: Path) -> None:
    """« P\\x00I\\x00N\\x00=… »: the cheap question hands a text with NULs to the rules, which read it without them."""
    text = "".join(c + "\x00" for c in f"PIN={PIN}")
    assert may_hold_pin(text)
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        store.add_event("note", {"text": text})
    assert _leaks(session) == []


def test_apdu_lines_keep_their_own_masks(tmp_path: Path) -> None:
    """An APDU line is masked from its bytes (VERIFY data as ``2A``): the text rules do not rewrite it, even on the
    CPS's slot, whose name is a PIN word."""
    apdu = "A>> 00 20 00 81 08 2A 2A 2A 2A 2A 2A 2A 2A  A<< 9000 succès  (0.01 ms) [cps@inprocess-cps]"
    bench = f"étape manuelle m-paper confirmée par Camille : code porteur {PIN}"
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        store.add_trace_lines([TraceLine(Channel.APDU, 1, 1.0, apdu, "r"), TraceLine(Channel.BENCH, 2, 2.0, bench, "")])
    conn = sqlite3.connect(session)
    try:
        texts = [row[0] for row in conn.execute("SELECT text FROM trace_lines ORDER BY id")]
    finally:
        conn.close()
    assert texts == [apdu, "étape manuelle m-paper confirmée par Camille : code porteur ‹PIN›"]


@pytest.mark.parametrize("text", [f"code cps : {PIN}", f"code_cps={PIN}", f"CODE-CPS {PIN}", f"pin cps {PIN}"])
def test_every_cps_label_is_still_asked_for(text: str) -> None:
    assert redact_pins(text) != text
    assert may_hold_pin(text)


def test_an_engine_s_cps_line_asks_no_rule() -> None:
    """The engine's trace names the CPS with digits around in every case: the store's question lets it through."""
    assert not may_hold_pin("20261206 03:05:34.651 INFO testbench.reference - read_cps ok rpps=89990000013 type=CPE")


@pytest.mark.parametrize(
    "text",
    [
        '{"outcome":"pass","expected":"33.60"}',  # every comparison the store writes
        '{"invoice.lines[0].shipping":"0.00","invoice.totals.depassement":"0.00"}',  # every invoice's observations
        "read_cps ok rpps=10000000001",
    ],
)
def test_the_run_s_own_texts_ask_no_rule(text: str) -> None:
    """The pre-check keeps the rules off what every case writes (it loaded them for each comparison and invoice)."""
    from testbench.traces.pin_words import may_hold_pin

    assert not may_hold_pin(text)
