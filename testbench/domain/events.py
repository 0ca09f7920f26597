"""The kinds of event a session records (``events.kind``).

A :class:`~enum.StrEnum`, so a member is stored, compared and serialised as the very string the
session files have always held (``EventKind.CARD_PRESENT == "card-present"``).
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    # a case's cards and their check
    CARD_PRESENT = "card-present"
    CARD_GUARD = "card-guard"
    CARD_REMOVED = "card-removed"  # a card left its reader during a step a person performed: checked again
    # steps
    STEP_START = "step-start"
    STEP_END = "step-end"  # written by the store with the step's observations
    STEP_REFUSED = "step-refused"
    STEP_FAILED = "step-failed"
    MANUAL_PENDING = "manual-pending"
    MANUAL_ATTESTED = "manual-attested"
    # an unfinished operator attempt continued at its first unfinished step (runner.resume)
    ATTEMPT_RESUMED = "attempt-resumed"
    # the bench and the engine process
    BENCH_FAULT = "bench-fault"
    CLOCK_OFFSET = "clock-offset"
    ENGINE_RESTART = "engine-restart"
    ENGINE_STOPPED = "engine-stopped"
    # the engine wrote after its answer (a second answer, a debug print): stopped, blamed on that request
    ENGINE_STRAY_OUTPUT = "engine-stray-output"
    ENGINE_START_FAILED = "engine-start-failed"
    # a trace notification of the engine's that the bench could not store (no line in it): said once per case
    ENGINE_TRACE_REJECTED = "engine-trace-rejected"
    # a card emulator process (PC/SC bay) found dead or mute, and the fresh one that replaced it
    EMULATOR_STOPPED = "emulator-stopped"
    EMULATOR_RESTART = "emulator-restart"
    # a reader the bench could not use (another bench or program holds it) set aside, or a parallel bench left
    # with no usable reader that gave its cases to the others (docs/cards.md §4.1, §4.3)
    READER_SET_ASIDE = "reader-set-aside"
