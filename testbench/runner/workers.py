"""Parallel benches (``run --workers N``): N benches run the campaign's cases, one session writer.

Each worker is a thread with its own bench (card bay on its own reader pair, engine, trace recorder)
and its own :class:`~testbench.runner.runner.Runner`; all of them write through the campaign's single
:class:`~testbench.store.session.SessionStore`, whose writes are serialised by its lock (each write is
whole, so a commit by one worker never holds half of another's). Workers take the next case of the
campaign's order as they become free; the outcomes are returned in that order, so verdicts and report
are those of a serial run (only the attempts' ids and times differ).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from testbench.cards.reader_pools import ReaderSpec, default_pools
from testbench.domain.hooks import Closable
from testbench.domain.verdict import Outcome
from testbench.runner.events import Listener, RunEvent
from testbench.runner.runner import RunSummary

if TYPE_CHECKING:
    from testbench.casebook.model import Case, Casebook
    from testbench.runner.runner import Runner


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
            f"{count} bancs demandés mais pas assez de lecteurs pour : {', '.join(short)}"
            " (TESTBENCH_CARD_READERS ou pcscd.sh start --readers)"
        )
    return [{slot: specs[k : k + 1] for slot, specs in pools.items()} for k in range(count)]


def locked_listener(listener: Listener | None) -> Listener | None:
    """The listener called by one worker at a time (a progress bar is not written by two threads)."""
    if listener is None:
        return None
    lock = threading.Lock()

    def call(event: RunEvent) -> None:
        with lock:
            listener(event)

    return call


def run_parallel(
    runners: Sequence[Runner],
    run_id: int,
    selection: Sequence[tuple[Casebook, Case]],
    stop: threading.Event | None = None,
) -> RunSummary:
    """Run ``selection`` on ``runners`` (one thread each); the summary lists the outcomes in campaign order.

    When ``stop`` is set, no case starts any more (none is cut). A worker's failure to write the session
    stops every worker and is raised once they have all finished their case.
    """
    total = len(selection)
    outcomes: list[Outcome | None] = [None] * total
    lock = threading.Lock()
    state = {"next": 0, "stopped": False}
    errors: list[BaseException] = []

    def take() -> int | None:
        with lock:
            if errors or state["next"] >= total:
                return None
            if stop is not None and stop.is_set():
                state["stopped"] = True
                return None
            index = state["next"]
            state["next"] += 1
            return index

    def work(runner: Runner) -> None:
        try:
            while (index := take()) is not None:
                casebook, case = selection[index]
                outcomes[index] = runner.attempt(run_id, index, total, casebook, case)
        except BaseException as exc:  # the session cannot be written: every worker stops
            with lock:
                errors.append(exc)
        finally:
            runner.recorder.set_context(None, None)
            runner.recorder.flush()
            runner.bay.release()
            # its cases done, a bench lets its readers go while the others finish: each PC/SC bay waits for
            # pcscd to show its readers empty, in parallel here rather than one bench after the other at the
            # end (the campaign's close of the bench then finds the bay closed)
            if isinstance(runner.bay, Closable):
                with contextlib.suppress(Exception):
                    runner.bay.close()

    threads = [threading.Thread(target=work, args=(r,), name=f"bench-{k + 1}") for k, r in enumerate(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    summary = RunSummary(stopped=bool(state["stopped"]))
    summary.outcomes = [(case, out) for (_, case), out in zip(selection, outcomes, strict=True) if out is not None]
    return summary
