"""Output an engine writes after its answer to the bench's own ``describe`` (audit s24, F1–F3).

The ``describe`` that closes a case is answered last: a line written just after it is that case's fault, read
at the case's end by one more ``describe`` (answered after it: one request at a time) and named as
``describe``, never as the call before it. In ``engine check`` the check that got the answer fails, and the
next check restarts the engine before its first call, so what an earlier check built is made again there
(never ``UNKNOWN_INVOICE`` from a correct engine).

Real processes: the reference engine behind the real protocol server, writing after its answer to the Nth
``describe`` of each process, or to the one after a given call, a debug line (``garbage``) or a second answer
(``double``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import run_checks

#: the reference engine, writing something after its answer to the Nth describe of the process
_ENGINE = """
import json, sys
from testbench.engines.protocol.server import Server, reference_factory

fault, when = sys.argv[1], sys.argv[2]  # when: the describe's rank in the process, or the method just before it

class Stray(Server):
    describes, before = 0, ""

    def handle(self, msg):
        going_on = super().handle(msg)
        before, self.before = self.before, msg.get("method")
        if msg.get("method") == "describe":
            self.describes += 1
            if when in (str(self.describes), before):
                stray = {"jsonrpc": "2.0", "id": msg.get("id"), "result": {}} if fault == "double" else None
                self.stdout.write(json.dumps(stray).encode() + b"\\n" if stray else b"DEBUG stray after answer\\n")
                self.stdout.flush()
        return going_on

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Stray(stdin, stdout, reference_factory).serve())
"""


def _command(tmp_path: Path, fault: str, when: int | str) -> list[str]:
    script = tmp_path / "stray_engine.py"
    script.write_text(_ENGINE, encoding="utf-8")
    return [sys.executable, str(script), fault, str(when)]


def _engine(tmp_path: Path, fault: str, nth: int) -> tuple[SubprocessEngine, list[tuple[str, dict[str, Any]]]]:
    engine = SubprocessEngine(_command(tmp_path, fault, nth), timeout=10.0)
    events: list[tuple[str, dict[str, Any]]] = []
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    engine.describe()  # started: initialize answered, as the bench does before the first case
    return engine, events


def _one_case(engine: SubprocessEngine) -> str | None:
    """A case with one call; what its end found."""
    engine.begin_case()
    engine.call("describe", {})
    return engine.end_case()


def test_a_line_after_the_closing_describe_is_the_cases_and_names_describe(tmp_path: Path) -> None:
    engine, events = _engine(tmp_path, "garbage", 2)  # the start's describe 1 (the case's is cached), closing 2
    try:
        late = _one_case(engine)
        closing = 3  # initialize 1, describe 2 (started; the case's is answered from it), closing describe 3
        assert late is not None and late.startswith(
            f"après sa réponse à la requête {closing} (describe), le moteur a écrit : une sortie qui n'est pas du"
        ), late
        assert "DEBUG stray after answer" in late
        assert ("engine-stray-output", {"message": late, "request": closing}) in events
        again = _one_case(engine)  # the next case runs on a fresh engine (which strays in its turn)
        assert engine.restarts == 1 and again is not None
    finally:
        engine.close()


def test_a_second_answer_to_the_closing_describe_names_describe_not_the_call_before(tmp_path: Path) -> None:
    engine, _ = _engine(tmp_path, "double", 2)
    try:
        late = _one_case(engine)
        closing = 3  # initialize 1, describe 2 (started; the case's is answered from it), closing describe 3
        assert late == (
            f"après sa réponse à la requête {closing} (describe), le moteur a écrit : seconde réponse à la requête"
            f" {closing} (describe)"
        ), late
    finally:
        engine.close()


def test_a_case_whose_engine_writes_nothing_after_its_answers_passes_its_end(tmp_path: Path) -> None:
    engine, _ = _engine(tmp_path, "garbage", 99)
    try:
        assert _one_case(engine) is None and _one_case(engine) is None
        assert engine.restarts == 0
    finally:
        engine.close()


def test_engine_check_charges_the_check_that_got_the_answer_and_rebuilds_the_next_ones_state(tmp_path: Path) -> None:
    """The securisation check's closing describe (the first after a secure_invoice) is answered twice:
    securisation fails, named describe; lot runs on a fresh engine after rebuilding the invoice there, secured
    again (never UNKNOWN_INVOICE), said of securisation. The same engine gives the same report every time."""
    command = _command(tmp_path, "double", "secure_invoice")
    reports = [run_checks(command, timeout=10.0) for _ in range(2)]
    first = {r.id: r for r in reports[0].results}
    assert [(r.id, r.ok) for r in reports[0].results] == [(r.id, r.ok) for r in reports[1].results]
    failed = [r.id for r in reports[0].results if not r.ok]
    assert failed == ["securisation"], [(r.id, r.detail) for r in reports[0].results if not r.ok]
    assert "(describe), le moteur a écrit : seconde réponse à la requête" in first["securisation"].detail
    assert first["lot"].detail.endswith("(refait sur le moteur redémarré après la vérification securisation)")
    assert not [r for r in reports[0].results if "UNKNOWN_INVOICE" in r.detail or "UNKNOWN_LOT" in r.detail]
