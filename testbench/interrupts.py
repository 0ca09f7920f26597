"""^C and a CI's cancel or timeout (SIGTERM) as one interruption: what every command a CI may stop shares.

- :func:`stopping` — a command's signals: SIGTERM raises ``KeyboardInterrupt`` as ^C does, so the command's own
  ^C path runs (its engines and services stopped, its temporary files removed) instead of the process dying
  with 143; at the end of the process (``final``) neither signal changes its exit code any more.
- :func:`deferred` — a few steps that must not be cut in the middle (the renames that put a whole output in
  place, the removal of what an interrupted write left): a signal arriving then takes effect right after.
- :func:`ignored` — the last lines of an interrupted command: a further ^C does not cut them.
- :func:`on_interrupt` — the workstation's: SIGTERM (a logout, a shutdown, ``kill``, ``timeout``), a closed
  terminal (SIGHUP) or a ^C sent by ``kill`` quits it as Ctrl+Q does, its terminal put back.

A closed terminal (SIGHUP, where the system has one) is one more interruption: handled as SIGTERM is.

Python runs signal handlers in the main thread only, and only that thread may install them: elsewhere (a
workstation's worker thread) these do nothing. ``signal.SIGTERM`` exists on Windows too. A utility: it
imports no layer.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

#: a closed terminal (its window, an SSH session gone); Windows has no such signal
SIGHUP: int | None = getattr(signal, "SIGHUP", None)
#: ^C, what a CI's cancel or timeout sends, and a closed terminal where the system has one
SIGNALS = (signal.SIGINT, signal.SIGTERM, *((SIGHUP,) if SIGHUP is not None else ()))
#: the signals :func:`stopping` turns into ``KeyboardInterrupt`` (^C is one already)
_TERMINATING = tuple(sig for sig in SIGNALS if sig != signal.SIGINT)

Handler = Callable[[int, Any], Any] | int | None


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _ignore(_signum: int, _frame: object) -> None:
    """A Python handler that does nothing: unlike SIG_IGN, a process started meanwhile does not inherit it."""


def _interrupt(_signum: int, _frame: object) -> None:
    """The first SIGTERM (or SIGHUP) interrupts as ^C does; a further one (a CI insisting) lets the clean-up that
    closes the benches' processes finish."""
    for sig in _TERMINATING:
        signal.signal(sig, _ignore)
    raise KeyboardInterrupt


class Stopping:
    """What :func:`stopping` installed, and what it replaced."""

    def __init__(self, previous: dict[int, Handler]) -> None:
        self.previous = previous

    def release_terminate(self) -> None:
        """SIGTERM and SIGHUP back to what they were: a command that leaves them to their own owner (the
        workstation, :func:`on_interrupt`; the processes a bench starts and stops itself)."""
        for sig in _TERMINATING:
            handler = self.previous.get(sig)
            if handler is not None and _main_thread():
                signal.signal(sig, handler)  # type: ignore[arg-type]


@contextlib.contextmanager
def stopping(*, terminate: bool = True, final: bool = False) -> Iterator[Stopping]:
    """A command's signals: with ``terminate``, SIGTERM and SIGHUP raise ``KeyboardInterrupt`` as ^C does (once).

    At the end the previous handlers are restored — or, ``final`` (the process's own command, which ends with
    it), both signals are ignored: the exit code is decided, and a late ^C or SIGTERM while the interpreter
    shuts down must not turn it into 143 or a traceback.
    """
    if not _main_thread():
        yield Stopping({})
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    if terminate:
        for sig in _TERMINATING:
            if previous[sig] != signal.SIG_IGN:  # ignored when the process began (nohup): a hang-up stays ignored
                signal.signal(sig, _interrupt)
    try:
        yield Stopping(previous)
    finally:
        for sig, handler in previous.items():
            if final:
                signal.signal(sig, signal.SIG_IGN)  # no process is started any more: nothing inherits it
            elif handler is not None:  # None: a handler not installed from Python, left as it is
                signal.signal(sig, handler)


def terminate_as_interrupt() -> contextlib.AbstractContextManager[Stopping]:
    """SIGTERM raises ``KeyboardInterrupt`` as ^C does while the block runs (the previous handler restored
    after): a run's cases under way left without a verdict, a merge's partial file removed, an engine
    stopped — instead of the process dying with 143."""
    return stopping(terminate=True)


