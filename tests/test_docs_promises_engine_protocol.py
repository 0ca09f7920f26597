"""Promises of docs/engine-protocol.md that no other test held at their documented value, through real engine
processes over the documented protocol (SubprocessEngine and ``testbench engine serve``).

- « A line is at most **8 MiB**. A longer line is a protocol error [...]; the bench then kills the engine » and
  « an oversized line (« ligne de 9 437 250 octets (limite : 8 Mio) » [...]) » — other tests use a smaller cap.
- « A message nests arrays and objects at most **64** levels deep [...]. A deeper line is a protocol error at
  once » — other tests read the limit from the code, so a changed limit passed them.
- « `-32603` internal error of the engine → `EngineCrash` (engine killed, a fresh one for the next case) ».
- « The run records the mode (`runs.options.engine_cards`) » and « `pcsc` [...] several readers for a slot are
  refused before the first case, exit 2 » (through the running pcscd and its pools of readers).
- « `-32700` unreadable line (answered with `id: null`) », « `shutdown` → `{}`, then the engine exits with
  code 0 » and « exits with code 0, saying nothing, when its stdin ends » — of the reference engine's process.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.engines.api import EngineCrash, EngineProtocolError
from testbench.engines.protocol import process
from testbench.engines.protocol.client import SubprocessEngine
from testbench.paths import CASEBOOKS_DIR

#: an engine written from the doc alone: answers initialize and describe; its describe answer is shaped by argv
ENGINE = r"""
import json, sys
MODE, ARG = sys.argv[1], int(sys.argv[2])
INFO = {"name": "Doc", "version": "1", "agrement": "T", "socle_version": "1.40", "capabilities": []}
out = sys.stdout.buffer
for line in sys.stdin.buffer:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    if msg["method"] == "initialize":
        reply = {"jsonrpc": "2.0", "id": msg["id"], "result": {"protocol_version": "1", "engine": INFO}}
        out.write((json.dumps(reply) + "\n").encode())
    elif MODE == "line":  # one answer line of exactly ARG bytes, newline included
        head = ('{"jsonrpc": "2.0", "id": %d, "result": {"pad": "' % msg["id"]).encode()
        tail = b'"}}\n'
        out.write(head + b"x" * (ARG - len(head) - len(tail)) + tail)
    elif MODE == "depth":  # the answer nests ARG arrays and objects in all (the envelope counts 2)
        value = "end"
        for _ in range(ARG - 2):
            value = [value]
        out.write((json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {"deep": value}}) + "\n").encode())
    elif MODE == "internal":
        error = {"code": -32603, "message": "boom", "data": {"type": "internal"}}
        out.write((json.dumps({"jsonrpc": "2.0", "id": msg["id"], "error": error}) + "\n").encode())
    out.flush()
"""

MIB = 1024 * 1024


def _engine(tmp_path: Path, mode: str, arg: int, timeout: float = 20.0) -> SubprocessEngine:
    script = tmp_path / "doc_engine.py"
    script.write_text(ENGINE, encoding="utf-8")
    return SubprocessEngine([sys.executable, str(script), mode, str(arg)], timeout=timeout, validate=False)


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (killed and reaped, or a zombie the bench no longer talks to)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return True
    return status in {"Z", "X"}


def _wait_gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.05)
    return False


def _spaced(text: str) -> str:
    """French number and unit spacing reads as plain spaces (the bench writes narrow or no-break spaces)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_a_line_of_just_under_8_mib_is_read(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "line", 8 * MIB)  # 8 MiB with its newline: the most a line may be
    try:
        result = engine.call("describe", {})
        assert len(result["pad"]) > 8 * MIB - 100
    finally:
        engine.close()


