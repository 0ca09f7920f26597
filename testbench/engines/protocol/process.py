"""One engine process: started in a process group of its own, its pipes served without blocking, its tree killed.

No pipe can block the caller: on POSIX the caller reads and writes the pipes itself, non-blocking, waiting
with ``poll`` until the call's deadline (one message is a couple of system calls, and no hand-off between
threads: about a third of the client's CPU per call). On Windows, where pipes cannot be polled, daemon
threads read and write them and close their own ends, the caller waiting on a queue. Lines are capped: an
oversized line is reported at once (the caller then kills the engine), never held whole in memory. A thread
reads stderr as it comes; on POSIX the caller also reads what it holds once an answer is in, so that the
lines an engine logged before answering are that call's.
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

from testbench.engines.api import EngineNotLaunched
from testbench.engines.protocol import jsonrpc as J
from testbench.fmt import os_reason, program_text, visible_controls
from testbench.interrupts import deferred

_STDERR_LINES = 40
#: stderr lines kept between two calls for the case's trace: an engine logging more between two calls loses the
#: oldest (a flood never grows the bench's memory)
STDERR_KEPT = 5000
#: and at most this many characters of them: a log without newlines (read in 4 KiB pieces) adds no more per call
STDERR_KEPT_CHARS = 1_000_000
#: at most this many characters of stderr in a reason, its end kept: one huge line must not make a huge verdict
STDERR_CHARS = 500
REAP_TIMEOUT = 2.0  # after a kill, how long to wait for the process to be reaped
#: while it waits for an answer, how often the bench looks whether the engine has ended (its stdout may stay open)
EXIT_LOOK = 0.2
_THREADS_TIMEOUT = 1.0  # after a kill, how long (in all) to wait for the pipe threads to see the end
#: once the engine is known dead, how long to wait for the stderr reader to drain what it wrote last (a
#: grandchild that escaped with the pipe open holds it no longer than this)
STDERR_SETTLE = 0.5
_CHUNK = 64 * 1024
_STDERR_PIECE = 4096  # a stderr line longer than this is read in pieces of it
#: after an answer, at most this many chunks of stderr read by the caller (a flood is bounded by the ring anyway)
_DRAIN_READS = STDERR_KEPT_CHARS // _CHUNK + 1
#: whether the caller polls the pipes itself (POSIX) rather than through pump threads (Windows)
POLL_PIPES = os.name == "posix"

#: what the engine's stdout gave: ("msg", object), ("garbage", (reason, excerpt)), ("oversize", J.Oversized: the
#: line's size when its end was seen), ("cut", excerpt: a last line without its newline that is no message, the
#: engine ended in the middle of it), ("eof", None) or ("timeout", None)
Received = tuple[str, Any]


def _excerpt(raw: bytes) -> str:
    """The start of a line that is no message, as a person reads it: each byte that is not UTF-8 marked
    (« caf⟨0xE9⟩ »), as control characters are, so that the excerpt no longer looks whole."""
    return visible_controls(_marked(raw[:480])[:120])


def _marked(raw: bytes) -> str:
    """``raw`` decoded as UTF-8, each byte that is not UTF-8 shown as ``⟨0xE9⟩``."""
    parts = []
    while True:
        try:
            parts.append(raw.decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(raw[: exc.start].decode("utf-8"))
            parts.extend(f"⟨0x{byte:02X}⟩" for byte in raw[exc.start : exc.end])
            raw = raw[exc.end :]


class StderrRing:
    """The engine's stderr lines not yet taken into the case's trace: at most :data:`STDERR_KEPT` lines and
    :data:`STDERR_KEPT_CHARS` characters, the oldest dropped and counted, so that the trace says the gap."""

    def __init__(self) -> None:
        self._lines: collections.deque[str] = collections.deque()
        self._chars = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def append(self, line: str) -> None:
        with self._lock:
            self._lines.append(line)
            self._chars += len(line)
            while len(self._lines) > STDERR_KEPT or self._chars > STDERR_KEPT_CHARS:
                self._chars -= len(self._lines.popleft())
                self._dropped += 1

    def take(self) -> tuple[list[str], int]:
        """(the lines kept, how many older ones were dropped), each once."""
        with self._lock:
            taken, dropped = list(self._lines), self._dropped
            self._lines.clear()
            self._chars = self._dropped = 0
        return taken, dropped


def _decoded(raw: bytes) -> Received:
    try:
        return "msg", J.parse(raw)
    except Exception as exc:  # not JSON, not an object, nested too deep
        return "garbage", (J.CUT_BY_LINE_END if J.cut_by_line_end(raw) else str(exc), _excerpt(raw))


def _last(raw: bytes) -> Received:
    """A last line the end of stdout cut before its newline: a whole message still counts (an engine that
    omits the newline of its last answer), else the engine stopped in the middle of writing it."""
    kind, payload = _decoded(raw)
    return (kind, payload) if kind == "msg" else ("cut", _excerpt(raw))


#: at most this many bytes of a line the engine began and did not end are kept, to be shown
#: (:meth:`EngineProcess.partial`)
_PARTIAL_KEPT = 480


class _SeenLines:
    """The engine's stdout as the pump thread reads it (Windows): ``readline`` as a buffered pipe's, built from
    what the pipe gives (``read1``), so that the start of a line the engine has not ended yet is seen
    (:attr:`pending`) while the thread still waits for its end: a timeout then shows it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buffer = bytearray()
        #: the first bytes read and not yet returned as a line (set by the thread, read by the caller: one
        #: assignment of an immutable value)
        self.pending = b""

    def readline(self, limit: int) -> bytes:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\n", 0, limit)
            if end >= 0 or len(buffer) >= limit:
                cut = end + 1 if end >= 0 else limit
                line = bytes(buffer[:cut])
                del buffer[:cut]
                self.pending = bytes(buffer[:_PARTIAL_KEPT])
                return line
            chunk = self._stream.read1(_CHUNK)  # type: ignore[attr-defined]
            if not chunk:  # the end: a last line without its newline is returned whole
                line = bytes(buffer)
                buffer.clear()
                self.pending = b""
                return line
            buffer += chunk
            self.pending = bytes(buffer[:_PARTIAL_KEPT])

    def close(self) -> None:
        self._stream.close()


