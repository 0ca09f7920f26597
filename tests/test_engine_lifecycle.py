"""Engine processes that hang behind a wrapper, die inside a case, die while starting, or answer nonsense.

Real processes throughout: the bench's SubprocessEngine, a wrapper shell, the reference engine behind the
real protocol server (tests/data/engines/faulty_reference.py), and a full campaign into a session file.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from testbench.domain.refusal import EngineError
from testbench.domain.vocabulary import ENGINE_METHODS
from testbench.engines.api import EngineCrash, EngineProtocolError, EngineTimeout
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol.client import SubprocessEngine
from testbench.engines.protocol.validation import check, nonconforming
from testbench.i18n import english
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.campaign import RunRequest, run_campaign
from testbench.runner.options import BenchOptions, CampaignOptions, Selection
from testbench.store.read import read_session

ENGINES = Path(__file__).parent / "data" / "engines"
FAULT_ENGINE = ENGINES / "fault_engine.py"
FAULTY_REFERENCE = ENGINES / "faulty_reference.py"
TIMEOUT = 1.0
MARGIN = 3.5  # kill, reap and thread joins on a loaded machine


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for its reaper counts as gone)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        with contextlib.suppress(OSError):
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _kill_if_left(pid: int) -> None:
    """Clean up after a failed run only: a pid that is gone may already belong to someone else."""
    if _running(pid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX wrapper shell and process table")
def test_hung_engine_behind_a_wrapper_is_killed_with_its_whole_tree() -> None:
    shell = shutil.which("bash") or "sh"
    # "; exit $?" keeps the shell alive as the engine's parent (a lone command would be exec'd)
    command = [shell, "-c", f"{shlex.quote(sys.executable)} {shlex.quote(str(FAULT_ENGINE))}; exit $?"]
    engine = SubprocessEngine(command, timeout=TIMEOUT)
    child = engine.call("ping", {})["pid"]
    wrapper = engine.pid
    assert wrapper is not None and child != wrapper  # the real engine is the wrapper's child
    outcome: dict[str, Any] = {}

    def hang() -> None:
        started = time.monotonic()
        try:
            engine.call("ping", {"fault": "hang"})
        except EngineError as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=hang, daemon=True)
    worker.start()
    worker.join(timeout=TIMEOUT + MARGIN + 5)
    try:
        assert not worker.is_alive(), "the bench is blocked on the pipe the hung engine keeps open"
        assert isinstance(outcome.get("error"), EngineTimeout)
        assert outcome["elapsed"] < TIMEOUT + MARGIN
        assert _gone_within(child, 2.0), "the engine behind the wrapper was left running (orphan)"
        assert not _running(wrapper)
        assert engine.call("ping", {})["ok"] is True  # the next call gets a fresh engine
    finally:
        _kill_if_left(child)  # first: a leftover child would keep the pipes, and close(), blocked
        engine.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX wrapper shell and process table")
def test_a_case_whose_wrapped_engine_hangs_fails_within_the_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "engine.pid"
    engine = [sys.executable, str(FAULT_ENGINE), "--hang-in", "read_cps", "--pid-file", str(pid_file)]
    shell = shutil.which("bash") or "sh"
    session = tmp_path / "s.tbsession"
    request = RunRequest(
        casebooks=[CASEBOOKS_DIR / "demo.xml"],
        session=session,
        options=CampaignOptions(
            BenchOptions(
                cards="inprocess",
                engine=shlex.join([shell, "-c", f"{shlex.join(engine)}; exit $?"]),
                engine_timeout=TIMEOUT,
            ),
            selection=Selection("DEMO-FSE-001"),
        ),
    )
    worker = threading.Thread(target=run_campaign, args=(request,), daemon=True)
    worker.start()
    worker.join(timeout=30)
    child = int(pid_file.read_text())
    try:
        assert not worker.is_alive(), "the campaign is blocked on the pipe the hung engine keeps open"
        with read_session(session) as view:
            (case,) = view.cases
            assert case.latest is not None and case.latest.verdict == "fail"  # an external engine: the product
            assert "délai dépassé" in case.latest.reason
            assert case.latest.duration_ms is not None and case.latest.duration_ms < (TIMEOUT + MARGIN) * 1000
        assert _gone_within(child, 2.0), "the engine behind the wrapper was left running (orphan)"
    finally:
        _kill_if_left(child)


def test_a_restart_is_bounded_by_the_engine_timeout_not_a_hidden_floor(tmp_path: Path) -> None:
    marker = tmp_path / "hang-on-start"
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE), "--hang-start-if", str(marker)], timeout=TIMEOUT)
    try:
        assert engine.call("ping", {})["ok"] is True
        marker.write_text("the next start hangs in initialize")
        with pytest.raises(EngineCrash):
            engine.call("ping", {"fault": "exit"})
        started = time.monotonic()
        with pytest.raises(EngineTimeout, match="n'a pas démarré"):
            engine.call("ping", {})
        assert time.monotonic() - started < TIMEOUT + MARGIN
    finally:
        engine.close()


def test_an_engine_that_dies_inside_a_case_is_not_restarted_inside_it() -> None:
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE)], timeout=TIMEOUT, start_timeout=20)
    events: list[tuple[str, dict[str, Any]]] = []
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    try:
        engine.begin_case()
        assert engine.call("ping", {"fault": "exit-after"})["ok"] is True  # answers, then exits
        with pytest.raises(EngineCrash):
            engine.call("ping", {})  # a new process would not know what the case asked the old one
        assert engine.pid is None and engine.restarts == 0
        engine.end_case()
        engine.begin_case()  # the next case gets a fresh engine, and the restart is told
        assert engine.call("ping", {})["ok"] is True
        engine.end_case()
        assert engine.restarts == 1
        assert [kind for kind, _ in events][-1] == "engine-restart"
    finally:
        engine.close()


def test_deeply_nested_answer_is_a_protocol_error_at_once() -> None:
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE)], timeout=10, start_timeout=20)
    try:
        engine.call("ping", {})
        started = time.monotonic()
        with pytest.raises(EngineProtocolError, match="imbriqué"):
            engine.call("ping", {"fault": "deep"})
        assert time.monotonic() - started < 5  # not the 10 s timeout
    finally:
        engine.close()


def test_parse_refuses_depth_beyond_the_limit_without_recursing() -> None:
    assert J.parse(b'{"a":' * (J.MAX_DEPTH - 1) + b"{}" + b"}" * (J.MAX_DEPTH - 1))
    with pytest.raises(ValueError, match="imbriqué"):
        J.parse(b'{"a":' * J.MAX_DEPTH + b"{}" + b"}" * J.MAX_DEPTH)
    with pytest.raises(ValueError, match="imbriqué"):
        J.parse(b'{"a":' + b"[" * 200_000)  # the decoder's own recursion limit, truncated line or not


@pytest.mark.parametrize("method", ENGINE_METHODS)
def test_every_result_is_checked_against_its_published_schema(method: str) -> None:
    """The fault engine answers every method with ``{"ok": true, "pid": …}``: no method's schema allows it."""
    engine = SubprocessEngine([sys.executable, str(FAULT_ENGINE)], timeout=5, start_timeout=20)
    try:
        with pytest.raises(EngineProtocolError) as info:
            engine.call(method, {})
        assert f"{method} : résultat non conforme au schéma {method}.result.json" in str(info.value)
        assert "$ : champ obligatoire absent" in str(info.value)
        assert engine.pid is not None  # the engine is in step: it is not killed for a malformed result
    finally:
        engine.close()


