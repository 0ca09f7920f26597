"""The bench's closing ``describe`` (a case's end, a check's end) is a call like the others (audit 20): an engine
that does not answer it within the timeout, or dies on it, fails the case (an external engine: « défaut du
moteur ») and, in ``engine check``, the check that sent it and ``delais`` — never a silent restart.

Real processes: a standard-library engine that answers everything but ``describe`` (tests, client and kit),
and the reference engine behind the real protocol server with ``describe`` broken (a campaign).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from testbench.engines.api import EngineCrash, EngineTimeout
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.conformance import _Checker
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions, Selection
from testbench.store.read import read_session

#: answers initialize and any call, but ``describe``: hangs on it (``hang``) or exits with code 11 (``crash``)
_SMALL = """
import json, os, sys, time
fault = sys.argv[1]
for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    method, msg_id = msg.get("method"), msg.get("id")
    if method == "describe":
        if fault == "hang":
            time.sleep(3600)
        os._exit(11)
    if method == "initialize":
        result = {"protocol_version": "1", "engine": {"name": "petit", "version": "0", "capabilities": []}}
    else:
        result = {"ok": True}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": result}) + "\\n")
    sys.stdout.flush()
    if method == "shutdown":
        break
"""

#: the reference engine behind the protocol server, ``describe`` (the bench's own, at a case's end) broken
_REFERENCE = """
import os, sys, time
from testbench.engines.protocol.server import Server, reference_factory

class Broken(Server):
    def dispatch(self, method, params):
        if method == "describe":
            if sys.argv[1] == "hang":
                time.sleep(3600)
            os._exit(11)
        return super().dispatch(method, params)

stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
sys.stdout = sys.stderr
sys.exit(Broken(stdin, stdout, reference_factory).serve())
"""


def _script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _small(tmp_path: Path, fault: str) -> list[str]:
    return [sys.executable, str(_script(tmp_path, "petit.py", _SMALL)), fault]


def _case(engine: SubprocessEngine) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    engine.begin_case()
    assert engine.call("ping", {}) == {"ok": True}
    return events


def test_a_hang_on_the_case_s_describe_is_the_case_s_timeout(tmp_path: Path) -> None:
    engine = SubprocessEngine(_small(tmp_path, "hang"), timeout=1, start_timeout=20)
    try:
        events = _case(engine)
        with pytest.raises(EngineTimeout) as fault:
            engine.end_case()
        assert str(fault.value) == "le moteur n'a pas répondu à describe en fin de cas (1 s) : arrêté"
        assert events[-1] == ("engine-stopped", {"message": str(fault.value)})
        assert not engine.running
        engine.begin_case()  # the next case: a fresh engine, not charged with it
        assert engine.call("ping", {}) == {"ok": True}
    finally:
        engine.kill()


def test_a_crash_on_the_case_s_describe_is_said_as_dying_on_describe(tmp_path: Path) -> None:
    engine = SubprocessEngine(_small(tmp_path, "crash"), timeout=10, start_timeout=20)
    try:
        events = _case(engine)
        with pytest.raises(EngineCrash) as fault:
            engine.end_case()
        assert str(fault.value) == "describe : le moteur s'est arrêté (code 11)"
        assert english(str(fault.value)) == "describe: the engine stopped (code 11)"
        assert events[-1] == ("engine-stopped", {"exit_code": 11, "message": str(fault.value)})
        engine.begin_case()  # its end is told once: not again as « entre deux appels » by the next call
        assert engine.call("ping", {}) == {"ok": True}
        assert [kind for kind, _ in events].count("engine-stopped") == 1
    finally:
        engine.kill()


def test_engine_check_fails_the_check_and_delais_on_a_describe_unanswered(tmp_path: Path) -> None:
    checker = _Checker(_small(tmp_path, "hang"), timeout=1, start_timeout=20)
    try:
        checker.run("ping", "ping", lambda: checker.engine.call("ping", {}) and "répond")
    finally:
        checker.engine.kill()
    (result,) = checker.report.results
    assert not result.ok
    assert result.detail == "délai dépassé : le moteur n'a pas répondu à describe en fin de cas (1 s) : arrêté"
    assert checker.timeouts == ["ping"]  # what ``delais`` lists


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (
            "hang",
            "défaut du moteur (délai dépassé) : le moteur n'a pas répondu à describe en fin de cas (2 s) : arrêté",
        ),
        ("crash", "défaut du moteur (arrêt ou erreur interne) : describe : le moteur s'est arrêté (code 11)"),
    ],
)
def test_a_campaign_fails_the_case_whose_describe_the_external_engine_failed(
    tmp_path: Path, fault: str, reason: str
) -> None:
    session = tmp_path / "s.tbsession"
    engine = shlex.join([sys.executable, str(_script(tmp_path, "ref.py", _REFERENCE)), fault])
    options = BenchOptions(cards="inprocess", engine=engine, engine_timeout=2)
    run_campaign(
        RunRequest(
            casebooks=[CASEBOOKS_DIR / "demo.xml"],
            session=session,
            options=CampaignOptions(options, selection=Selection("DEMO-FSE-001")),
        )
    )
    with read_session(session) as view:
        (case,) = [case for case in view.cases if case.latest]
    assert case.latest is not None
    assert (case.latest.verdict, case.latest.reason) == ("fail", reason)