def _pump_stdout(stream: IO[bytes], out: queue.SimpleQueue[Received], max_line: int) -> None:
    try:
        while True:
            raw = J.read_line(stream, max_line, skip=False, strip=False)
            if raw is None:
                break
            if isinstance(raw, J.Oversized):
                out.put(("oversize", raw))  # report at once; the caller kills the engine meanwhile
                J.skip_line(stream)
                continue
            if raw.strip():
                out.put(_decoded(raw[:-1].rstrip(b"\r")) if raw.endswith(b"\n") else _last(raw))
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


def _stderr_line(raw: bytes) -> str:
    """One line (or 4 KiB piece) of the engine's stderr, as a person reads it."""
    return visible_controls(program_text(raw).rstrip())


def _pump_stderr(stream: IO[bytes], tail: collections.deque[str], lines: StderrRing) -> None:
    try:
        while True:
            chunk = stream.readline(_STDERR_PIECE)
            if not chunk:
                break
            line = _stderr_line(chunk)
            tail.append(line)
            lines.append(line)
    except Exception:  # the pipe broke or was closed
        pass
    finally:
        with contextlib.suppress(Exception):
            stream.close()


class _PolledStderr:
    """The engine's stderr on POSIX, read by a daemon thread as it comes and by the caller (:meth:`drain`) once an
    answer is in: what the engine logged just before answering is often still in the pipe then, and would be
    filed under a later call. Both read the non-blocking pipe under one lock, so lines stay whole and in order."""

    def __init__(self, stream: IO[bytes], tail: collections.deque[str], lines: StderrRing) -> None:
        import select

        self._stream, self._fd = stream, stream.fileno()
        os.set_blocking(self._fd, False)
        # one poll object per thread (one may not be used by two at once): the thread's, to wait; the one used
        # under the lock, to look first (a look costs less than a read that fails, the caller's usual case)
        self._waiting, self._ready = select.poll(), select.poll()
        self._waiting.register(self._fd, select.POLLIN)
        self._ready.register(self._fd, select.POLLIN)
        self._tail, self._lines = tail, lines
        self._lock = threading.Lock()
        self._buffer = bytearray()
        self._ended = False  # the pipe's end was read, or the thread closed it: never read again

    def pump(self) -> None:
        """The thread: wait until the pipe holds something, read it, until its end."""
        try:
            while self.drain(1):
                self._waiting.poll()
        except Exception:  # the pipe broke or was closed
            pass
        finally:
            with self._lock:
                self._end()
                with contextlib.suppress(Exception):
                    self._stream.close()

    def drain(self, reads: int = _DRAIN_READS) -> bool:
        """Read what the pipe holds now, never waiting (at most ``reads`` chunks: an engine that floods stderr
        cannot hold the caller); False once the pipe has ended."""
        with self._lock:
            for _ in range(reads):
                if self._ended:
                    return False
                if not self._ready.poll(0):
                    return True
                try:
                    chunk = os.read(self._fd, _CHUNK)
                except BlockingIOError:
                    return True
                except OSError:  # the pipe broke: its end
                    chunk = b""
                if not chunk:
                    self._end()
                    return False
                self._feed(chunk)
            return not self._ended

    def _feed(self, chunk: bytes) -> None:
        """Cut lines from what was read, as ``readline(4096)`` does: a line longer than that in pieces."""
        buffer = self._buffer
        buffer += chunk
        while True:
            end = buffer.find(b"\n", 0, _STDERR_PIECE)
            if end < 0 and len(buffer) < _STDERR_PIECE:
                return
            cut = end + 1 if end >= 0 else _STDERR_PIECE
            self._add(bytes(buffer[:cut]))
            del buffer[:cut]

    def _end(self) -> None:
        """The pipe ended: a last line without its newline still counts."""
        if self._buffer:
            self._add(bytes(self._buffer))
            self._buffer.clear()
        self._ended = True

    def _add(self, raw: bytes) -> None:
        line = _stderr_line(raw)
        self._tail.append(line)
        self._lines.append(line)