def test_schema_messages_name_the_json_path_in_json_terms() -> None:
    invoice = {"invoice_id": "1", "number": "1", "totals": {}, "withholdings": {}, "tiers_payant": {}, "fse": "x"}
    invoice["lines"] = [{"code": "1", "base": 1.5, "rate": "60", "amo": "1.00", "amc": None, "patient": "0.50"}]
    errors = check(invoice, "create_invoice.result")
    assert "$.lines[0].base : type number au lieu de string" in errors
    assert "$.lines[0].amc : type null au lieu de string" in errors
    assert "$.lines[0] : champ obligatoire absent « depassement »" in errors
    assert "$.totals : champ obligatoire absent « billed »" in errors
    secured = check({"status": "ok", "signature": None}, "secure_invoice.result")
    assert secured == ['$.status : "ok" au lieu de "secured"']
    reason = nonconforming("create_invoice", "create_invoice.result", errors, shown=2)
    assert english(reason) == (
        "create_invoice: result does not conform to schema create_invoice.result.json:"
        f" {english(errors[0])}; {english(errors[1])} (and {len(errors) - 2} more)"
    )
    assert "au lieu de" not in english(reason) and "champ" not in english(reason)
    assert not any("None" in e or "float" in e for e in errors)


# -- whole campaigns -------------------------------------------------------------------------------------