@pytest.fixture(params=[True, False], ids=["polled", "threads"])
def polled(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """The bench's two ways of reading an engine (POSIX polls the pipes, Windows reads them in threads)."""
    monkeypatch.setattr(process, "POLL_PIPES", request.param)
    return bool(request.param)


@pytest.mark.usefixtures("polled")
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the engine's state in /proc")
def test_a_line_of_9_437_250_bytes_is_a_protocol_error_and_the_engine_is_killed(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "line", 9_437_250)
    try:
        engine.call("initialize", {"protocol_version": "1", "cards": None, "trace": False})
        pid = engine.pid
        assert pid is not None
        with pytest.raises(EngineProtocolError) as refused:
            engine.call("describe", {})
        said = _spaced(str(refused.value))
        # its size when the reader had its end already, else « plus de 8 Mio »: the bench never reads it all
        exact = "describe : ligne de 9 437 250 octets (limite : 8 Mio)"
        assert said in {exact, "describe : ligne de plus de 8 Mio"}, said
        assert _wait_gone(pid), "the engine that wrote the oversized line is still running"
        assert engine.pid is None or engine.pid != pid
    finally:
        engine.close()


def test_64_levels_of_nesting_are_read(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "depth", 64)
    try:
        result = engine.call("describe", {})
        depth, value = 2, result["deep"]
        while isinstance(value, list):
            depth, value = depth + 1, value[0]
        assert depth == 64 and value == "end"
    finally:
        engine.close()


def test_65_levels_of_nesting_are_a_protocol_error_at_once(tmp_path: Path) -> None:
    engine = _engine(tmp_path, "depth", 65, timeout=20.0)
    try:
        engine.call("initialize", {"protocol_version": "1", "cards": None, "trace": False})
        began = time.monotonic()
        with pytest.raises(EngineProtocolError) as refused:
            engine.call("describe", {})
        assert time.monotonic() - began < 5.0  # at once, not at the call's 20 s timeout
        assert "imbriqu" in str(refused.value), str(refused.value)
    finally:
        engine.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the engine's state in /proc")
def test_an_internal_error_is_an_engine_crash_the_engine_killed_and_the_next_case_gets_a_fresh_one(
    tmp_path: Path,
) -> None:
    engine = _engine(tmp_path, "internal", 0)
    try:
        engine.begin_case()
        engine.call("initialize", {"protocol_version": "1", "cards": None, "trace": False})
        first = engine.pid
        assert first is not None
        with pytest.raises(EngineCrash) as crashed:
            engine.call("describe", {})
        assert "erreur interne du moteur : boom" in str(crashed.value)
        assert _wait_gone(first), "an engine that answered -32603 was left running"
        engine.end_case()
        engine.begin_case()  # the next case: its first call starts a fresh process
        with pytest.raises(EngineCrash):
            engine.call("describe", {})
        assert engine.restarts >= 1
    finally:
        engine.close()


def _serve() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "testbench", "engine", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _answers(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_the_reference_engine_answers_an_unreadable_line_with_id_null_and_goes_on() -> None:
    proc = _serve()
    out, err = proc.communicate(
        b"ceci n'est pas du JSON\n" + b'{"jsonrpc": "2.0", "id": 1, "method": "describe", "params": {}}\n',
        timeout=60,
    )
    answers = [a for a in _answers(out) if "method" not in a]
    assert answers[0]["id"] is None and answers[0]["error"]["code"] == -32700, answers
    assert answers[1]["id"] == 1 and answers[1]["result"]["capabilities"], answers
    assert proc.returncode == 0, err


def test_the_reference_engine_exits_0_after_shutdown_and_answers_an_empty_object() -> None:
    proc = _serve()
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown", "params": {}}\n')
    proc.stdin.flush()  # stdin stays open: the exit is shutdown's, not the end of input's
    answer = json.loads(proc.stdout.readline())
    assert answer == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert proc.wait(timeout=30) == 0
    proc.stdin.close()
    proc.stdout.close()
    assert proc.stderr is not None and proc.stderr.read() == b""
    proc.stderr.close()


def test_the_reference_engine_exits_0_saying_nothing_when_its_stdin_ends() -> None:
    proc = _serve()
    out, err = proc.communicate(b"", timeout=60)
    assert (proc.returncode, out, err) == (0, b"", b"")


DEMO = CASEBOOKS_DIR / "demo.xml"


def _options(session: Path) -> list[dict]:
    with sqlite3.connect(session) as db:
        rows = db.execute("SELECT options FROM runs ORDER BY id").fetchall()
    db.close()
    return [json.loads(options) for (options,) in rows]


@pytest.mark.parametrize(("given", "recorded"), [([], "client"), (["--engine-cards", "none"], "none")])
def test_the_run_records_the_engine_cards_mode(tmp_path: Path, given: list[str], recorded: str) -> None:
    """« The run records the mode (`runs.options.engine_cards`). », `client` by default."""
    session = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "-k", "DEMO-FSE-001", *given]
    assert main(argv) in (0, 2)  # none: the case reads its cards, the engine has none (inconclusive)
    assert [o["engine_cards"] for o in _options(session)] == [recorded]


@pytest.mark.integration
def test_pcsc_mode_with_several_readers_for_a_slot_is_refused_before_the_first_case(
    vpcd_lock: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """« `pcsc` names the bench's own readers, one per slot since the engine opens them once, at its start […];
    in-memory cards or several readers for a slot are refused before the first case, exit 2 »."""
    monkeypatch.delenv("TESTBENCH_CARD_READERS", raising=False)
    pools = {name.split(" 00 ")[-1] for name in vpcd_lock if name.startswith("Virtual PCD")}
    if sum(1 for name in vpcd_lock if name.endswith(" 00 00")) < 2:
        pytest.skip(f"this pcscd has one vitale reader: no pool to refuse ({sorted(pools)})")
    session = tmp_path / "s.tbsession"
    capsys.readouterr()
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "pcsc", "--engine-cards", "pcsc"]
    assert main([*argv, "-k", "DEMO-FSE-001"]) == 2
    err = capsys.readouterr().err
    assert "--engine-cards pcsc : le moteur est configuré à son démarrage avec un lecteur par emplacement" in err, err
    assert "TESTBENCH_CARD_READERS" in err, err
    with sqlite3.connect(session) as db:
        assert db.execute("SELECT count(*) FROM attempts").fetchone() == (0,)  # no case began
    db.close()
