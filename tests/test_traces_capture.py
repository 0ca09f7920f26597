"""Capture orchestration: real processes write a rotating log and send syslog; everything arrives once,
in order, attributed to the right step, PIN-free, on one clock."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from testbench.traces.capture import TraceCapture
from testbench.traces.model import TraceLine


class Sink:
    """The writer: records batches like the store would (one call = one transaction)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.lines: list[TraceLine] = []
        self.batches: list[int] = []
        self.fail_first = fail_first
        self._lock = threading.Lock()

    def __call__(self, batch: Sequence[TraceLine]) -> None:
        with self._lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                raise OSError("database is locked")
            self.lines.extend(batch)
            self.batches.append(len(batch))

    def by_source(self, source: str) -> list[TraceLine]:
        with self._lock:
            return [line for line in self.lines if line.source == source]


LOG_WRITER = r"""
import os, sys, time
from datetime import datetime, timezone
path, count, rotate_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
handle = open(path, "a", encoding="utf-8", newline="\n")
for i in range(count):
    if i == rotate_at:
        handle.close()
        os.replace(path, path + ".1")
        handle = open(path, "a", encoding="utf-8", newline="\n")
    ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    handle.write(f"{ts} INFO app line {i:05d}\n")
    handle.flush()
    if i % 100 == 0:
        time.sleep(0.005)
handle.close()
"""

