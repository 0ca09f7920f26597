"""Parallel benches (``run --workers N``): N benches run the campaign's cases, one session writer.

Each worker is a thread with its own bench (card bay on its own reader pair, engine, trace recorder)
and its own :class:`~testbench.runner.runner.Runner`; all of them write through the campaign's single
:class:`~testbench.store.session.SessionStore`, whose writes are serialised by its lock (each write is
whole, so a commit by one worker never holds half of another's). Workers take the next case of the
campaign's order as they become free; the outcomes are returned in that order, so verdicts and report
are those of a serial run (only the attempts' ids and times differ). A bench whose reader cannot be used
(another bench or program holds it) turns to a reader no worker was given, else gives its case back before
starting it and takes no more: the other benches run its cases (docs/cards.md §4.3).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from testbench.cards.api import CardError, ReaderBusy
from testbench.cards.reader_pools import ReaderSpec, default_pools
from testbench.domain.events import EventKind
from testbench.domain.hooks import Closable
from testbench.domain.verdict import Outcome
from testbench.i18n import _t, tn
from testbench.runner.events import Listener, RunEvent
from testbench.runner.runner import RunSummary

if TYPE_CHECKING:
    from testbench.casebook.model import Case, Casebook
    from testbench.runner.runner import Runner
    from testbench.store.session import SessionStore


#: A parallel bench with no usable reader stops taking cases (the reason last: it may hold « : »).
BENCH_SET_ASIDE = _t("banc {bench} mis de côté, ses cas passent aux autres bancs : {reason}")


def split_pools(count: int, present: Sequence[str] | None = None) -> list[dict[str, list[ReaderSpec]]]:
    """The reader pair of each of ``count`` workers: worker k takes reader k of every slot, and only it.

    One reader per slot, because a bay whose slot has one reader changes an emulated card inside it
    (about 1 ms, docs/cards.md §4.2), whereas spares are worth their remove + insert cycle only when the
    next case's card is prepared in them, and a worker does not know its next case. ``present`` (the
    readers pcscd lists) drops the readers that do not exist first. Raises :class:`ValueError` (French)
    when a slot has fewer readers than workers.
    """
    pools = default_pools()
    if present is not None:
        pools = {slot: [r for r in specs if r.name in present] for slot, specs in pools.items()}
    short = sorted(slot for slot, specs in pools.items() if len(specs) < count)
    if short:
        raise ValueError(
            tn(
                "{count} banc demandé mais pas assez de lecteurs pour : {slots}"
                " (TESTBENCH_CARD_READERS ou pcscd.sh start --readers)",
                "{count} bancs demandés mais pas assez de lecteurs pour : {slots}"
                " (TESTBENCH_CARD_READERS ou pcscd.sh start --readers)",
                count,
                "fr",  # the campaign's error, read in the person's language where it is shown
                slots=", ".join(short),
            )
        )
    return [{slot: specs[k : k + 1] for slot, specs in pools.items()} for k in range(count)]


def reserve_readers(count: int, present: Sequence[str] | None = None) -> dict[str, list[ReaderSpec]]:
    """The readers of each slot that none of ``count`` workers was given (:func:`split_pools`): a worker whose
    own reader cannot be used turns to them (their port lock keeps two benches off one of them)."""
    pools = default_pools()
    if present is not None:
        pools = {slot: [r for r in specs if r.name in present] for slot, specs in pools.items()}
    return {slot: specs[count:] for slot, specs in pools.items()}


def locked_listener(listener: Listener | None) -> Listener | None:
    """The listener called by one worker at a time (a progress bar is not written by two threads)."""
    if listener is None:
        return None
    lock = threading.Lock()

    def call(event: RunEvent) -> None:
        with lock:
            listener(event)

    return call


class Interrupted(BaseException):
    """Raised in a worker once its run is interrupted: the case under way stops at its next write.

    A :class:`BaseException`, like the ``KeyboardInterrupt`` that stops a serial run's case, so the runner's
    "a bench fault must not stop the campaign" does not turn it into a verdict.
    """


#: The signals whose wakeup byte interrupts the run: ^C, and a CI's cancel (SIGTERM, which ``testbench run``
#: handles as ^C: testbench.interrupts.terminate_as_interrupt)
_INTERRUPTING = frozenset({int(signal.SIGINT), int(signal.SIGTERM)})


class Interruption:
    """Whether the run was interrupted (^C or SIGTERM), known in every worker as soon as the signal arrives.

    A ^C reaches the bench's process group, not the engines (each in a group of its own): the workers' engines
    are killed when the main thread gets it (:func:`_abort_engines`). Python runs its handler in the main thread
    only, at its next bytecode, which may come after a worker saw its engine or card go; but the signal's C
    handler writes to a wakeup socket at once (:func:`signal.set_wakeup_fd`, portable with a socket), which
    :meth:`is_set` reads, so a worker knows of the ^C before it can record what the ^C caused.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._wakeup: socket.socket | None = None

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        if not self._event.is_set() and self._wakeup is not None:
            with contextlib.suppress(OSError):  # nothing received (or no longer watching)
                if not _INTERRUPTING.isdisjoint(self._wakeup.recv(64)):
                    self._event.set()
        return self._event.is_set()

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        """Receive the signals' wakeup bytes while the workers run (in the main thread only: elsewhere, as in
        the workstation's run thread, there is no ^C to watch)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        self._wakeup = reader
        try:
            yield
        finally:
            signal.set_wakeup_fd(previous)
            self._wakeup = None
            reader.close()
            writer.close()


class WorkerStore:
    """The session as one worker's runner sees it: once the run is interrupted, every use raises
    :class:`Interrupted`.

    Behind this gate the case under way writes nothing more — in particular not what the ^C caused (an
    engine fault, an unavailable card) as its verdict, which ``--resume`` would keep — and stays without a
    verdict, as a serial run's case does, for ``--resume`` to run again.
    """

    def __init__(self, store: SessionStore, interruption: Interruption) -> None:
        self._store = store
        self._interruption = interruption

    def __getattr__(self, name: str) -> Any:
        if self._interruption.is_set():
            raise Interrupted
        return getattr(self._store, name)


def run_parallel(
    runners: Sequence[Runner],
    run_id: int,
    selection: Sequence[tuple[Casebook, Case]],
    stop: threading.Event | None = None,
    interruption: Interruption | None = None,
    notify: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run ``selection`` on ``runners`` (one thread each); the summary lists the outcomes in campaign order.

    When ``stop`` is set, no case starts any more (none is cut). A worker's failure to write the session
    stops every worker and is raised once they have all finished their case. A ``KeyboardInterrupt`` (^C)
    sets ``interruption`` (the gate of the runners' :class:`WorkerStore`) and is raised once every worker
    has left its case, so nothing writes to the session after the campaign closes it.

    Before each case a worker has its bay check the readers the case needs (a PC/SC bay's ``ready``). A bench
    left with no usable reader gives the case back, unstarted, and stops (said through ``notify`` and recorded
    as a ``reader-set-aside`` event of the run); the others take its cases, so none is lost or run twice. The
    last bench keeps its cases: they end « carte indisponible » with the reader's reason, as in a serial run.
    """
    total = len(selection)
    outcomes: list[Outcome | None] = [None] * total
    lock = threading.Condition()
    # next: the next case never taken; returned: cases given back unstarted; checking: cases taken whose bench
    # still checks its readers (one may come back); active: benches still taking cases
    state = {"next": 0, "stopped": False, "checking": 0, "active": len(runners)}
    returned: list[int] = []
    errors: list[BaseException] = []
    interrupted = interruption or Interruption()

    def take() -> int | None:
        with lock:
            while True:
                if errors or interrupted.is_set():
                    return None
                if returned or state["next"] < total:
                    if stop is not None and stop.is_set():
                        state["stopped"] = True
                        return None
                    break
                if not state["checking"]:
                    return None
                lock.wait(0.05)  # a bench checking its readers may give its case back
            if returned:
                index = min(returned)  # the campaign's order
                returned.remove(index)
            else:
                index = state["next"]
                state["next"] += 1
            state["checking"] += 1
            return index

    def keeps(runner: Runner, number: int, index: int) -> bool:
        """Whether this bench runs case ``index``: False when it gave the case back and stops."""
        ready = getattr(runner.bay, "ready", None)
        try:
            slots = [req.slot for req in selection[index][1].cards] if ready is not None else []
            if not slots:
                return True
            with lock:
                last = state["active"] == 1
            try:
                ready(slots, wait=last)  # only the last bench waits for a reader another bench holds
            except ReaderBusy as exc:
                with lock:
                    if state["active"] == 1:
                        return True  # no bench to give it to: the case says why the reader cannot be used
                    state["active"] -= 1
                    returned.append(index)
                message = BENCH_SET_ASIDE.format(bench=number, reason=exc)
                if notify is not None:
                    notify(message)
                runner.recorder.set_context(None, None)
                runner.recorder.bench(message)
                runner.store.add_event(EventKind.READER_SET_ASIDE, {"bench": number, "message": message}, run_id=run_id)
                return False
            except CardError:
                pass  # not the reader's fault (pcscd, an emulator): the case meets it and says it
            return True
        finally:
            with lock:
                state["checking"] -= 1
                lock.notify_all()

    def work(runner: Runner, number: int) -> None:
        try:
            while (index := take()) is not None:
                if not keeps(runner, number, index):
                    break
                casebook, case = selection[index]
                outcomes[index] = runner.attempt(run_id, index, total, casebook, case)
        except Interrupted:
            pass  # the case under way stays without a verdict
        except BaseException as exc:  # the session cannot be written: every worker stops
            with lock:
                errors.append(exc)
        finally:
            _leave(runner, errors, lock)

    threads = [threading.Thread(target=work, args=(r, k + 1), name=f"bench-{k + 1}") for k, r in enumerate(runners)]
    interrupt: KeyboardInterrupt | None = None
    with interrupted.watching():
        try:
            for thread in threads:
                thread.start()
        except KeyboardInterrupt as exc:
            interrupted.set()
            _abort_engines(runners)
            interrupt = exc
        interrupt = _join(threads, interrupted, lambda: _abort_engines(runners)) or interrupt
    if interrupt is not None:
        raise interrupt
    if errors:
        raise errors[0]
    summary = RunSummary(stopped=bool(state["stopped"]))
    summary.outcomes = [(case, out) for (_, case), out in zip(selection, outcomes, strict=True) if out is not None]
    return summary


