"""Continuing an operator attempt at its first unfinished step instead of starting the case again.

In operator mode a person performs the steps in the editor's application, which keeps what was done
there (an invoice made, a lot built). When such an attempt stops midway — the workstation quit, the
process killed, a step left pending — running the case again from its first step would ask the person to
do again in the application what is already done. So the bench continues the same attempt: the steps
already recorded (their attestations, the values read and accepted) stay as they are and count once, and
the case goes on at its first step not finished. ``testbench run --resume`` and the workstation's ``r``
both ask :func:`continuation` which attempt may be continued and where; the runner does it
(:meth:`~testbench.runner.runner.Runner.attempt`). An attempt of another engine starts again (its engine's
state of that attempt is gone), as does one a reviewer signed for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from testbench.casebook.model import Case, ExpectationKind, StepKind
from testbench.domain.events import EventKind
from testbench.domain.verdict import Verdict
from testbench.runner.options import OPERATOR_ENGINE  # its attempts continue: the application keeps its steps
from testbench.store.read import CaseView, SessionView
from testbench.traces.model import TraceLine

#: the session's meta key of the output folders as they were when the latest operator step began
#: (:func:`step_files_record`): the step a closed bench interrupted is the latest one begun, so this key names it
#: (:func:`interrupted`) and what the application wrote while the bench was closed is measured from it. One key,
#: overwritten by each step: every write to the session's meta is chained as the whole table
STEP_FILES_META = "operator_step_files"
#: the session's meta key of what the application wrote while the bench was closed, per interrupted attempt
#: (:func:`gap_record`): the step that goes on counts those files as new whatever ran in between, and the later
#: steps do not overwrite it; an entry goes when its step ends (:func:`gap_cleared`)
GAP_META = "operator_gap"


def step_files_record(attempt_id: int, step_id: str, files: Mapping[str, Any]) -> str:
    """What :data:`STEP_FILES_META` keeps: the attempt, its step and its folders' files as they were (JSON)."""
    return json.dumps({"attempt": attempt_id, "step": step_id, "files": files}, ensure_ascii=False)


@dataclass(frozen=True)
class Interrupted:
    """The operator step the bench was closed on: the latest begun, its attempt unfinished, the step not ended."""

    attempt_id: int
    number: int  # the attempt's number among the case's attempts
    case_id: str
    step: str
    files: Mapping[str, Any]  # its folders' files as it found them when it began (:func:`step_files_record`)
    #: the cases' latest attempts without a final verdict: those whose gap entries :func:`gap_record` keeps
    open_attempts: frozenset[int] = frozenset()


def _json(text: str | None) -> Any:
    try:
        return json.loads(text or "null")
    except ValueError:
        return None


def step_finished(status: str, *, manual: bool, refusal_expected: bool) -> bool:
    """Whether a step of an operator attempt is finished, the one rule of both :func:`interrupted` (no gap for a
    finished step) and :func:`continuation` (its first step not finished is asked again): an action step ended (or
    refused as its case expects), a manual step confirmed. An action step « confirmed » is attested, its outputs
    still awaited: the bench closed then, the step is not finished and what the application writes is its own."""
    if status == "refused":
        return refusal_expected
    return status == ("confirmed" if manual else "done")


def interrupted(session: SessionView) -> Interrupted | None:
    """The step :data:`STEP_FILES_META` names, when it is still to be done: its attempt is its case's latest, has
    no final verdict, and the step was not finished (None otherwise, or when the key is unreadable)."""
    record = _json(session.meta.get(STEP_FILES_META))
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return None
    attempt_id, step = record.get("attempt"), record.get("step")
    for view in session.cases:
        latest = view.latest
        if latest is None or latest.id != attempt_id:
            continue
        if Verdict(latest.verdict).is_final:
            return None
        states = {state.id: state.status for state in session.steps(view, latest)}
        definition = view.definition
        kinds = {str(s.get("id")): str(s.get("kind", "")) for s in definition.get("steps", []) if isinstance(s, dict)}
        refusals = {
            str(e.get("step"))
            for e in definition.get("expectations", [])
            if isinstance(e, dict) and e.get("kind") == ExpectationKind.REFUSAL.value
        }
        manual = kinds.get(str(step)) == StepKind.MANUAL.value
        if step_finished(states.get(str(step), "not-run"), manual=manual, refusal_expected=str(step) in refusals):
            return None
        latest_ids = (v.latest for v in session.cases)
        still = frozenset(a.id for a in latest_ids if a is not None and not Verdict(a.verdict).is_final)
        return Interrupted(latest.id, latest.number, view.case_id, str(step), dict(record["files"]), still)
    return None


def gap_record(text: str | None, gap: Interrupted, files: Mapping[str, Any]) -> str:
    """:data:`GAP_META` (``text``) with ``gap``'s entry set to ``files`` (what was written while the bench was
    closed, :func:`~testbench.engines.operator.assisted.snapshot_record`); the entries of attempts no longer open
    (finished, or their case started again) are dropped."""
    entries = _json(text)
    keep = gap.open_attempts
    entries = {k: v for k, v in entries.items() if k.isdigit() and int(k) in keep} if isinstance(entries, dict) else {}
    entries[str(gap.attempt_id)] = {"step": gap.step, "files": dict(files)}
    return json.dumps(entries, ensure_ascii=False)


def gap_files(text: str | None, attempt_id: int, step_id: str) -> Mapping[str, Any] | None:
    """The files :data:`GAP_META` (``text``) gives the step ``step_id`` of the attempt; None when none."""
    entries = _json(text)
    entry = entries.get(str(attempt_id)) if isinstance(entries, dict) else None
    if not isinstance(entry, dict) or entry.get("step") != step_id or not isinstance(entry.get("files"), dict):
        return None
    return dict(entry["files"])