SYSLOG_SENDER = r"""
import socket, sys, time
from datetime import datetime, timezone
udp_port, tcp_port, count = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def msg(kind, i):
    ts = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    return f"<14>1 {ts} poste editeur 42 - - {kind} message {i:05d}".encode()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tcp = socket.create_connection(("127.0.0.1", tcp_port))
for i in range(count):
    udp.sendto(msg("udp", i), ("127.0.0.1", udp_port))
    payload = msg("tcp", i)
    tcp.sendall(f"{len(payload)} ".encode() + payload if i % 2 else payload + b"\n")
    if i % 50 == 0:
        time.sleep(0.005)
tcp.close()
udp.close()
"""


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_end_to_end_rotating_log_and_syslog_from_other_processes(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("déjà là avant la capture\n", encoding="utf-8")
    sink = Sink()
    count, messages = 3000, 400
    with TraceCapture(sink, poll_interval=0.02) as capture:
        capture.add_files(log, fmt="iso8601")
        receiver = capture.add_syslog()
        capture.set_context(7, "étape-1")
        writer = subprocess.Popen([sys.executable, "-c", LOG_WRITER, str(log), str(count), str(count // 2)])
        sender = subprocess.Popen(
            [sys.executable, "-c", SYSLOG_SENDER, str(receiver.udp_port), str(receiver.tcp_port), str(messages)]
        )
        assert writer.wait(timeout=60) == 0 and sender.wait(timeout=60) == 0
        wait_until(lambda: len(sink.lines) >= count + 2 * messages)
    app = sink.by_source(str(log))
    assert [line.text.split(" INFO ")[-1] for line in app] == [f"app line {i:05d}" for i in range(count)]
    assert [line.text for line in sink.by_source("syslog:udp")] == [
        f"editeur[42]: udp message {i:05d}" for i in range(messages)
    ]
    assert [line.text for line in sink.by_source("syslog:tcp")] == [
        f"editeur[42]: tcp message {i:05d}" for i in range(messages)
    ]
    everything = sink.lines
    assert len(everything) == count + 2 * messages  # nothing twice, and not the backlog line
    for source in (str(log), "syslog:udp", "syslog:tcp"):
        monos = [line.mono_ns for line in sink.by_source(source)]
        assert monos == sorted(monos)
    assert {(line.attempt_id, line.step_id) for line in everything} == {(7, "étape-1")}
    assert {line.level for line in everything} == {"INFO"}
    assert all(line.source_ts for line in everything)
    assert max(sink.batches) < len(everything)  # delivered in several batches, not at the end
    stats = capture.stats()
    assert (stats.captured, stats.written, stats.pending, stats.dropped) == (len(everything),) * 2 + (0, 0)


def test_set_context_settles_lines_written_before_the_step_change(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    sink = Sink()
    # polls every 5 s: only the settle in set_context can deliver the lines in time
    with TraceCapture(sink, poll_interval=5.0, flush_interval=0.02) as capture:
        capture.add_files(log)
        time.sleep(0.05)
        with log.open("a") as handle:
            handle.write("avant l'étape\n")
        capture.set_context(1, "s1")
        with log.open("a") as handle:
            handle.write("pendant s1\n")
        capture.set_context(1, "s2")
        capture.add_line("bench", "fin de s2", source="runner")
        capture.set_context(2, None)
    assert [(line.text, line.attempt_id, line.step_id) for line in sink.lines] == [
        ("avant l'étape", None, None),
        ("pendant s1", 1, "s1"),
        ("fin de s2", 1, "s2"),
    ]


def test_pins_never_reach_the_writer(tmp_path: Path) -> None:
    log = tmp_path / "engine.log"
    log.write_text("")
    sink = Sink()
    with TraceCapture(sink, poll_interval=0.02) as capture:
        capture.add_files(log, channel="engine", fmt="log4crc")
        with log.open("a") as handle:
            handle.write("20261125 10:00:00.123 DEBUG    ssv- SSV_Verify codePorteur=1234\n")
            handle.write("20261125 10:00:00.124 TRACE    apdu- => 00 20 00 00 08 31 32 33 34 FF FF FF FF\n")
        capture.add_line("bench", "PIN=9876 saisi")
    texts = [line.text for line in sink.lines]
    assert len(texts) == 3
    assert not any(secret in text for text in texts for secret in ("1234", "31 32 33 34", "9876"))
    assert all("‹PIN›" in text for text in texts)
    assert {line.channel for line in sink.lines} == {"engine", "bench"}
    assert [line.level for line in sink.lines if line.channel == "engine"] == ["DEBUG", "TRACE"]


def test_stack_trace_lines_stay_attached(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    sink = Sink()
    with TraceCapture(sink, poll_interval=0.02) as capture:
        capture.add_files(log, fmt="log4j")
        with log.open("a") as handle:
            handle.write(
                "2026-11-25 10:00:00,123 [main] ERROR com.x.Lot - rejet\n"
                "java.lang.IllegalStateException: lot vide\n"
                "\tat com.x.Lot.send(Lot.java:42)\n"
                "2026-11-25 10:00:01,000 [main] INFO  com.x.Lot - suite\n"
            )
    assert [(line.level, line.source_ts) for line in sink.lines] == [
        ("ERROR", "2026-11-25 10:00:00,123"),
        ("ERROR", "2026-11-25 10:00:00,123"),
        ("ERROR", "2026-11-25 10:00:00,123"),
        ("INFO", "2026-11-25 10:00:01,000"),
    ]


def test_auto_format_is_chosen_per_file(tmp_path: Path) -> None:
    app, engine = tmp_path / "app.log", tmp_path / "fsv.log"
    app.write_text("")
    engine.write_text("")
    sink = Sink()
    with TraceCapture(sink, poll_interval=0.02) as capture:
        capture.add_files(tmp_path / "*.log", fmt="auto")
        app.write_text("2026-11-25 10:00:00,123 [main] ERROR com.x.Lot - rejet\n\tat com.x.Lot.send(Lot.java:42)\n")
        engine.write_text("20261125 10:00:00.123 DEBUG    ssv- entrée\n")
        capture.settle()
        detected = capture.detected_formats()
    assert detected == {str(app): "log4j", str(engine): "log4crc"}
    assert sorted((line.source, line.level) for line in sink.lines) == [
        (str(app), "ERROR"),
        (str(app), "ERROR"),
        (str(engine), "DEBUG"),
    ]


OFFSET_WRITER = r"""
import sys, time
from datetime import datetime, timezone
path, offset, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
with open(path, "a", encoding="utf-8") as handle:
    for i in range(count):
        ts = datetime.fromtimestamp(time.time() + offset, timezone.utc).isoformat(timespec="milliseconds")
        handle.write(f"{ts} INFO tick {i}\n")
        handle.flush()
        time.sleep(0.01)
"""


def test_clock_offset_is_measured_and_said_in_french(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    # an old backlog must not count: its timestamps say nothing about the source's clock now
    log.write_text("2020-01-01T00:00:00.000+00:00 INFO vieux\n" * 50)
    sink = Sink()
    with TraceCapture(sink, poll_interval=0.02) as capture:
        capture.add_files(log, fmt="iso8601", from_start=True)
        other = tmp_path / "pinned.log"
        other.write_text("")
        capture.add_files(other, fmt="iso8601", clock_offset_s=-1.5)
        subprocess.run([sys.executable, "-c", OFFSET_WRITER, str(log), "2.31", "60"], check=True, timeout=30)
        with other.open("a") as handle:
            handle.write("2026-11-25T10:00:00.000+00:00 INFO x\n")
        capture.settle()
        offsets = {o.source: o for o in capture.clock_offsets()}
    measured = offsets[str(log)]
    assert measured.offset_s == pytest.approx(2.31, abs=0.15)
    assert measured.corrected and not measured.configured and measured.samples >= 10
    assert measured.describe_fr().startswith("horloge de app.log décalée de +2,")
    assert measured.describe_fr().endswith(", corrigée")
    pinned = offsets[str(other)]
    assert pinned.offset_s == -1.5 and pinned.configured
    assert pinned.describe_fr() == "horloge de pinned.log décalée de -1,50 s (valeur configurée), corrigée"


def test_writer_failures_are_retried_without_loss_or_duplicates(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    sink = Sink(fail_first=3)
    errors: list[str] = []
    with TraceCapture(
        sink, poll_interval=0.01, flush_interval=0.02, on_error=lambda where, exc: errors.append(where)
    ) as capture:
        capture.add_files(log)
        for i in range(50):
            with log.open("a") as handle:
                handle.write(f"l{i}\n")
            time.sleep(0.002)
        assert capture.flush(timeout=5)
        stats = capture.stats()
    assert [line.text for line in sink.lines] == [f"l{i}" for i in range(50)]
    assert stats.write_failures == 3 and errors.count("writer") == 3


def test_with_the_real_session_store(tmp_path: Path) -> None:
    store_mod = pytest.importorskip("testbench.store.session")
    read_mod = pytest.importorskip("testbench.store.read")
    log = tmp_path / "app.log"
    log.write_text("")
    session = tmp_path / "session.sqlite"
    store = store_mod.SessionStore.open(session)
    try:
        with TraceCapture(store.add_trace_lines, poll_interval=0.02) as capture:
            capture.add_files(log, fmt="iso8601")
            with log.open("a", encoding="utf-8") as handle:
                for i in range(200):
                    handle.write(f"2026-11-25T10:00:00.{i:03d}+01:00 WARN ligne {i} é\n")
    finally:
        store.close()
    with read_mod.read_session(session) as view:
        lines = list(view.iter_trace_lines())
    assert [line.text.split(" WARN ")[1] for line in lines] == [f"ligne {i} é" for i in range(200)]
    assert {line.level for line in lines} == {"WARN"}


KILLED_CAPTURE = r"""
import sys, time
from testbench.store.session import SessionStore
from testbench.traces.capture import TraceCapture
log, session = sys.argv[1], sys.argv[2]
store = SessionStore.open(session)
capture = TraceCapture(store.add_trace_lines, poll_interval=0.05, flush_interval=0.1)
capture.add_files(log)
capture.start()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 needs SIGKILL")
def test_kill_9_loses_at_most_the_last_flush_window(tmp_path: Path) -> None:
    pytest.importorskip("testbench.store.session")
    read_mod = pytest.importorskip("testbench.store.read")
    log = tmp_path / "app.log"
    log.write_text("")
    session = tmp_path / "session.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_CAPTURE, str(log), str(session)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        written_at: list[float] = []
        with log.open("a") as handle:
            for i in range(300):
                handle.write(f"line {i}\n")
                handle.flush()
                written_at.append(time.monotonic())
                time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with read_mod.read_session(session) as view:
        stored = [line.text for line in view.iter_trace_lines()]
    assert stored == [f"line {i}" for i in range(len(stored))]  # a prefix: in order, nothing twice
    # poll (50 ms) + flush window (100 ms) + one write: lines older than 0.5 s at the kill are stored
    old_enough = sum(1 for t in written_at if killed_at - t > 0.5)
    assert len(stored) >= old_enough
    assert old_enough > 0


def test_syslog_port_in_use_is_a_clear_error() -> None:
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        capture = TraceCapture(lambda batch: None)
        with pytest.raises(OSError):
            capture.add_syslog(port=busy.getsockname()[1], udp=False)
    finally:
        busy.close()


def test_textual_is_not_imported() -> None:
    code = textwrap.dedent(
        """
        import sys
        import testbench.traces.capture, testbench.traces.redact, testbench.traces.parsers
        import testbench.traces.syslog, testbench.traces.tail, testbench.traces.clock
        assert not any(m == "textual" or m.startswith("textual.") for m in sys.modules), "textual imported"
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)


RESUMABLE_CAPTURE = r"""
import json, os, sys, time
from testbench.store.session import SessionStore
from testbench.traces.capture import TraceCapture
log, session, positions_file = sys.argv[1], sys.argv[2], sys.argv[3]
store = SessionStore.open(session)

def save(positions):
    tmp = positions_file + ".tmp"
    with open(tmp, "w") as handle:
        json.dump([p.to_dict() for p in positions], handle)
    os.replace(tmp, positions_file)

capture = TraceCapture(store.add_trace_lines, poll_interval=0.02, flush_interval=0.05, on_commit=save)
capture.add_files(log)
capture.start()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 needs SIGKILL")
def test_resume_after_kill_9_captures_what_was_written_while_down(tmp_path: Path) -> None:
    import json

    store_mod = pytest.importorskip("testbench.store.session")
    read_mod = pytest.importorskip("testbench.store.read")
    log = tmp_path / "app.log"
    log.write_text("")
    session = tmp_path / "session.sqlite"
    positions_file = tmp_path / "positions.json"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", RESUMABLE_CAPTURE, str(log), str(session), str(positions_file)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with log.open("a") as handle:
            handle.writelines(f"before crash {i}\n" for i in range(100))
        size = log.stat().st_size

        def committed() -> bool:
            try:
                return json.loads(positions_file.read_text())[0]["offset"] == size
            except (OSError, ValueError, IndexError, KeyError):
                return False

        assert wait_until(committed)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # while the bench is down, the application goes on, and rotates its log
    with log.open("a") as handle:
        handle.writelines(f"while down {i}\n" for i in range(50))
    os.replace(log, tmp_path / "app.log.1")
    log.write_text("".join(f"new file {i}\n" for i in range(50)))
    store = store_mod.SessionStore.open(session)
    try:
        with TraceCapture(store.add_trace_lines, poll_interval=0.02) as capture:
            capture.add_files(log, resume=json.loads(positions_file.read_text()))
            with log.open("a") as handle:
                handle.write("after restart\n")
            capture.settle()
    finally:
        store.close()
    with read_mod.read_session(session) as view:
        stored = [line.text for line in view.iter_trace_lines()]
    assert stored == (
        [f"before crash {i}" for i in range(100)]
        + [f"while down {i}" for i in range(50)]
        + [f"new file {i}" for i in range(50)]
        + ["after restart"]
    )


def test_file_spec_from_the_command_line() -> None:
    from testbench.traces.capture import parse_file_spec

    assert parse_file_spec(r"C:\ProgramData\fsv\traces\*.log;channel=engine;format=log4crc;encoding=CP1252") == {
        "patterns": r"C:\ProgramData\fsv\traces\*.log",
        "channel": "engine",
        "fmt": "log4crc",
        "encoding": "cp1252",
    }
    assert parse_file_spec("app.log;offset=-2,5;from_start=oui;format=auto") == {
        "patterns": "app.log",
        "clock_offset_s": -2.5,
        "from_start": True,
        "fmt": "auto",
    }
    for bad, message in [
        ("app.log;colour=red", "option de trace inconnue"),
        ("app.log;format=log5j", "format de trace inconnu"),
        ("app.log;offset=abc", "décalage d'horloge illisible"),
        ("app.log;encoding=utf-32", "encodage non pris en charge"),
        (";format=iso8601", "sans chemin"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_file_spec(bad)


def test_positions_of_silent_files_are_kept_and_each_source_resumes_its_own(tmp_path: Path) -> None:
    """A followed file that gave no line before the crash still has its position kept (its end when
    following began), so what it receives while the bench is down is captured on resume; with two
    sources given every saved position, each resumes only its own files."""
    from testbench.traces.capture import positions_text, read_positions

    quiet, busy = tmp_path / "quiet.log", tmp_path / "busy.log"
    quiet.write_text("old, not this session's\n")
    busy.write_text("")
    kept: list[str] = []
    written: list[TraceLine] = []
    first = TraceCapture(written.extend, poll_interval=0.01, on_commit=lambda ps: kept.append(positions_text(ps)))
    first.add_files(quiet, channel="app")
    first.add_files(busy, channel="engine")
    with first:
        with busy.open("a") as handle:
            handle.write("busy 1\n")

        def both_kept() -> bool:
            saved = read_positions(kept[-1]) if kept else []
            return {(p.source, p.offset) for p in saved} == {
                (str(quiet), quiet.stat().st_size),
                (str(busy), busy.stat().st_size),
            }

        assert wait_until(both_kept)
    saved = kept[-1]
    with quiet.open("a") as handle:  # while the bench is down
        handle.write("quiet while down\n")
    with busy.open("a") as handle:
        handle.write("busy while down\n")
    again: list[TraceLine] = []
    with TraceCapture(again.extend, poll_interval=0.01) as second:
        second.add_files(quiet, channel="app", resume=read_positions(saved))
        second.add_files(busy, channel="engine", resume=read_positions(saved))
        second.settle()
    assert sorted((line.channel, line.text) for line in again) == [
        ("app", "quiet while down"),
        ("engine", "busy while down"),
    ]
