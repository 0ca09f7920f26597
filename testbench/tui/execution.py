"""Run chosen cases of a session from the workstation (no Textual; called in a worker thread).

At the workstation the examiner picks one case, a filtered set or "the rest", each time as new
attempts in the same session, and may stop between cases. The cases run through the campaign that
``testbench run`` uses (:class:`~testbench.runner.campaign.Campaign`), with the same options: the
bench, the capture of the application's traces (``--app-log``, ``--syslog``), the identity of the
product under test. The store connection is opened, used and closed in the calling thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testbench.casebook.model import Case, Casebook
from testbench.domain.attestation import Operator
from testbench.runner.assemble import Bench, assembled_bench
from testbench.runner.campaign import BenchFactory, Campaign, CampaignError, CampaignResult
from testbench.runner.events import Listener
from testbench.runner.manual import HeadlessOperator
from testbench.runner.options import CampaignOptions
from testbench.store.connection import SESSION_VANISHED_WORKSTATION

__all__ = [
    "BenchFactory",
    "Refusal",
    "RunCut",
    "RunOutcome",
    "assembled_bench",
    "check_options",
    "cut_run",
    "run_cases",
    "run_command",
]

#: What a run from the workstation gives back (run id, cases run, this run's verdicts, stopped or not).
RunOutcome = CampaignResult


def run_cases(
    session: Path,
    casebooks: Sequence[Casebook],
    targets: Sequence[tuple[Casebook, Case]],
    *,
    bench_factory: BenchFactory | None = None,
    operator: Operator,
    options: CampaignOptions | None = None,
    listener: Listener | None = None,
    stop: threading.Event | None = None,
    restart: Collection[tuple[str, str]] = (),
    argv: Sequence[str] | None = None,
    benches: list[Bench] | None = None,
) -> RunOutcome:
    """Run ``targets`` in order as new attempts of ``session`` (an unfinished operator attempt goes on at its
    first unfinished step, unless its case is in ``restart``); stop between cases when asked.

    Without ``bench_factory`` (``testbench ui``) the campaign assembles its benches from ``options`` as
    ``testbench run`` does: with several (``options.workers``) each takes its own reader pair. A given
    factory (tests, a fake bench) builds every bench.

    The run records the workstation's command line as it was launched (``argv``, ``sys.argv`` by default) and
    then, after ``#``, the cases it ran (:func:`run_command`). Each bench it builds is added to ``benches``: what
    :func:`cut_run` stops when the workstation quits without waiting for the case under way.
    """
    campaign = Campaign(
        casebooks,
        session,
        options,
        operator=operator,
        listener=listener,
        notify=operator.notify,
        bench_factory=bench_factory,
        argv=run_command(sys.argv if argv is None else argv, targets),
    )
    if benches is not None:
        build = campaign.bench_factory

        def kept(*parts: Any) -> Bench:
            bench = build(*parts)
            benches.append(bench)
            return bench

        campaign.bench_factory = kept
    try:
        return campaign.run(targets, stop, restart=restart)
    except CampaignError as exc:
        if exc.vanished is None:
            raise
        # the workstation's advice: reopen the session here, no command to type
        raise CampaignError([SESSION_VANISHED_WORKSTATION.format(path=exc.vanished)], exc.exit_code) from None


class RunCut(KeyboardInterrupt):
    """Raised in a run's thread by :func:`cut_run`: the run stops there as ^C stops ``testbench run``, its case under
    way left without a verdict (« interrompue » once the session is opened again), its benches closed."""


def cut_run(thread_id: int | None, benches: Sequence[Bench]) -> None:
    """Stop the run in thread ``thread_id`` now rather than at its case's end (the workstation quitting, its terminal
    closed): :class:`RunCut` is raised in that thread at its next Python instruction, and each bench's engine
    process is killed, so that a call waiting on it (an engine that never answers) returns at once instead of at
    ``--engine-timeout``. Nothing when no run is under way."""
    if thread_id is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(RunCut))
    for bench in benches:
        pid = getattr(bench.engine, "pid", None)
        if not isinstance(pid, int) or not getattr(bench.engine, "running", False):  # an engine in this process
            continue  # (inprocess, operator) or none up: the exception stops the run
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                os.kill(pid, signal.SIGTERM)  # TerminateProcess
            else:  # the engine leads its process group (the protocol client starts it so)
                os.killpg(pid, signal.SIGKILL)


def run_command(argv: Sequence[str], targets: Sequence[tuple[Casebook, Case]]) -> list[str]:
    """A workstation run's command line as recorded: the one typed to open the workstation, then what it ran,
    as a shell comment (« testbench ui exam.xml --engine operator … # EXAM-LPP-001 »): never a command nobody
    typed."""
    from testbench.report.labels import COMMENT  # the report reads the cases after it as a comment

    return [*argv, COMMENT, *(case.id for _, case in targets)]


@dataclass(frozen=True)
class Refusal:
    """One thing the campaign refuses in its options: its words (naming ``run``'s flag, as the CLI says them),
    and, when it is one option's value, that option and the words without it (a window names its field)."""

    line: str
    option: str | None = None
    why: str = ""


def check_options(session: Path, casebooks: Sequence[Casebook], options: CampaignOptions) -> list[Refusal]:
    """What the campaign refuses in ``options`` before it runs (several benches while the application under
    test is followed, fewer than one bench), in its own words; nothing is opened nor assembled."""
    try:
        Campaign(casebooks, session, options, operator=HeadlessOperator())
    except CampaignError as exc:
        option = {line: o for line in exc.lines for o in exc.by_option if line.startswith(f"{o} ")}
        return [Refusal(line, option.get(line), exc.by_option.get(option.get(line, ""), "")) for line in exc.lines]
    return []