def _group_options() -> dict[str, Any]:
    """Popen options that put the engine and everything it starts in a process group of its own."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


#: where Linux lists its processes, each with its parent: how the engine's children that left its process group
#: (``setsid``) are found before the kill (other systems offer no such list without a new dependency)
_PROC = "/proc"
#: how many times the escaped descendants are looked for again, once those found are stopped (one that forked
#: meanwhile is found by its parent, which is stopped and not yet killed)
_ESCAPED_ROUNDS = 4


def _children_by_parent() -> dict[int, list[tuple[int, int]]]:
    """Every process /proc lists, by its parent's pid: (pid, process group). A process that ends meanwhile, or one
    /proc does not let this user read, is left out."""
    children: dict[int, list[tuple[int, int]]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(_PROC):
            if not entry.name.isdigit():
                continue
            try:
                with open(os.path.join(entry.path, "stat"), "rb") as stat:
                    raw = stat.read()
            except OSError:
                continue
            # « pid (name) state ppid pgrp … »: the name may hold spaces and parentheses, the fields follow its last
            fields = raw[raw.rfind(b")") + 2 :].split()
            with contextlib.suppress(IndexError, ValueError):
                children.setdefault(int(fields[1]), []).append((int(entry.name), int(fields[2])))
    return children


def _escaped(root: int) -> set[int]:
    """The descendants of the engine ``root`` that left its process group (a child that called ``setsid``): the
    group's kill misses them. Linux only, read from /proc; empty elsewhere."""
    if not sys.platform.startswith("linux") or not os.path.isdir(_PROC):
        return set()
    children, found, todo = _children_by_parent(), set(), [root]
    while todo:
        for pid, group in children.get(todo.pop(), ()):
            todo.append(pid)
            if group != root:
                found.add(pid)
    return found