def _leave(runner: Runner, errors: list[BaseException], lock: threading.Condition) -> None:
    """A worker's end: its traced lines written, its readers let go; a failure is kept, never raised in the
    thread (it would print a traceback)."""
    try:
        runner.recorder.set_context(None, None)
        runner.recorder.flush()
    except Exception as exc:  # a full disk: the campaign says it once the workers are done
        with lock:
            errors.append(exc)
    with contextlib.suppress(Exception):
        runner.bay.release()
    # its cases done, a bench lets its readers go while the others finish: each PC/SC bay waits for pcscd
    # to show its readers empty, in parallel here rather than one bench after the other at the end (the
    # campaign's close of the bench then finds the bay closed)
    if isinstance(runner.bay, Closable):
        with contextlib.suppress(Exception):
            runner.bay.close()


def _abort_engines(runners: Sequence[Runner]) -> None:
    """Kill every bench's engine process at once (the run interrupted): a worker waiting on an engine call would
    otherwise wait for its timeout, the signal never reaching an engine in its own process group."""
    for runner in runners:
        abort = getattr(runner.engine, "abort", None)
        if abort is not None:
            with contextlib.suppress(Exception):
                abort()


def _join(
    threads: Sequence[threading.Thread], interrupted: Interruption, on_interrupt: Callable[[], None]
) -> KeyboardInterrupt | None:
    """Wait for every worker (started or not); a ^C (here, in the main thread) sets ``interrupted``, calls
    ``on_interrupt`` and is returned once they have all stopped — a further ^C only waits on: the cases stop at
    their next write."""
    interrupt: KeyboardInterrupt | None = None
    for thread in threads:
        while thread.is_alive():
            try:
                thread.join()
            except KeyboardInterrupt as exc:
                interrupted.set()
                on_interrupt()
                interrupt = interrupt or exc
    return interrupt
