"""``testbench services serve``: the simulators in this process, on loopback, until stdin closes.

The first line on stdout is ``{"port": N}`` (the port the system gave for ``--port 0``); every following
line is one exchange or control record (JSON). Closing stdin stops the server cleanly, so a bench that
dies takes its simulators with it; the bench may also terminate the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import IO, Any

from aiohttp import web

from testbench.fmt import os_reason
from testbench.i18n import colon, translator
from testbench.services.app import Runner, make_app
from testbench.services.process import SAID
from testbench.services.scenarios import RegistryError

#: aiohttp's server logger: every request it refuses is answered and logged by us (services.app), so its
#: « Error handling request » tracebacks would only reach a person's stderr
_QUIET = logging.getLogger("testbench.services.aiohttp")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _writer(out: IO[bytes]) -> Any:
    """One JSON record a line, in UTF-8 bytes whatever the locale: on Windows a redirected text stdout is in
    the ANSI code page (cp1252), which the bench (services.process) would not read back.

    A log nobody reads any more (``| head -1``) or the disk refuses is dropped, and the services go on
    answering, as every command goes on once its output is unread (testbench.cli.console.Unread): its error
    raised in a handler closed each call's connection unanswered. A disk's refusal is said once on stderr."""
    lock = threading.Lock()
    gone = False

    def write(record: dict[str, Any]) -> None:
        nonlocal gone
        line = json.dumps(record, ensure_ascii=False, default=str)
        with lock:
            if gone:
                return
            try:
                out.write(line.encode("utf-8") + b"\n")
                out.flush()
            except (OSError, ValueError) as exc:  # ValueError: a stream closed in this process
                gone = True
                _drop(out)
                if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
                    _say(f"journal des échanges perdu : {os_reason(exc)}")

    return write


def _drop(out: IO[bytes]) -> None:
    """Point ``out``'s descriptor at the null device, so the bytes still buffered go nowhere at the interpreter's
    last flush rather than printing « Exception ignored … BrokenPipeError »."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, out.fileno())
        os.close(null)


def _say(said: str) -> None:
    """One sentence on stderr after :data:`SAID` and the language's colon, in the active language, in UTF-8
    (services.process reads it)."""
    sys.stderr.flush()
    sys.stderr.buffer.write(f"{SAID}{colon()}{translator()(said)}\n".encode())
    sys.stderr.buffer.flush()


async def _serve(host: str, port: int, out: IO[bytes], stop: asyncio.Event, listening: Callable[[], None]) -> None:
    log = _writer(out)
    runner = Runner(make_app(log), access_log=None, handle_signals=False, shutdown_timeout=0.1, logger=_QUIET)
    await runner.setup()
    # asyncio's own choice of SO_REUSEADDR: on POSIX (a restart binds a port still in TIME_WAIT), never on Windows,
    # where it lets a second server bind a port another one listens on, and « port déjà utilisé » was never said
    site = web.TCPSite(runner, host, port)
    await site.start()
    log({"port": runner.addresses[0][1], "host": host})  # port 0: the one the system chose
    listening()
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(host: str = "127.0.0.1", port: int = 0, stdin: IO[bytes] | None = None, out: IO[bytes] | None = None) -> int:
    """Serve until ``stdin`` reaches its end (None: forever, until the process is stopped); the records go to
    ``out`` (None: stdout's bytes) in UTF-8."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def watch_stdin(stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            read = _raw_reader(stream)
            while read(4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop closed: Ctrl-C stopped the server first
            loop.call_soon_threadsafe(stop.set)

    def listening() -> None:
        """Watch stdin once the server listens: a thread still reading it when a server that cannot start
        exits would hold stdin's lock at the interpreter's end, which then aborts (SIGABRT, not our exit 2)."""
        if stdin is not None:
            threading.Thread(target=watch_stdin, args=(stdin,), daemon=True, name="services-stdin").start()

    task = loop.create_task(_serve(host, port, out or sys.stdout.buffer, stop, listening))
    try:
        loop.run_until_complete(task)
    except KeyboardInterrupt:
        _finish(loop, task, stop)
    except (OSError, RegistryError) as exc:  # the port is taken, the address is not ours, the registry is damaged
        # one sentence for a person, which the bench also reads back as the reason (services.process, after
        # SAID): in the active language (the bench starts its server with --lang fr, and reads either back)
        _say(f"serveur de téléservices impossible à démarrer : {_reason(exc, port)}")
        return 2  # the environment's fault, as testbench.runner.exits.EXIT_ENVIRONMENT (docs/teleservices.md)
    finally:
        loop.close()
    return 0


def _finish(loop: asyncio.AbstractEventLoop, task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """After Ctrl-C, let the server close as stdin's end closes it: interrupted while the loop waited, it is
    still suspended, and closing it unfinished prints « coroutine ignored GeneratorExit » on stderr."""
    stop.set()
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        if not task.done():
            loop.run_until_complete(task)
    if task.done() and not task.cancelled():
        task.exception()  # retrieved: a Ctrl-C inside the task is no « exception never retrieved »


def _raw_reader(stream: IO[bytes]) -> Callable[[int], bytes]:
    """Read ``stream`` by its descriptor when it has one: a daemon thread blocked in a buffered read holds the
    buffer's lock, and the interpreter aborts on that lock at its end (Ctrl-C: « Fatal Python error », 134)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # an in-memory stream (tests): no lock held across a read
        return stream.read
    return lambda size: os.read(fd, size)


def _reason(exc: OSError | RegistryError, port: int) -> str:
    if isinstance(exc, RegistryError):
        return str(exc)
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} déjà utilisé"
    return os_reason(exc)
