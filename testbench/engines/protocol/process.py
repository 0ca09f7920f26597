"""One engine process: started in a process group of its own, its pipes served by threads, its tree killed.

Pipes are read and written by daemon threads that close their own ends, never ``select``, so this runs on
Windows too and no pipe can block the caller. Lines are capped and an oversized line is skipped in chunks.
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from testbench.engines.api import EngineUnavailable
from testbench.engines.protocol import jsonrpc as J
from testbench.fmt import os_reason

_STDERR_LINES = 40
REAP_TIMEOUT = 2.0  # after a kill, how long to wait for the process to be reaped
_THREADS_TIMEOUT = 1.0  # after a kill, how long (in all) to wait for the pipe threads to see the end


def _pump_stdout(stream: IO[bytes], out: queue.SimpleQueue[tuple[str, Any]], max_line: int) -> None:
    try:
        while True:
            raw = J.read_line(stream, max_line, skip=False)
            if raw is None:
                break
            if isinstance(raw, J.Oversized):
                out.put(("oversize", raw.size))  # report at once; the caller kills the engine meanwhile
                J.skip_line(stream)
                continue
            if not raw.strip():
                continue
            try:
                out.put(("msg", J.parse(raw)))
            except Exception as exc:  # not JSON, not an object, nested too deep: never kill this thread
                out.put(("garbage", (str(exc), raw[:120].decode("utf-8", "replace"))))
    except Exception:  # the pipe broke or was closed: the end is reported below
        pass
    finally:
        out.put(("eof", None))
        with contextlib.suppress(Exception):
            stream.close()


def _pump_stdin(stream: IO[bytes], outbox: queue.SimpleQueue[bytes | None]) -> None:
    """Write requests from a thread: a hung engine that stops reading can never block the caller."""
    try:
        while True:
            data = outbox.get()
            if data is None:
                break
            stream.write(data)
            stream.flush()
    except Exception:  # the engine died or was killed: the stdout reader reports it
        pass
    finally:
        with contextlib.suppress(Exception):
            stream.close()


def _pump_stderr(stream: IO[bytes], tail: collections.deque[str]) -> None:
    try:
        while True:
            chunk = stream.readline(4096)
            if not chunk:
                break
            tail.append(chunk.decode("utf-8", "replace").rstrip())
    except Exception:  # the pipe broke or was closed
        pass
    finally:
        with contextlib.suppress(Exception):
            stream.close()


def _group_options() -> dict[str, Any]:
    """Popen options that put the engine and everything it starts in a process group of its own."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _kill_tree(popen: subprocess.Popen[bytes]) -> None:
    """Kill the engine and every process it started (a wrapper's child keeps the pipes open otherwise)."""
    if sys.platform == "win32":
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                ["taskkill", "/T", "/F", "/PID", str(popen.pid)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=REAP_TIMEOUT,
            )
    else:
        import signal

        # The group id is the engine's pid (start_new_session). While a member lives, the kernel does not
        # hand that id to another process, so this reaches the engine's children even after it was reaped.
        with contextlib.suppress(OSError):
            os.killpg(popen.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        popen.kill()


class EngineProcess:
    """One engine process, its pipe threads and its message queue (a new one after each restart)."""

    def __init__(self, command: Sequence[str], max_line: int, env: dict[str, str] | None, cwd: str | None) -> None:
        try:
            self.popen = subprocess.Popen(
                list(command),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=cwd,
                **_group_options(),
            )
        except OSError as exc:
            # the OS's own words (« [Errno 2] No such file… ») are in neither language: its reason, in French
            reason = os_reason(exc)
            raise EngineUnavailable(f"impossible de lancer le moteur « {' '.join(command)} » : {reason}") from exc
        self.messages: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self.outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        assert self.popen.stdout is not None and self.popen.stderr is not None and self.popen.stdin is not None
        self.threads = [
            threading.Thread(target=_pump_stdout, args=(self.popen.stdout, self.messages, max_line), daemon=True),
            threading.Thread(target=_pump_stderr, args=(self.popen.stderr, self.stderr), daemon=True),
            threading.Thread(target=_pump_stdin, args=(self.popen.stdin, self.outbox), daemon=True),
        ]
        for t in self.threads:
            t.start()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def write(self, message: dict[str, Any]) -> None:
        self.write_raw(J.encode(message))

    def write_raw(self, data: bytes) -> None:
        self.outbox.put(data)

    def kill(self) -> None:
        """Kill the process tree; never blocks on a pipe (each thread closes its own end when it ends)."""
        self.outbox.put(None)
        _kill_tree(self.popen)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=REAP_TIMEOUT)
        deadline = time.monotonic() + _THREADS_TIMEOUT
        for t in self.threads:  # daemons: one still blocked (a pipe held by an escaped process) is left behind
            t.join(timeout=max(deadline - time.monotonic(), 0.0))

    def stderr_tail(self) -> str:
        lines = [line for line in self.stderr if line][-5:]
        return (" ; stderr : " + " | ".join(lines)) if lines else ""