def _campaign(tmp_path: Path, *engine_args: str, keyword: str) -> tuple[Any, Path]:
    session = tmp_path / "s.tbsession"
    request = RunRequest(
        casebooks=[CASEBOOKS_DIR / "demo.xml"],
        session=session,
        options=CampaignOptions(
            BenchOptions(
                cards="inprocess",
                engine=shlex.join([sys.executable, str(FAULTY_REFERENCE), *engine_args]),
                engine_timeout=10,  # nothing hangs here; a loaded machine may start Python slowly
            ),
            selection=Selection(keyword),
        ),
    )
    return run_campaign(request), session


def _attempts(session: Path) -> list[tuple[str, str, list[str]]]:
    with read_session(session) as view:
        return [
            (case.latest.verdict, case.latest.reason, [e["kind"] for e in view.events(case.latest.id)])
            for case in view.cases
            if case.latest is not None
        ]


def test_an_external_engine_dying_between_two_calls_of_a_case_fails_it_never_as_a_refusal(tmp_path: Path) -> None:
    _, session = _campaign(tmp_path, "--exit-after", "create_invoice", keyword="DEMO-FSE-001 or DEMO-FSE-003")
    attempts = _attempts(session)
    assert [verdict for verdict, _, _ in attempts] == ["fail", "fail"]  # the engine is the product (runner.blame)
    for _, reason, kinds in attempts:
        assert "défaut du moteur" in reason and "UNKNOWN_INVOICE" not in reason
        assert "erreur du banc" not in reason  # a failed case does not call itself the bench's error
        assert "step-refused" not in kinds
        in_english = english(reason)
        assert in_english.startswith("engine defect (stopped or internal error): ") and "moteur" not in in_english
    assert "engine-restart" in attempts[1][2]  # the next case ran on a fresh engine, and it is on record


def test_engine_killed_during_its_first_start_fails_the_first_case_and_the_campaign_goes_on(tmp_path: Path) -> None:
    result, session = _campaign(
        tmp_path, "--die-once", str(tmp_path / "killed"), keyword="DEMO-FSE-001 or DEMO-FSE-003"
    )
    assert (tmp_path / "killed").exists()  # the first process really was killed while it started
    assert result.final_verdicts == ["fail", "pass"]
    (_, reason, kinds), _ = _attempts(session)
    assert "au lancement de la campagne, le moteur n'a pas démarré" in reason
    assert "when the campaign started, the engine did not start" in english(reason)
    assert kinds[:2] == ["engine-start-failed", "engine-restart"]


def test_malformed_result_is_an_engine_defect_naming_method_and_path(tmp_path: Path) -> None:
    _, session = _campaign(tmp_path, "--corrupt", "read_vitale", keyword="DEMO-FSE-001")
    ((verdict, reason, kinds),) = _attempts(session)
    assert verdict == "fail"
    assert "read_vitale : résultat non conforme" in reason
    assert "$.beneficiaries : type string au lieu de array" in reason
    assert "bench-fault" not in kinds  # an engine error, not a traceback of the bench
    assert english(reason) == (
        "engine defect (invalid answer): read_vitale: result does not conform to schema read_vitale.result.json:"
        " $.beneficiaries: type string instead of array"
    )