@contextlib.contextmanager
def _holding(deliver: bool) -> Iterator[None]:
    if not _main_thread():
        yield
        return
    held: list[int] = []
    previous: dict[int, Handler] = {}
    for sig in SIGNALS:
        handler = signal.getsignal(sig)
        if handler is None or handler == signal.SIG_IGN:  # not Python's, or ignored: left as it is
            continue
        previous[sig] = signal.signal(sig, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        if deliver and held:
            _deliver(held[0], previous[held[0]])


def _deliver(signum: int, handler: Handler) -> None:
    """What the signal held would have done: its handler (``KeyboardInterrupt`` for ^C and, under
    :func:`stopping`, for SIGTERM), or the system's default action."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)


def deferred() -> contextlib.AbstractContextManager[None]:
    """A ^C or SIGTERM arriving while the block runs takes effect when it ends: a few renames or removals
    that leave whole files, never half of them."""
    return _holding(deliver=True)


def ignored() -> contextlib.AbstractContextManager[None]:
    """A ^C or SIGTERM arriving while the block runs is dropped: the last lines an interrupted command says
    (the command that finishes its work) are said whole."""
    return _holding(deliver=False)


#: how long an interrupted workstation (SIGTERM, its terminal closed) may take to quit before the process ends anyway
#: (seconds)
QUIT_GRACE_S = 15.0
#: the exit code of an interrupted command (README § Exit codes): the workstation's too, never 143
INTERRUPTED_EXIT = 2


def on_interrupt(callback: Callable[[int], None], grace: float = QUIT_GRACE_S) -> Callable[[], None]:
    """While it is installed, SIGTERM (a logout, a shutdown, ``kill``, ``timeout``), a closed terminal (SIGHUP) and a
    ^C sent by ``kill`` call ``callback(signum)`` in the event loop running now instead of killing the process: the
    workstation quits as Ctrl+Q does (a step left pending, resumable, its terminal put back), not a case cut without
    its verdict and a terminal left in its modes. A signal ignored when the process began (``nohup``: its person
    asked for no hang-up) stays ignored. Returns what puts the previous handlers back; nothing off the main thread.

    When the terminal is gone, the standard streams that were on it are pointed at the null device first, so that
    the quit's last writes to it go nowhere (a terminal library's writer thread dying on the closed terminal left
    its quit waiting forever, and the session held). Should the quit still not end within ``grace`` seconds, the
    process ends (:data:`INTERRUPTED_EXIT`): what a run records is committed as it goes, and the session reopens
    where it stopped. A quit that ends in time (the restore) cancels that."""
    if not _main_thread():
        return lambda: None
    import asyncio

    loop = asyncio.get_running_loop()
    watchdogs: list[threading.Timer] = []
    # the streams on a terminal that can hang up (none in a test, a pipe's; none on Windows, whose console
    # has no hang-up: there a closed terminal is never guessed, and the restore always reaches it)
    ttys = [fd for fd in (0, 1, 2) if _isatty(fd)] if SIGHUP is not None else []

    def interrupted(signum: int, _frame: object) -> None:
        if ttys and not _terminal_open(ttys):  # a signal sent while the terminal stays (kill) keeps it
            _to_null_device(ttys)
        watchdog = threading.Timer(grace, os._exit, (INTERRUPTED_EXIT,))
        watchdog.daemon = True  # a quit that ends in time ends the process with it
        watchdogs.append(watchdog)
        watchdog.start()
        loop.call_soon_threadsafe(callback, signum)

    previous = {sig: signal.signal(sig, interrupted) for sig in SIGNALS if signal.getsignal(sig) != signal.SIG_IGN}
    unwake = _waking(loop)

    def restore() -> None:
        for watchdog in watchdogs:  # the quit ended: the process may go on (a test's, an embedding program's)
            watchdog.cancel()
        if _main_thread():
            unwake()
            for sig, handler in previous.items():
                if handler is not None:  # None: a handler not installed from Python, left as it is
                    signal.signal(sig, handler)

    return restore


def _waking(loop: Any) -> Callable[[], None]:
    """A signal wakes ``loop`` at once, so that its handler runs now: one arriving just before the loop waited
    for its sockets was otherwise handled only when the loop next woke (a quiet loop: minutes; the workstation
    quit late, or a stuck quit never cut). The signal's C handler writes to a wakeup socket the loop watches
    (:func:`signal.set_wakeup_fd`, as asyncio's own signal handlers do). Left as it is where a wakeup is set
    already (Windows' Proactor loop sets its own) or the loop watches no socket. Returns what undoes it."""
    reader, writer = socket.socketpair()
    for end in (reader, writer):
        end.setblocking(False)

    def drain() -> None:
        with contextlib.suppress(OSError):
            reader.recv(4096)

    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    watched = previous == -1
    if not watched:
        signal.set_wakeup_fd(previous)
    else:
        try:
            loop.add_reader(reader.fileno(), drain)
        except NotImplementedError:  # a loop that watches no socket of ours
            signal.set_wakeup_fd(-1)
            watched = False
    if not watched:
        reader.close()
        writer.close()
        return lambda: None

    def unwake() -> None:
        current = signal.set_wakeup_fd(-1)
        if current != writer.fileno():  # another took it since: theirs stays
            signal.set_wakeup_fd(current)
        loop.remove_reader(reader.fileno())  # nothing to remove once the loop has closed
        reader.close()
        writer.close()

    return unwake


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _terminal_open(fds: list[int]) -> bool:
    """Whether one of ``fds`` is still a working terminal (a hung-up one refuses its settings): the quit then
    puts it back as it found it."""
    if os.name != "posix":
        return False
    import termios

    for fd in fds:
        try:
            termios.tcgetattr(fd)
        except (OSError, termios.error):
            continue
        return True
    return False


def _to_null_device(fds: list[int]) -> None:
    """The standard streams of ``fds`` on the null device (the terminal behind them is gone); the others (a pipe
    a parent process reads) are left alone."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        for fd in fds:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
        os.close(null)