def gap_cleared(text: str | None, attempt_id: int, step_id: str) -> str | None:
    """:data:`GAP_META` (``text``) without the attempt's entry once ``step_id`` ended; None when it had none."""
    entries = _json(text)
    if gap_files(text, attempt_id, step_id) is None or not isinstance(entries, dict):
        return None
    entries.pop(str(attempt_id), None)
    return json.dumps(entries, ensure_ascii=False)


@dataclass(frozen=True)
class Continuation:
    """An unfinished attempt the bench continues: where it stopped and what its finished steps recorded."""

    attempt_id: int
    number: int  # the attempt's number among the case's attempts
    reason: str  # why it stopped, as recorded (French)
    done: tuple[str, ...]  # the steps finished, the case's first ones in its order
    following: str  # the step it continues at (« — » when every step was finished)
    values: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # step id → its values (path → value)
    refusals: Mapping[str, str] = field(default_factory=dict)  # step id → the refusal code a case expected
    services_failed: frozenset[str] = frozenset()  # the finished steps whose téléservice really failed
    lines: tuple[TraceLine, ...] = ()  # the attempt's trace so far (its trace expectations read all of it)

    @property
    def step(self) -> str | None:
        """The step it continues at; None when every step was finished."""
        return None if self.following == "—" else self.following

    @property
    def step_lines(self) -> tuple[TraceLine, ...]:
        """The lines the step it continues at had before it stopped: that step's extractors read them too."""
        return tuple(line for line in self.lines if line.step_id is not None and line.step_id == self.step)

    @property
    def position(self) -> int:
        """The step it continues at, counted from 1 (one past the last step, when all were finished)."""
        return len(self.done) + 1

    @property
    def offers_a_choice(self) -> bool:
        """Whether continuing differs from starting again: only when a step was finished (with none, the
        attempt simply goes on at step 1 and there is nothing to ask)."""
        return bool(self.done)

    def notice(self, case_id: str) -> str:
        """What a person is told before the case goes on (French, read in their language)."""
        if not self.done:
            return f"{case_id} : la tentative {self.number} reprend à l'étape 1 (aucune étape n'était faite)"
        if self.step is None:  # stopped after its last step, before its verdict: it is concluded, no step is run
            return (
                f"{case_id} : la tentative {self.number} est conclue, toutes ses étapes étaient faites"
                f" ({', '.join(self.done)}) ; elles sont gardées"
            )
        return (
            f"{case_id} : la tentative {self.number} continue à l'étape {self.position} ; ses étapes déjà faites"
            f" ({', '.join(self.done)}) sont gardées"
        )

    def record(self) -> str:
        """The trace line the runner writes when it reopens the attempt."""
        number, position, step, done = self.number, self.position, self.following, ", ".join(self.done)
        if not done:
            return f"tentative {number} reprise à l'étape {position} ({step}) : aucune étape n'était faite"
        if self.step is None:
            return f"tentative {number} conclue : toutes ses étapes étaient faites, gardées : {done}"
        return f"tentative {number} reprise à l'étape {position} ({step}) : étapes déjà faites gardées : {done}"


def continuation(session: SessionView, view: CaseView | None, case: Case, engine: str) -> Continuation | None:
    """How the case's latest attempt continues on a bench of ``engine``; None when the case starts again.

    An attempt continues when it stopped without a final verdict (killed, or a step left pending), it was
    run in operator mode and the bench is in operator mode, and no review was signed for it. Its finished
    steps are its first ones whose record is whole: an action step ended (or refused as the case expects),
    a manual step confirmed; the first step not so (begun, attested but not ended, pending) is done again.
    """
    latest = view.latest if view is not None else None
    if engine != OPERATOR_ENGINE or latest is None or view is None:
        return None
    if Verdict(latest.verdict).is_final or not latest.reason:
        return None
    run = next((r for r in session.runs if r["id"] == latest.run_id), None)
    if run is None or (run.get("options") or {}).get("engine") != OPERATOR_ENGINE:
        return None
    if any(note.attempt_number == latest.number for note in view.annotations):
        return None
    events = session.events(latest.id)
    states = {state.id: state for state in session.steps(view, latest, events)}
    expected_refusals = {e.step for e in case.expectations if e.kind is ExpectationKind.REFUSAL}
    done: list[str] = []
    for step in case.steps:
        state = states.get(step.id)
        status = state.status if state is not None else "not-run"
        manual = step.kind is StepKind.MANUAL
        if not step_finished(status, manual=manual, refusal_expected=step.id in expected_refusals):
            break
        done.append(step.id)
    values: dict[str, dict[str, Any]] = {}
    for row in session.observations(latest.id):
        if row["step_id"] in done:
            values.setdefault(row["step_id"], {})[row["path"]] = row["value"]
    refused = [ev for ev in events if ev["kind"] == EventKind.STEP_REFUSED and ev["step_id"] in done]
    refusals = {str(ev["step_id"]): str((ev["data"] or {}).get("code", "")) for ev in refused}
    # a session written before the flag: a service failure code was the service's failure (the rule then)
    failed = frozenset(str(ev["step_id"]) for ev in refused if (ev["data"] or {}).get("service_failed", True))
    lines = tuple(session.trace_lines(latest.id))
    following = case.steps[len(done)].id if len(done) < len(case.steps) else "—"
    return Continuation(
        latest.id, latest.number, latest.reason, tuple(done), following, values, refusals, failed, lines
    )
