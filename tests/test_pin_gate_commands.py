"""The store's cheap question (``may_hold_pin``) lets through a card command that carries a PIN with no word around
it — an engine's stderr dump of a VERIFY in hex, in base64, as a program writes bytes — so the session never holds
the code (audit finding: « APDU 002000810834373139FFFFFFFF » reached trace_lines unmasked).

Every form the rules mask is asked for (the question must be wider than the rules), on real session files."""

from __future__ import annotations

import base64
import itertools
import random
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
#: the test PIN of card profile cps3-psad-lpp, as its VERIFY carries it (ASCII digits padded with FF)
COMMAND = bytes.fromhex("0020008108") + b"4719" + b"\xff" * 4
#: the PIN as each of the audit's lines writes it (never by chance in a hash's hex: « 4719 » alone is, once in a while)
TRACES_OF_PIN = ("34373139", "34 37 31 39", "ACAAgQg0NzE5")

AUDIT_LINES = [
    "APDU 002000810834373139FFFFFFFF",
    ">> 00 20 00 81 08 34 37 31 39 FF FF FF FF",
    "req=ACAAgQg0NzE5/////w==",
]


def _forms(command: bytes) -> list[str]:
    """``command`` as engines and proxies dump it: hex packed or spaced in either case, with « : » or « - », base64
    of either alphabet behind a frame header of 0 to 5 bytes (each alignment), a Python bytes literal, a C array, a
    list of numbers (Java's signed bytes too)."""
    hexed = command.hex()
    forms = [hexed, hexed.upper(), command.hex(" "), command.hex(" ").upper(), command.hex(":"), command.hex("-")]
    for header in (b"", b"\x01", b"\x01\x02", b"\x7e\x01\x02", b"\x10\x11\x12\x13", b"\xaa\xbb\xcc\xdd\xee"):
        forms += [base64.b64encode(header + command).decode(), base64.urlsafe_b64encode(header + command).decode()]
    forms.append(repr(command))
    forms.append(", ".join(f"0x{b:02X}" for b in command))
    forms.append("[" + ", ".join(str(b) for b in command) + "]")
    forms.append("[" + ", ".join(str(b - 256 if b > 127 else b) for b in command) + "]")
    return forms


@pytest.mark.parametrize("line", AUDIT_LINES)
def test_the_audit_s_dumps_are_asked_for(line: str) -> None:
    assert redact_pins(line) != line  # the rules mask it…
    assert may_hold_pin(line)  # …so the store's question must hand it to them


def test_every_command_that_carries_a_code_is_asked_for_in_every_form() -> None:
    """Each class byte (00, 80, BC), INS (20, 21, 24, 2C), P1 (00-03, 80, 81), random P2 and code: wherever the rules
    mask the line, the question says yes."""
    rng = random.Random(4719)
    masked = 0
    for cla, ins, p1 in itertools.product((0x00, 0x80, 0xBC), (0x20, 0x21, 0x24, 0x2C), (0, 1, 2, 3, 0x80, 0x81)):
        code = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 8))).encode()
        command = bytes([cla, ins, p1, rng.randrange(256), 8]) + code.ljust(8, b"\xff")
        for form in _forms(command):
            line = f"stderr : L24 APDU {form} fin"
            if redact_pins(line) != line:
                masked += 1
                assert may_hold_pin(line), line
    assert masked > 72 * 10  # most forms of most commands are masked by the rules: the loop asked about them


def test_a_base64_command_wrapped_over_lines_is_asked_for() -> None:
    token = base64.b64encode(b"\x01\x02" + COMMAND + bytes(range(40))).decode()
    text = "corps de la requête :\n" + "\n".join(token[i : i + 16] for i in range(0, len(token), 16))
    assert may_hold_pin(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"outcome":"pass","expected":"33.60","observed":"33.60","duration_ms":0.005218}',
        "A>> 00 B0 82 00 00  A<< 6C19 Le incorrect : renvoyer avec Le = 25  (0.00 ms) [vitale@inprocess-vitale]",
        "ACADEMIE de Lyon, Centre de santé Cas 0446 — LPP 1241763 à 14,00 €",
    ],
)
def test_the_run_s_own_texts_still_ask_no_rule(text: str) -> None:
    assert not may_hold_pin(text)


def _texts(session: Path) -> list[str]:
    """Every text and blob of every table of ``session`` (the artifacts' bytes apart: the engine's files)."""
    conn = sqlite3.connect(f"file:{session}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            value.decode("utf-8", "replace") if isinstance(value, bytes) else value
            for table in tables
            if table != "artifacts"
            for row in conn.execute(f'SELECT * FROM "{table}"')
            for value in row
            if isinstance(value, (str, bytes))
        ]
    finally:
        conn.close()


def _leaks(session: Path) -> list[str]:
    return [text[:200] for text in _texts(session) if any(trace in text for trace in TRACES_OF_PIN)]


def test_a_bench_line_or_an_event_quoting_a_dump_is_stored_masked(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    with SessionStore.open(session) as store:
        store.add_trace_lines(
            [TraceLine(Channel.BENCH, i, float(i), f"stderr : L{i} {line}", "") for i, line in enumerate(AUDIT_LINES)]
        )
        store.add_event("note", {"text": AUDIT_LINES[0], "lines": AUDIT_LINES})
    assert _leaks(session) == []
    texts = _texts(session)
    assert "stderr : L0 APDU 0020008108 ‹PIN›" in texts  # the command is told, its code masked
    assert "stderr : L2 req=‹PIN›" in texts


#: the reference engine behind the protocol server; on secure_invoice it dumps the VERIFY it would send, in the
#: three forms of the audit, on its stderr, then dies
_DUMPING_ENGINE = """
import os, sys
from testbench.engines.protocol.server import Server, reference_factory

LINES = {lines!r}

class Dumping(Server):
    def dispatch(self, method, params):
        if method == "secure_invoice":
            for line in LINES:
                sys.stderr.write(line + "\\n")
            sys.stderr.flush()
            os._exit(3)
        return super().dispatch(method, params)

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Dumping(stdin, stdout, reference_factory).serve())
"""


def test_a_dump_on_an_external_engine_s_stderr_is_stored_nowhere(tmp_path: Path) -> None:
    script = tmp_path / "dumping.py"
    script.write_text(_DUMPING_ENGINE.format(lines=AUDIT_LINES), encoding="utf-8")
    session = tmp_path / "engine.tbsession"
    engine = shlex.join([sys.executable, str(script)])
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "--engine", engine]
    assert main([*argv, "-k", "id:DEMO-FSE-001"]) == 1
    texts = _texts(session)
    assert any("0020008108 ‹PIN›" in text for text in texts)  # the engine's dump reached the session, masked
    assert _leaks(session) == []


def test_a_pin_label_in_base64_is_asked_for_at_each_alignment() -> None:
    """A JSON body in base64 (« eyJwaW4iOiI0NzE5In0= » is {"pin":"4719"}): wherever the rules mask it, the question
    says yes, whatever bytes come before the label."""
    for before in ("", "{", '{"', 'ab{"', "x ", "xy "):
        for label in ("pin", "PIN", "Pin"):
            token = base64.b64encode(f'{before}{label}":"4719"}}'.encode()).decode()
            line = f"réponse du service : requête={token}"
            assert redact_pins(line) != line, token
            assert may_hold_pin(line), token