def _kill_escaped(popen: subprocess.Popen[Any]) -> None:
    """Kill the engine's descendants that left its process group, looked for while the engine still lives (once it
    is dead they are the init process's children, no longer found as its own). Each found is stopped first, then
    the search is made again: one that forked meanwhile is found under its stopped parent. Not when the engine
    was already reaped: its pid may then be another process's."""
    if popen.returncode is not None:
        return
    import signal

    stopped: set[int] = set()
    for _ in range(_ESCAPED_ROUNDS):
        found = _escaped(popen.pid) - stopped
        if not found:
            break
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        stopped |= found
    for pid in stopped:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _kill_tree(popen: subprocess.Popen[Any]) -> None:
    """Kill the engine and every process it started (a wrapper's child keeps the pipes open otherwise), on Linux
    those that left its process group too."""
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

        _kill_escaped(popen)  # before the group: the engine alive still holds them as its descendants
        # The group id is the engine's pid (start_new_session). While a member lives, the kernel does not
        # hand that id to another process, so this reaches the engine's children even after it was reaped.
        with contextlib.suppress(OSError):
            os.killpg(popen.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        popen.kill()


class ChildPopen(subprocess.Popen):  # type: ignore[type-arg]
    """A Popen whose child is killed when an interrupt (^C, or SIGTERM turned into KeyboardInterrupt) lands while
    it is made: under load the child runs long before Popen returns, and an interrupt raised inside Popen (even
    before it notes the child's pid) loses the only handle on it. The interrupt is held until Popen returns,
    then delivered here, where the child is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            with deferred():
                super().__init__(*args, **kwargs)
        except BaseException:
            if getattr(self, "_child_created", False) and self.returncode is None:
                _end(self)
            raise


def _end(popen: subprocess.Popen[Any]) -> None:
    """Kill ``popen``'s tree and reap it (a bounded wait)."""
    _kill_tree(popen)
    with contextlib.suppress(subprocess.TimeoutExpired):
        popen.wait(timeout=REAP_TIMEOUT)


class EngineProcess:
    """One engine process and its pipes (a new one after each restart)."""

    def __init__(
        self,
        command: Sequence[str],
        max_line: int,
        env: dict[str, str] | None,
        cwd: str | None,
        *,
        poll_pipes: bool | None = None,
    ) -> None:
        argv = list(command)
        if sys.platform == "win32":  # ``moteur`` where only ``moteur.cmd`` is: the batch file, as the prompt runs it
            from testbench.engines.protocol.program import windows_command

            argv = windows_command(argv)
        try:
            self.popen: subprocess.Popen[bytes] = ChildPopen(
                argv,
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
            raise EngineNotLaunched(f"impossible de lancer le moteur « {' '.join(command)} » : {reason}") from exc
        try:
            self._serve(max_line, poll_pipes)
        except BaseException:  # an interrupt (^C, SIGTERM) before the owner holds the process: nobody else ends it
            _end(self.popen)
            raise

    def _serve(self, max_line: int, poll_pipes: bool | None) -> None:
        """Start serving the pipes: polled by the caller (POSIX; stderr by a thread too), or by threads (Windows)."""
        assert self.popen.stdout is not None and self.popen.stderr is not None and self.popen.stdin is not None
        self.stderr: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        #: what the engine wrote on stderr (its own log) not yet taken into the case's trace (:meth:`take_stderr`)
        self.stderr_lines = StderrRing()
        pumped = (self.popen.stderr, self.stderr, self.stderr_lines)
        self._pipes: _PolledPipes | None = None
        self._polled_stderr: _PolledStderr | None = None
        self._messages: queue.SimpleQueue[Received] = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._stdout: _SeenLines | None = None
        if POLL_PIPES if poll_pipes is None else poll_pipes:
            self._pipes = _PolledPipes(self.popen.stdin.fileno(), self.popen.stdout.fileno(), max_line)
            self._polled_stderr = _PolledStderr(*pumped)
            self.threads = [threading.Thread(target=self._polled_stderr.pump, daemon=True)]
        else:
            self._stdout = _SeenLines(self.popen.stdout)
            self.threads = [
                threading.Thread(target=_pump_stderr, args=pumped, daemon=True),
                threading.Thread(target=_pump_stdout, args=(self._stdout, self._messages, max_line), daemon=True),
                threading.Thread(target=_pump_stdin, args=(self.popen.stdin, self._outbox), daemon=True),
            ]
        for t in self.threads:
            t.start()

    def _drain_stderr(self) -> None:
        """Read what stderr holds now (POSIX): lines the engine wrote before its answer belong to that call.
        Windows pipes cannot be read without blocking: there the reader thread alone reads them."""
        if self._polled_stderr is not None:
            self._polled_stderr.drain()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def write(self, message: dict[str, Any], deadline: float) -> bool:
        return self.write_raw(J.encode(message), deadline)

    def write_raw(self, data: bytes, deadline: float) -> bool:
        """Hand ``data`` to the engine; False when it did not take it by ``deadline`` (it stopped reading).

        A dead engine's broken pipe is no failure here: the next :meth:`receive` reports its end.
        """
        if self._pipes is None:
            self._outbox.put(data)  # the writer thread may wait for the engine: the caller never does
            return True
        return self._pipes.write(data, deadline)

    def receive(self, deadline: float) -> Received:
        """The engine's next message, or why there is none by ``deadline``: see :data:`Received`.

        The wait looks every :data:`EXIT_LOOK` whether the engine has ended: one that ended while a process it
        started still holds its stdout (a wrapper's helper in the background, a fork) sends no end of file, and
        would be taken for silent until the deadline; it is at its end at once (« s'est arrêté (code 5) »)."""
        while True:
            step = min(deadline, time.monotonic() + EXIT_LOOK)
            kind, payload = self._receive(step)
            if kind != "timeout" or step >= deadline:
                return kind, payload
            if self.popen.poll() is not None:
                return self._ended()

    def _receive(self, deadline: float) -> Received:
        if self._pipes is not None:
            return self._pipes.receive(deadline)
        remaining = deadline - time.monotonic()
        try:  # a deadline already past still takes what is there (the client drains stray output so)
            return self._messages.get(timeout=remaining) if remaining > 0 else self._messages.get_nowait()
        except queue.Empty:
            return "timeout", None

    def _ended(self) -> Received:
        """The end of an engine that ended with its stdout held open by another process: what it wrote before it
        ended is all there is (taken first), then the line it had begun (« cut ») or its end."""
        if self._pipes is not None:
            kind, payload = self._pipes.receive(time.monotonic())
            if kind != "timeout":
                return kind, payload
            return self._pipes.end()
        with contextlib.suppress(queue.Empty):  # the reader thread's time to pass on what the pipe held at the end
            return self._messages.get(timeout=EXIT_LOOK)
        raw = self._stdout.pending if self._stdout is not None else b""
        return _last(raw) if raw.strip() else ("eof", None)

    def partial(self) -> str | None:
        """The start of a line the engine began on stdout and has not ended (no newline yet), as a person reads it;
        None when there is none. Asked on a timeout: what the engine was writing when it stopped answering."""
        raw = self._pipes.pending() if self._pipes is not None else self._stdout.pending if self._stdout else b""
        return _excerpt(raw) if raw.strip() else None

    def kill_group(self) -> None:
        """Kill the process tree now and do nothing else, safe from any thread: whoever waits on its pipes sees
        its end there (a ^C while a worker thread waits on a call), and :meth:`kill` later reaps it."""
        _kill_tree(self.popen)

    def kill(self) -> None:
        """Kill the process tree; never blocks on a pipe."""
        if self._pipes is None:
            self._outbox.put(None)  # the writer thread closes stdin, the reader stdout at its end
        _kill_tree(self.popen)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=REAP_TIMEOUT)
        if self._pipes is not None:  # polled: no thread owns them, the caller's ends are closed here
            for stream in (self.popen.stdin, self.popen.stdout):
                with contextlib.suppress(OSError):
                    stream.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + _THREADS_TIMEOUT
        for t in self.threads:  # daemons: one still blocked (a pipe held by an escaped process) is left behind
            t.join(timeout=max(deadline - time.monotonic(), 0.0))

    def untaken(self) -> bool:
        """Whether the engine left the last request unread: its stdin refused it (the engine had closed it) or
        still holds bytes of it. Asked once the engine is gone, when the pipe no longer changes: an engine that
        stopped without reading the request stopped between two calls, not on that request. False where the
        system cannot say (Windows)."""
        if self._pipes is not None and self._pipes.refused:
            return True
        if os.name != "posix":
            return False
        import array
        import fcntl
        import termios

        waiting = array.array("i", [0])
        try:
            fcntl.ioctl(self.popen.stdin.fileno(), termios.FIONREAD, waiting)  # type: ignore[union-attr]
        except (OSError, ValueError):  # closed, or a system without it on a pipe's write end
            return False
        return waiting[0] > 0

    def take_stderr(self) -> tuple[list[str], int]:
        """The stderr lines written since the last call, each once (the reader thread appends, this takes), and
        how many older ones were dropped to keep within :class:`StderrRing`'s bounds. What the pipe holds is
        read first: an engine that logged and then answered wrote those lines before the answer."""
        self._drain_stderr()
        return self.stderr_lines.take()

    def stderr_tail(self) -> str:
        """The last lines the engine wrote to stderr, as « ; stderr : a | b », at most :data:`STDERR_CHARS` of them
        (cut at the front: the end is what the engine said last). Once the process has ended, the pipe is
        read first, and the reader thread given :data:`STDERR_SETTLE` to finish: what a crashing engine wrote
        just before it died is the most telling part, and the reader may not have read it yet."""
        if self.popen.poll() is not None:
            self._drain_stderr()
            self.threads[0].join(timeout=STDERR_SETTLE)
        tail = " | ".join([line for line in self.stderr if line][-5:])
        if len(tail) > STDERR_CHARS:
            tail = "…" + tail[-(STDERR_CHARS - 1) :]
        return f" ; stderr : {tail}" if tail else ""


class _PolledPipes:
    """The engine's stdin and stdout, non-blocking, read and written by the caller, waiting with ``poll``
    until the call's deadline (POSIX). Lines are cut from one buffer, which never grows past a line's cap."""

    def __init__(self, stdin: int, stdout: int, max_line: int) -> None:
        import select

        os.set_blocking(stdin, False)
        os.set_blocking(stdout, False)
        self.stdin, self.stdout, self.max_line = stdin, stdout, max_line
        self._readable, self._writable = select.poll(), select.poll()
        self._readable.register(stdout, select.POLLIN)
        self._writable.register(stdin, select.POLLOUT)
        self._buffer = bytearray()
        self._scanned = 0  # the buffer's first bytes hold no newline: not searched again
        self._eof = False
        self.refused = False  # the last write met a closed stdin: the engine never read that request

    def pending(self) -> bytes:
        """The first bytes read of a line not ended yet (after a timeout the buffer holds no whole line)."""
        return bytes(self._buffer[:_PARTIAL_KEPT])

    def write(self, data: bytes, deadline: float) -> bool:
        view = memoryview(data)
        self.refused = False
        while view:
            try:
                view = view[os.write(self.stdin, view) :]
            except BlockingIOError:  # the pipe is full: wait until the engine reads, or the deadline
                if not self._wait(self._writable, deadline):
                    return False
            except OSError:  # the engine is gone (broken pipe): its end is read on stdout
                self.refused = True
                return True
        return True

    def receive(self, deadline: float) -> Received:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\n", self._scanned)
            self._scanned = len(buffer) if end < 0 else 0
            if end > self.max_line or (end < 0 and len(buffer) > self.max_line):
                over = J.Oversized(end, whole=True) if end >= 0 else J.Oversized(len(buffer))
                buffer.clear()
                self._scanned = 0
                return "oversize", over  # the caller kills the engine: the rest of the line is never read
            if end >= 0:
                raw = bytes(buffer[:end]).rstrip(b"\r")
                del buffer[: end + 1]
                if raw.strip():
                    return _decoded(raw)
                continue
            if not self._eof and deadline <= time.monotonic() and not self._readable.poll(0):
                return "timeout", None  # a look without waiting (the client's before a request): nothing there
            if self._eof:
                if buffer:  # a last line without its newline
                    raw = bytes(buffer)
                    buffer.clear()
                    self._scanned = 0
                    return _last(raw) if raw.strip() else ("eof", None)
                return "eof", None
            try:
                chunk = os.read(self.stdout, _CHUNK)
            except BlockingIOError:
                if not self._wait(self._readable, deadline):
                    return "timeout", None
                continue
            except OSError:  # the pipe broke: the engine's end
                chunk = b""
            if chunk:
                buffer += chunk
            else:
                self._eof = True

    def end(self) -> Received:
        """Take the engine's end as read (it ended, another process holds the pipe): the line begun, or eof."""
        self._eof = True
        return self.receive(time.monotonic())

    @staticmethod
    def _wait(poller: Any, deadline: float) -> bool:
        """Whether the pipe became ready (or hung up) before ``deadline``."""
        remaining = deadline - time.monotonic()
        return remaining > 0 and bool(poller.poll(max(1, int(remaining * 1000 + 1))))
