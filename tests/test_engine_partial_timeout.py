"""An engine that times out after writing half a line (no newline yet) used to be said silent: « pas de réponse en
1 s ». What it had begun to write is now shown, as unfinished, in the timeout's message — the case's reason, its
event, the JUnit —, so that the developer sees where the engine stood. Real engine processes, on both ways of
serving the pipes (polled on POSIX, pump threads as on Windows)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.engines.api import EngineTimeout
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine
from testbench.i18n import english

DEMO = Path(__file__).resolve().parents[1] / "casebooks" / "demo.xml"

#: answers initialize and any call whole; on ``fault`` (the call named by argv[1]) writes half an answer, then hangs
_HALF = """
import json, sys, time
fault = sys.argv[1]
for raw in sys.stdin.buffer:
    msg = json.loads(raw)
    method, msg_id = msg.get("method"), msg.get("id")
    if method == fault or (fault == "any" and method != "initialize"):
        sys.stdout.write('{"jsonrpc":"2.0","id":' + json.dumps(msg_id) + ',"result":{"stat\\x1b')
        sys.stdout.flush()
        time.sleep(3600)
    if method == "initialize":
        result = {"protocol_version": "1", "engine": {"name": "demi", "version": "0", "capabilities": []}}
    else:
        result = {"ok": True}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg_id, "result": result}) + "\\n")
    sys.stdout.flush()
"""

HALF_SAID = "« {{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":{{\"stat⟨U+001B⟩ »"


def _engine(tmp_path: Path, fault: str) -> list[str]:
    script = tmp_path / "demi.py"
    script.write_text(_HALF, encoding="utf-8")
    return [sys.executable, str(script), fault]


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def pipes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "POLL_PIPES", request.param)


@pytest.mark.usefixtures("pipes")
def test_a_call_timed_out_on_half_a_line_shows_that_half_line(tmp_path: Path) -> None:
    engine = SubprocessEngine(_engine(tmp_path, "create_invoice"), timeout=1, start_timeout=20)
    try:
        with pytest.raises(EngineTimeout) as caught:
            engine.call("create_invoice", {})
    finally:
        engine.kill()
    said = str(caught.value)
    half = HALF_SAID.format(id=2)  # the request after initialize (1)
    assert said == f"create_invoice : pas de réponse en 1 s ; le moteur avait écrit une ligne sans la finir : {half}"
    english_half = half.replace("« ", "“").replace(" »", "”")
    assert english(said) == (
        f"create_invoice: no answer within 1 s; the engine had written a line without finishing it: {english_half}"
    )


@pytest.mark.usefixtures("pipes")
def test_a_start_timed_out_on_half_a_line_shows_it_too(tmp_path: Path) -> None:
    engine = SubprocessEngine(_engine(tmp_path, "initialize"), timeout=1)
    try:
        with pytest.raises(EngineTimeout) as caught:
            engine.call("create_invoice", {})
    finally:
        engine.kill()
    assert str(caught.value).endswith(f"une ligne sans la finir : {HALF_SAID.format(id=1)}"), str(caught.value)


@pytest.mark.usefixtures("pipes")
def test_the_case_s_closing_describe_timed_out_on_half_a_line_shows_it(tmp_path: Path) -> None:
    engine = SubprocessEngine(_engine(tmp_path, "describe"), timeout=1, start_timeout=20)
    events: list[tuple[str, dict[str, object]]] = []
    engine.attach_lifecycle(lambda kind, details: events.append((kind, details)))
    try:
        engine.begin_case()
        assert engine.call("ping", {}) == {"ok": True}
        with pytest.raises(EngineTimeout) as caught:
            engine.end_case()
    finally:
        engine.kill()
    said = str(caught.value)
    assert said == (
        "le moteur n'a pas répondu à describe en fin de cas (1 s) : arrêté ; le moteur avait écrit une ligne sans la"
        f" finir : {HALF_SAID.format(id=3)}"
    )
    assert events[-1] == ("engine-stopped", {"message": said})
    assert english(said).startswith("the engine did not answer describe at the end of the case (1 s): stopped; the")


@pytest.mark.usefixtures("pipes")
def test_a_silent_timeout_says_no_partial_line(tmp_path: Path) -> None:
    """Nothing begun: the sentence is as it was, no empty « «  » »."""
    script = tmp_path / "muet.py"
    script.write_text(_HALF.replace("sys.stdout.write('{\"jsonrpc", "0 and sys.stdout.write('{\"jsonrpc"), "utf-8")
    engine = SubprocessEngine([sys.executable, str(script), "create_invoice"], timeout=1, start_timeout=20)
    try:
        with pytest.raises(EngineTimeout) as caught:
            engine.call("create_invoice", {})
    finally:
        engine.kill()
    assert str(caught.value) == "create_invoice : pas de réponse en 1 s"


def test_the_run_s_junit_carries_the_half_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through ``testbench run --junit``: the case's failure says what the engine had begun to write."""
    session, junit = tmp_path / "s.tbsession", tmp_path / "junit.xml"
    command = shlex.join(_engine(tmp_path, "any"))
    argv = ["run", str(DEMO), "-k", "DEMO-FSE-001", "--session", str(session), "--cards", "inprocess"]
    code = main([*argv, "--engine", command, "--engine-timeout", "1", "--junit", str(junit)])
    capsys.readouterr()
    assert code == 1  # an external engine's timeout: the product failing
    [failure] = etree.parse(str(junit)).getroot().iter("failure")
    assert "le moteur avait écrit une ligne sans la finir : « {\"jsonrpc\":\"2.0\",\"id\":" in failure.get("message")


def test_a_half_second_limit_reads_as_english_writes_it() -> None:
    """The limit is a value as recorded (« 0,5 »): read 0.5 in English, the half line as the engine wrote it."""
    said = "create_invoice : pas de réponse en 0,5 s ; le moteur avait écrit une ligne sans la finir : « 1,5 »"
    assert english(said) == (
        "create_invoice: no answer within 0.5 s; the engine had written a line without finishing it: “1,5”"
    )
