"""The runner: runs selected cases in order and gives each a verdict from its observations.

It talks to cards and engines only through their interfaces (``CardBay``, ``Engine``), records
everything in the session store as it happens, and never lets one case's failure stop the campaign.
A case's writes are one batch of the store, committed at each step's end and when the case ends;
what a person attests is committed at once (the store's rule, ``testbench.store.session``).
"""

from __future__ import annotations

import contextlib
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from testbench.cards.api import (
    CardAbsent,
    CardBay,
    CardError,
    CardMismatch,
    CardNotInserted,
    CardPresence,
    CardWaitStopped,
)
from testbench.casebook.model import Case, Casebook, ExpectationKind, StepKind
from testbench.domain.attestation import Attestation, Operator, attest
from testbench.domain.events import EventKind
from testbench.domain.hooks import (
    CardsPresented,
    CaseBounded,
    NamedReaders,
    OperatorDriven,
    Preparing,
    PresenceAware,
)
from testbench.domain.observe import canonical, flatten, unflatten
from testbench.domain.refusal import EngineError, EngineRefusal
from testbench.domain.verdict import Outcome, Verdict
from testbench.domain.vocabulary import TELESERVICE_INVALID_ANSWER, TELESERVICE_UNAVAILABLE
from testbench.engines.api import (
    Engine,
    EngineCardDenied,
    EngineCrash,
    EngineProtocolError,
    EngineTimeout,
    EngineUnavailable,
)
from testbench.engines.operator.assisted import (
    ExtractionFailed,
    ObservationOrigins,
    StepNotes,
    conflicts_said,
    explained,
)
from testbench.engines.operator.mode import OperatorPending
from testbench.engines.operator.values import as_recorded
from testbench.fmt import os_reason
from testbench.i18n import _t, tn
from testbench.runner import actions
from testbench.runner.blame import engine_fault
from testbench.runner.compare import Comparison, evaluate
from testbench.runner.events import CaseFinished, CaseStarted, Listener, RunEvent, StepFinished, StepStarted
from testbench.runner.manual import HeadlessOperator
from testbench.runner.reasons import counted, with_others
from testbench.runner.resume import Continuation
from testbench.runner.teleservices import Services, ServicesDown
from testbench.runner.tracing import TraceRecorder
from testbench.services import process as services_process
from testbench.store.connection import SessionWriteError
from testbench.store.model import stopped_status
from testbench.store.session import SessionStore

#: Checks the cards of a case once they are present; raises CardMismatch or CardUnavailable.
CardGuard = Callable[[CardBay, Casebook, Case], Any]
#: how many times a case's cards are asked for again after one was pulled out while the guard read it (a
#: reader that keeps losing its card then ends the case as any card trouble does)
PULLED_DURING_GUARD = 3
PULLED_DURING_GUARD_SAID = _t("carte retirée pendant son contrôle, avant le début du cas : demandée de nouveau")


def bench_fault_reason(exc: Exception) -> str:
    """A case's reason when the bench failed under it, in French like every reason: the system's words for a
    file or a device it refused, else that testbench failed — its call stack, with the defect's kind, is in the
    session's journal (event ``bench-fault``) — never a Python class name or repr (« KeyError: 'x' »): the
    reason reaches the exam book's reader."""
    if isinstance(exc, OSError):
        where = f"{exc.filename} : " if exc.filename else ""
        return f"défaut du banc : {where}{os_reason(exc)}"
    return "défaut du banc : erreur interne de testbench ; sa pile d'appels est dans le journal de la session"


class _Watched:
    """The simulators as a step uses them. One there when the step set its scenario and gone once the step
    settled (killed for not answering the bench's mark, or stopped) leaves the step's answer unjudgeable, an
    expected TELESERVICE_UNAVAILABLE included: :class:`ServicesDown`, the case inconclusive
    (docs/teleservices.md § Verdicts). ``failed``: whether the service really failed the step (a fault injected,
    or an exchange without an answer or with a 5xx), so that a TELESERVICE_UNAVAILABLE the product invents is
    its failure, never the service's."""

    def __init__(self, inner: Services) -> None:
        self.inner = inner
        self.failed = False  # reset by the runner at each step's start

    def configure(
        self, service: str, scenario: str | None, fault: str = "none", identity: dict[str, Any] | None = None
    ) -> None:
        self.failed = (fault or "none") != "none"
        self.inner.configure(service, scenario, fault, identity)

    def url(self, service: str) -> str:
        return self.inner.url(service)

    def settle(self, timeout: float = 2.0) -> None:
        self.inner.settle(timeout)
        self.failed = self.failed or bool(getattr(self.inner, "failed", False))  # the exchanges it read
        if getattr(self.inner, "running", True):
            return
        ensure = getattr(self.inner, "ensure", None)
        if ensure is not None and getattr(self.inner, "port", None) is not None:
            ensure()  # it died during the step: how, said here once (ServicesDown), not to the next step
        # killed by settle: its mark unanswered
        raise ServicesDown(services_process.UNANSWERED.format(seconds=services_process.CONTROL_TIMEOUT))


@dataclass
class RunSummary:
    """What a run gave: each case run with its outcome, and whether it was asked to stop."""

    outcomes: list[tuple[Case, Outcome]] = field(default_factory=list)
    stopped: bool = False  # asked to stop before every case had run

    def counts(self) -> dict[Verdict, int]:
        out: dict[Verdict, int] = {}
        for _, outcome in self.outcomes:
            out[outcome.verdict] = out.get(outcome.verdict, 0) + 1
        return out


def _stop(outcome: Outcome) -> bool:
    return outcome.verdict in (Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.FAIL, Verdict.PENDING)


def _with_comparisons(outcome: Outcome, comparisons: list[Comparison], stopped: list[str] | None) -> Outcome:
    """The case's outcome once its failed expectations are in: the worst one's reason (the first of its verdict,
    unless a step's came first), followed by how many other expectations failed (« (et 2 autres écarts) »).

    ``stopped``: the steps a stopped case finished (``None``: it ran to its end). An expectation of a step it
    never finished failed because it stopped, like a value not evaluated: not counted as one more deviation.
    """
    named = None
    failed = [comp for comp in comparisons if comp.outcome.severity > Verdict.PASS.severity]
    for comp in failed:
        worse = outcome.worsen(Outcome(comp.outcome, f"{comp.expectation_id} : {comp.message}"))
        if worse is not outcome:
            named, outcome = comp, worse
    reached = [comp for comp in failed if counted(comp.step, stopped)]
    return with_others(outcome, sum(comp is not named for comp in reached))


class Runner:
    def __init__(
        self,
        store: SessionStore,
        engine: Engine,
        bay: CardBay,
        recorder: TraceRecorder,
        *,
        operator: Operator | None = None,
        guard: CardGuard | None = None,
        listener: Listener | None = None,
        services: Services | None = None,
        product_engine: bool = False,
    ) -> None:
        """``product_engine``: the engine is the product under test (an external one), so its faults fail the
        case (:mod:`.blame`)."""
        self.store = store
        self.product_engine = product_engine
        self.services = services
        self.engine = engine
        self.bay = bay
        self.recorder = recorder
        self.operator = operator or HeadlessOperator()
        self.guard = guard
        self.listener = listener
        self._session_tag = (store.meta("session_id") or "session")[:8]
        # operator mode: the engine asks the operator, and its observations carry its own source
        self._driven = engine if isinstance(engine, OperatorDriven) else None
        if self._driven is not None:
            self._driven.attach_operator(self.operator, self._operator_attested)
        self._source = self._driven.observation_source if self._driven is not None else "engine"
        # assisted operator mode: each observation its own source (extraction, operator, correction) and provenance
        self._origins = engine if isinstance(engine, ObservationOrigins) else None
        self._notes: dict[str, StepNotes] = {}  # the case's steps' extraction notes (assisted mode), by step
        # an engine that restarts (out of process) says when: each restart is recorded with its case, and a
        # restart inside a case is refused by the engine (the case errs) rather than hidden
        self._attempt_id: int | None = None
        self._bounded = engine if isinstance(engine, CaseBounded) else None
        self._presented = engine if isinstance(engine, CardsPresented) else None  # --engine-cards profiles
        if self._bounded is not None:
            self._bounded.attach_lifecycle(self._process_event)
        if callable(getattr(bay, "attach_lifecycle", None)):  # a bay's card emulator processes say so too
            bay.attach_lifecycle(self._process_event)  # type: ignore[attr-defined]
        self._named = bay if isinstance(bay, NamedReaders) else None  # the reader's name is recorded
        self._preparing = bay if isinstance(bay, Preparing) else None  # the next case's cards readied early
        self._presence = bay if isinstance(bay, PresenceAware) else None  # a card pulled during a person's step
        #: (casebook sha256, case id) → the unfinished attempt a run of that case continues (runner.resume)
        self.continuing: dict[tuple[str, str], Continuation] = {}
        self._held: dict[str, CardPresence] = {}  # slot → its card's presence as the guard accepted it
        self._unchecked: set[str] = set()  # slots whose card left its reader since: checked before it is read
        #: the comparisons of the last case this runner ended that its reason counts, as recorded (the pytest
        #: plugin's report lists its every deviation, :func:`testbench.runner.reasons.detail_lines`)
        self.last_comparisons: list[dict[str, Any]] = []

    def _emit(self, event: RunEvent) -> None:
        if self.listener is not None:
            self.listener(event)

    def run(
        self, run_id: int, selection: Sequence[tuple[Casebook, Case]], stop: threading.Event | None = None
    ) -> RunSummary:
        """Run ``selection`` in order; when ``stop`` is set, stop before the next case (never inside one)."""
        summary = RunSummary()
        total = len(selection)
        if callable(getattr(self.bay, "stop_on", None)):  # a physical reader's wait for a card ends at a stop
            self.bay.stop_on(stop)  # type: ignore[attr-defined]
        try:
            for index, (casebook, case) in enumerate(selection):
                if stop is not None and stop.is_set():
                    summary.stopped = True
                    break
                upcoming = selection[index + 1] if index + 1 < total else None
                summary.outcomes.append((case, self.attempt(run_id, index, total, casebook, case, upcoming)))
        finally:
            self.recorder.set_context(None, None)
            self.bay.release()
        return summary

    def attempt(
        self,
        run_id: int,
        index: int,
        total: int,
        casebook: Casebook,
        case: Case,
        upcoming: tuple[Casebook, Case] | None = None,
    ) -> Outcome:
        """Case ``index`` of ``total`` of the campaign: its attempt recorded and run, the listener told of its
        start and end (a serial run and each parallel worker alike). A case in :attr:`continuing` goes on in
        its unfinished attempt, from its first unfinished step."""
        resumed = self.continuing.pop((casebook.sha256, case.id), None)
        with self.store.batch():  # the attempt's start is committed with its first step
            if resumed is None:
                attempt_id = self.store.start_attempt(run_id, casebook.sha256, case.id)
            else:
                attempt_id = resumed.attempt_id
                self.store.reopen_attempt(attempt_id)
            self._emit(CaseStarted(case, index, total, attempt_id))
            outcome = self.run_case(attempt_id, casebook, case, upcoming, resumed)
        self._emit(CaseFinished(case, index, total, outcome, attempt_id))
        return outcome

    def run_case(
        self,
        attempt_id: int,
        casebook: Casebook,
        case: Case,
        upcoming: tuple[Casebook, Case] | None = None,
        resumed: Continuation | None = None,
    ) -> Outcome:
        """Run one case inside an attempt that is already recorded; always finishes the attempt.

        ``upcoming`` is the next case: a bay that can (``prepare``) readies its cards in a free reader
        while this case runs, so that pcscd's card polling is not paid between cases. ``resumed``: the
        attempt is one continued, whose finished steps are not run again.
        """
        with self.store.batch():
            return self._run_case_batched(attempt_id, casebook, case, upcoming, resumed)

    def _run_case_batched(
        self,
        attempt_id: int,
        casebook: Casebook,
        case: Case,
        upcoming: tuple[Casebook, Case] | None,
        resumed: Continuation | None,
    ) -> Outcome:
        rec = self.recorder
        rec.set_context(attempt_id, None)
        rec.bench(f"début du cas {case.id} — {case.title}")
        comparisons: list[tuple[str, str, str, Any]] = []
        self._attempt_id = attempt_id
        self.last_comparisons = []
        ended: EngineError | None = None  # the engine's fault after its last answer: this case's (engine-protocol.md)
        interrupted = False
        try:
            if self._bounded is not None:
                self._bounded.begin_case()
            outcome = self._run_case(attempt_id, casebook, case, upcoming, comparisons, resumed)
        except SessionWriteError:
            raise  # the record itself cannot be written: stop, the session resumes once the disk is fixed
        except CardWaitStopped as exc:  # stopped before its card was in: no final verdict, resume runs it again
            outcome = Outcome(Verdict.NONE, str(exc))
        except CardNotInserted as exc:  # its card never came (_prepare_cards): not begun, no verdict either
            outcome = Outcome(Verdict.NONE, f"non démarré : {exc}")
        except Exception as exc:  # a bench fault must not stop the campaign
            outcome = Outcome(Verdict.ERROR, bench_fault_reason(exc))
            self.store.add_event(EventKind.BENCH_FAULT, {"traceback": traceback.format_exc()}, attempt_id=attempt_id)
        except BaseException:  # ^C or SIGTERM: the run stops now, without asking the engine anything more
            interrupted = True
            raise
        finally:
            if self._bounded is not None:
                ended = self._end_case(self._bounded, interrupted)
            with contextlib.suppress(CardError):
                self.bay.release()
        if ended is not None and outcome.verdict is Verdict.PASS:
            outcome = engine_fault(ended, product=self.product_engine)
        rec.set_context(attempt_id, None)
        rec.bench(f"fin du cas {case.id} : {outcome.verdict.label_fr} {outcome.reason}".rstrip())
        rec.flush()
        self.store.finish_attempt(attempt_id, outcome.verdict.value, outcome.reason, comparisons)
        self.store.commit()  # the verdict is committed before anyone is told of it (it survives a killed process)
        return outcome

    def _read_on(self, ctx: actions.ActionContext) -> None:
        """Assisted mode: the application's log read on briefly before the case ends, so that its lines following
        the case's last step (its account of a step the operator rejected, the run's last case) stay this case's;
        so do the files it wrote since that step ended, kept with it and said."""
        read_on = getattr(self.engine, "read_on", None)
        if callable(read_on):
            read_on()
        after_case = getattr(self.engine, "after_case", None)
        if callable(after_case):
            step, notes = after_case(ctx.case)
            if step is not None and notes.late:
                actions.keep_files(ctx, step, notes.late)
            for said in notes.said if step is not None else ():
                self.recorder.bench(f"étape {step.id} : {said}")

    @staticmethod
    def _end_case(bounded: CaseBounded, interrupted: bool) -> EngineError | None:
        """What the case answers for at its end: output after the engine's last answer, or the bench's closing
        ``describe`` unanswered in time or the engine dying on it (a call of the case like the others)."""
        try:
            stray = bounded.end_case(settle=not interrupted)
        except (EngineCrash, EngineTimeout) as exc:
            return exc
        return EngineProtocolError(stray) if stray is not None else None

    def _process_event(self, kind: str, details: dict[str, Any]) -> None:
        """An engine's or a card emulator's restart, stop or failed start, recorded with the case it happened in."""
        self.store.add_event(kind, details, attempt_id=self._attempt_id)
        self.recorder.bench(str(details.get("message") or kind))

    def _prepare_cards(
        self, attempt_id: int, casebook: Casebook, case: Case, again: tuple[str, str] | None = None
    ) -> Outcome:
        """Present the case's cards and have the guard check them; ``again``: (slot, step) — only that slot's
        card, checked again before the step that reads it because it left its reader (:meth:`_cards_left`).

        Before the case starts, a card the guard refused that a person is asked to change (a physical reader,
        :meth:`_refused`) is waited for and checked again, as a card of another family is: the commonest
        exam-day slip is the wrong test card from the stack. Nobody putting a card in within the time limit
        (:class:`CardNotInserted`) cuts the case before it began: no final verdict (:meth:`_run_case_batched`)."""
        slots = [req.slot for req in case.cards if again is None or req.slot == again[0]]
        try:
            pulled = 0  # cards pulled out while the guard read them (a person fumbling): asked for again
            while True:
                self._present_cards(attempt_id, casebook, case, slots)
                try:
                    self._guard_cards(attempt_id, casebook, case)
                    break
                except CardAbsent:
                    if again is not None or pulled >= PULLED_DURING_GUARD or not self._physical(case):
                        raise
                    pulled += 1
                    self.recorder.bench(PULLED_DURING_GUARD_SAID)
                    continue
                except CardMismatch as exc:
                    if self._mismatch(attempt_id, exc) and again is None:
                        continue  # the bay says why and asks for the right card, then the guard checks it
                    self.operator.notify(str(exc))
                    if again is not None:
                        return Outcome(
                            Verdict.INCONCLUSIVE, f"carte refusée au nouveau contrôle avant l'étape {again[1]} : {exc}"
                        )
                    return Outcome(Verdict.INCONCLUSIVE, f"carte refusée, le cas n'a pas démarré : {exc}")
        except CardWaitStopped:
            raise  # the case stops without a verdict (_run_case_batched)
        except CardNotInserted as exc:
            if again is None:
                raise  # never began: no verdict (_run_case_batched)
            return Outcome(Verdict.INCONCLUSIVE, card_unavailable(exc))
        except CardError as exc:
            return Outcome(Verdict.INCONCLUSIVE, card_unavailable(exc))
        self._hold_cards(req.slot for req in case.cards)
        if self._presented is not None:  # an engine that builds the case's cards itself
            self._presented.cards_presented({req.slot: casebook.fixtures.cards[req.card].profile for req in case.cards})
        return Outcome(Verdict.NONE)

    def _physical(self, case: Case) -> bool:
        """Whether a card of ``case`` is in a physical reader (one a person fills), not emulated by the bay."""
        return any(self._by_a_person(req.slot) for req in case.cards)

    def _by_a_person(self, slot: str) -> bool:
        """Whether ``slot``'s card is in a physical reader: the bay says it does not emulate it."""
        emulated = getattr(self.bay, "emulated", None)
        return callable(emulated) and not emulated(slot)

    def _present_cards(self, attempt_id: int, casebook: Casebook, case: Case, slots: Sequence[str]) -> None:
        """Present the cards of ``slots``, then again each one that left its reader meanwhile (a physical reader:
        the person pulled it while the bench waited for the other card), until all are in together."""
        every = {req.slot: req for req in case.cards if req.slot in slots}
        wanted = dict(every)
        seen: dict[str, CardPresence | None] = {}  # each card as it was when last presented
        while wanted:
            for slot, req in wanted.items():
                fixture = casebook.fixtures.cards[req.card]
                self.bay.present(slot, fixture.profile)
                seen[slot] = self._presence.presence(slot) if self._presence is not None else None
                reader = self._named.reader_name(slot) if self._named is not None else slot
                self.recorder.bench(f"carte {req.card} ({fixture.profile.name}) → {slot} : lecteur {reader}")
                self.store.add_event(
                    EventKind.CARD_PRESENT,
                    {"slot": slot, "reader": reader, "card": req.card, "profile": fixture.profile.name},
                    attempt_id=attempt_id,
                )
            # every card again, not only this round's: one pulled while another was asked for again is asked too
            wanted = {slot: req for slot, req in every.items() if self._left(slot, seen[slot])}

    def _left(self, slot: str, seen: CardPresence | None) -> bool:
        """The card of ``slot``, seen in its reader as ``seen`` when presented, is no longer there as it was: a
        person pulled a card from a physical reader. A card the bay emulates is its own (pcscd's counter may move
        after the bay's insertion: not a card pulled)."""
        if seen is None or self._presence is None or not self._by_a_person(slot):
            return False  # the bay cannot tell, or the card is the bay's own: the guard finds out
        now = self._presence.presence(slot)
        if now is not None and now.token == seen.token:
            return False
        reader = self._named.reader_name(slot) if self._named is not None else slot
        self.recorder.bench(f"carte retirée du lecteur {reader} ({slot}) avant le début du cas : demandée de nouveau")
        return True

    def _guard_cards(self, attempt_id: int, casebook: Casebook, case: Case) -> None:
        """The guard's check of the case's cards, recorded; raises :class:`CardMismatch` on a refusal."""
        if self.guard is None or not case.cards:
            return
        with self._guard_reads():
            report = self.guard(self.bay, casebook, case)  # the store encodes it (one walk)
        self.store.add_event(EventKind.CARD_GUARD, report, attempt_id=attempt_id)
        for check in getattr(report, "checks", ()):
            if getattr(check, "reused", None):  # not read again: the trace says which check holds, and why
                self.recorder.bench(
                    f"contrôle de la carte {check.slot} repris du cas {check.reused['case']} ({check.reused['why']})"
                )

    def _mismatch(self, attempt_id: int, exc: CardMismatch) -> bool:
        """A refusal recorded (evidence as much as an acceptance: the same record, its checks ``ok: false``) and
        told to the bay; True when the bay asks a person for each refused card again, saying why."""
        report = getattr(exc, "report", None)
        if report is not None:
            self.store.add_event(EventKind.CARD_GUARD, report, attempt_id=attempt_id)
        self.recorder.bench(f"carte refusée : {exc}")
        return self._refused(report)

    def _refused(self, report: Any) -> bool:
        """The slots whose card the guard refused, told to a bay that asks for another card (a physical reader);
        True when it asks a person for every one of them."""
        refused = getattr(self.bay, "refused", None)
        if not callable(refused):
            return False
        asked = []
        for check in getattr(report, "checks", ()):
            if not getattr(check, "ok", True):
                if not getattr(check, "other_card", True):  # the case's own card, refused by the bench's rule
                    asked.append(False)
                    continue
                try:
                    asked.append(bool(refused(check.slot, getattr(check, "message", ""))))
                except CardError:
                    asked.append(False)
        return bool(asked) and all(asked)

    @contextlib.contextmanager
    def _guard_reads(self) -> Iterator[None]:
        """The card guard's APDUs, recorded once its check is known: those of a refused card that is not a test
        card are left out (a real person's card: its responses hold the holder's identity, docs/cards.md §6),
        and the trace says how many and why."""
        self.recorder.hold_apdus()
        withheld: list[str] = []
        try:
            yield
        except CardMismatch as exc:
            checks = getattr(getattr(exc, "report", None), "checks", ())
            withheld = [check.slot for check in checks if getattr(check, "withheld", False)]
            raise
        finally:
            for slot, count in self.recorder.release_apdus(withheld).items():
                self.recorder.bench(
                    tn(
                        "lecteur {slot} : {count} échange APDU du contrôle de la carte non conservé (carte refusée"
                        " qui n'est pas une carte de test : ses données personnelles ne sont pas enregistrées)",
                        "lecteur {slot} : {count} échanges APDU du contrôle de la carte non conservés (carte refusée"
                        " qui n'est pas une carte de test : ses données personnelles ne sont pas enregistrées)",
                        count,
                        "fr",
                        slot=slot,
                    )
                )

    def _hold_cards(self, slots: Iterable[str]) -> None:
        """Each card's presence as the guard just accepted it (a bay that can tell), so that a card pulled or
        swapped during a step a person performs is noticed (:meth:`_cards_left`)."""
        if self._presence is None:
            return
        for slot in slots:
            held = self._presence.presence(slot)
            if held is not None:
                self._held[slot] = held
                self._unchecked.discard(slot)

    def _check_again(self, attempt_id: int, casebook: Casebook, case: Case, step: Any) -> Outcome:
        """A step that reads a card which left its reader during a person's step: that card is presented and
        checked again first; a refusal, or no card, ends the case (inconclusive) before the step runs."""
        slot = actions.card_slot(step)
        if slot not in self._unchecked:
            return Outcome(Verdict.NONE)
        self._unchecked.discard(slot)
        outcome = self._prepare_cards(attempt_id, casebook, case, (slot, step.id))
        if not _stop(outcome):
            return outcome
        return self._step_failed(attempt_id, case, step, outcome.verdict, outcome.reason)

    def _cards_left(self, attempt_id: int, step: Any, ctx: actions.ActionContext) -> None:
        """After a step a person performed (a manual step, any step in operator mode): a card that is no longer
        in its reader as the guard left it (pulled, swapped) is said — the trace, a ``card-removed`` event
        that ends its « acceptée », the operator — and checked again before the next step that reads it."""
        if self._presence is None:
            return
        if step.action == "insert-card":  # the bench presented that card itself and the guard checked it
            self._hold_cards([actions.inserted_slot(step)])
        for slot, held in list(self._held.items()):
            now = None if slot in ctx.emptied else self._presence.presence(slot)
            if now is not None and now.token == held.token:
                continue
            del self._held[slot]
            if slot in ctx.emptied:  # the case's own <remove-card>: not a card pulled by hand
                continue
            self._unchecked.add(slot)
            reader = self._named.reader_name(slot) if self._named is not None else slot
            message = (
                f"carte retirée ou changée dans le lecteur {reader} ({slot}) pendant l'étape {step.id} : elle sera"
                " contrôlée de nouveau avant la prochaine étape qui la lit"
            )
            self.recorder.bench(message)
            data = {"slot": slot, "reader": reader, "step": step.id, "message": message}
            self.store.add_event(EventKind.CARD_REMOVED, data, attempt_id=attempt_id, step_id=step.id)
            self.operator.notify(message)

    def _prefetch(self, upcoming: tuple[Casebook, Case] | None) -> None:
        if self._preparing is None or upcoming is None:
            return
        casebook, case = upcoming
        for req in case.cards:
            fixture = casebook.fixtures.cards.get(req.card)
            if fixture is not None:
                with contextlib.suppress(CardError):  # only an optimisation: present() does the real work
                    self._preparing.prepare(req.slot, fixture.profile)

    def _run_case(
        self,
        attempt_id: int,
        casebook: Casebook,
        case: Case,
        upcoming: tuple[Casebook, Case] | None = None,
        rows: list[tuple[str, str, str, Any]] | None = None,
        resumed: Continuation | None = None,
    ) -> Outcome:
        """Run the case's steps (those ``resumed`` did not finish); the comparisons that decide the verdict
        are appended to ``rows``."""
        self._held.clear()
        self._unchecked.clear()
        self._notes = {}
        outcome = self._prepare_cards(attempt_id, casebook, case)
        if _stop(outcome):
            return outcome
        self._prefetch(upcoming)
        ctx = actions.ActionContext(
            casebook=casebook,
            case=case,
            engine=self.engine,
            bay=self.bay,
            invoice_prefix=f"{self._session_tag}-{attempt_id}",
            store_document=lambda step_id, data, media, name: self.store.add_artifact(
                data, media, name, attempt_id=attempt_id, step_id=step_id
            ),
            services=_Watched(self.services) if self.services is not None else None,
        )
        refusals: dict[str, str] = {}
        services_failed: set[str] = set()  # steps whose téléservice really failed (docs/teleservices.md § Verdicts)
        steps_run: list[str] = []  # begun
        finished: list[str] = []  # begun and did not stop the case
        expected_refusals = {e.step: e.code for e in case.expectations if e.kind is ExpectationKind.REFUSAL}
        if resumed is not None:
            self._continue(attempt_id, case, ctx, resumed, refusals)
            services_failed.update(resumed.services_failed)
            steps_run.extend(resumed.done)
            finished.extend(resumed.done)
        for step in case.steps[len(resumed.done) if resumed is not None else 0 :]:
            self.recorder.set_context(attempt_id, step.id)
            self.recorder.bench(f"étape {step.id} : {step.action or 'manuelle'}")
            self.store.add_event(
                EventKind.STEP_START,
                {"action": step.action, "kind": step.kind.value},
                attempt_id=attempt_id,
                step_id=step.id,
            )
            self._emit(StepStarted(case, step))
            steps_run.append(step.id)
            step_outcome = self._check_again(attempt_id, casebook, case, step)
            if not _stop(step_outcome) and step.kind is StepKind.MANUAL:
                step_outcome = self._manual(attempt_id, case, step, ctx)
            elif not _stop(step_outcome):
                step_outcome = self._action(attempt_id, case, step, ctx, (refusals, services_failed), expected_refusals)
            outcome = outcome.worsen(step_outcome)
            if step.kind is StepKind.MANUAL or self._driven is not None:
                self._cards_left(attempt_id, step, ctx)
            self._step_done()
            if _stop(outcome):
                break
            finished.append(step.id)
        self._read_on(ctx)  # before the last step's context closes: its lines are the step's, and evaluated
        self.recorder.set_context(attempt_id, None)
        lines = self.recorder.attempt_lines()
        if resumed is not None:  # a continued attempt's trace began before this run
            lines = [*resumed.lines, *lines]
        stopped = finished if _stop(outcome) else None
        comparisons = evaluate(
            case.expectations,
            ctx.observations,
            refusals,
            steps_run,
            lines,
            ctx.by_step,
            finished=stopped,
            services_failed=services_failed,
        )
        comparisons = explained(comparisons, self._notes)  # an absent value read nowhere: which extractor, where
        self.last_comparisons = [c.as_dict() for c in comparisons if counted(c.step, stopped)]
        if rows is not None:
            rows.extend((c.expectation_id, c.kind, c.outcome.value, c.as_dict()) for c in comparisons)
        if outcome.verdict in (Verdict.NONE, Verdict.FAIL):
            outcome = _with_comparisons(outcome, comparisons, stopped)
        if outcome.verdict is Verdict.NONE:  # passed: a value the product gave two ways is said all the same
            outcome = Outcome(Verdict.PASS, conflicts_said(comparisons, self._notes))
        return outcome

    def _continue(
        self, attempt_id: int, case: Case, ctx: actions.ActionContext, resumed: Continuation, refusals: dict[str, str]
    ) -> None:
        """A continued attempt: its finished steps' values back in the case's context, as when they ran (a
        later step reads them; the verdict compares them), and where it goes on, said in the trace and as an
        event of the attempt."""
        steps = {step.id: step for step in case.steps}
        for step_id in resumed.done:
            step, values = steps[step_id], resumed.values.get(step_id, {})
            if step.kind is StepKind.MANUAL:
                ctx.observations = canonical({**ctx.observations, **values})
            else:
                result = unflatten(values)
                ctx.observations.update(result)
                actions.restore(ctx, step, result)
            if step_id in resumed.refusals:
                refusals[step_id] = resumed.refusals[step_id]
        message = resumed.record()
        self.recorder.set_context(attempt_id, None)
        self.recorder.bench(message)
        data = {"step": resumed.following, "position": resumed.position, "done": list(resumed.done)}
        data["after"] = resumed.reason  # why it had stopped
        self.store.add_event(EventKind.ATTEMPT_RESUMED, {**data, "message": message}, attempt_id=attempt_id)

    def _action(
        self,
        attempt_id: int,
        case: Case,
        step: Any,
        ctx: actions.ActionContext,
        refused: tuple[dict[str, str], set[str]],
        expected_refusals: dict[str | None, str],
    ) -> Outcome:
        """``refused``: the case's refusals by step and the steps whose téléservice really failed, filled here."""
        refusals, services_failed = refused
        if isinstance(ctx.services, _Watched):
            ctx.services.failed = False
        if self._driven is not None:
            self._driven.begin_step(case, step)
            self._step_done()  # the operator may take a while: what the case wrote so far is kept
        try:
            # an inserted card is checked by the guard (a person may have put a real one in a physical reader)
            with self._guard_reads() if step.action == "insert-card" else contextlib.nullcontext():
                result = actions.perform(ctx, step)
        except OperatorPending as exc:
            self.store.add_event(
                EventKind.MANUAL_PENDING, {"instruction": str(exc)}, attempt_id=attempt_id, step_id=step.id
            )
            self._emit(StepFinished(case, step, "manual-pending"))
            return Outcome(Verdict.PENDING, str(exc))
        except EngineRefusal as exc:
            refusals[step.id] = exc.code
            failed = isinstance(ctx.services, _Watched) and ctx.services.failed
            if failed:
                services_failed.add(step.id)
            self.store.add_event(
                EventKind.STEP_REFUSED,
                {"code": exc.code, "message": exc.message, "details": exc.details, "service_failed": failed},
                attempt_id=attempt_id,
                step_id=step.id,
            )
            self.recorder.bench(f"étape {step.id} refusée : {exc.code} {exc.message}".rstrip())
            self._emit(StepFinished(case, step, "refused", exc.code))
            if step.id in expected_refusals:
                return Outcome(Verdict.NONE)
            # the service did not answer: nothing to conclude on the product (unless it did answer: its invention)
            if exc.code == TELESERVICE_UNAVAILABLE and failed:
                return Outcome(Verdict.INCONCLUSIVE, f"étape {step.id} : {exc.message}")
            if exc.code == TELESERVICE_INVALID_ANSWER and failed:  # the simulator's answer was unusable: the run's
                return Outcome(Verdict.ERROR, f"étape {step.id} : {exc.message}")
            if exc.details.get("source") == "operateur":  # the operator rejected the step they performed
                return Outcome(Verdict.FAIL, f"étape {step.id} refusée par l'opérateur : {exc.message}")
            return Outcome(Verdict.FAIL, f"étape {step.id} refusée par le moteur : {exc.code} {exc.message}".rstrip())
        except ExtractionFailed as exc:  # the product's output cannot be read: its failure, the file kept
            actions.keep_files(ctx, step, exc.files)
            if observed := getattr(exc, "observed", None):  # an invoice billing another prescription: its values
                origins = self._origins.take_origins() if self._origins is not None else None
                self.store.add_observations(attempt_id, step.id, flatten(observed), self._source, origins)
            return self._step_failed(attempt_id, case, step, Verdict.FAIL, str(exc))
        except (EngineCrash, EngineTimeout, EngineProtocolError, EngineUnavailable, EngineCardDenied) as exc:
            blamed = engine_fault(exc, product=self.product_engine)
            return self._step_failed(attempt_id, case, step, blamed.verdict, blamed.reason)
        except EngineError as exc:
            return self._step_failed(attempt_id, case, step, Verdict.ERROR, f"erreur du moteur : {exc}")
        except CardWaitStopped:
            raise  # an <insert-card> into a physical reader, stopped while waiting: no verdict, as before the case
        except CardError as exc:
            return self._step_failed(attempt_id, case, step, Verdict.INCONCLUSIVE, card_unavailable(exc))
        except ServicesDown as exc:
            reason = f"téléservices indisponibles : {exc}"
            return self._step_failed(attempt_id, case, step, Verdict.INCONCLUSIVE, reason)
        except actions.ActionError as exc:
            return self._step_failed(attempt_id, case, step, Verdict.ERROR, f"étape {step.id} invalide : {exc}")
        ctx.observations.update(result)
        origins = self._origins.take_origins() if self._origins is not None else None
        ended: dict[str, Any] = {"status": "done"}
        take_notes = getattr(self._origins, "take_notes", None)
        if take_notes is not None:  # assisted mode: files skipped, values absent and why, values in conflict
            notes = self._notes[step.id] = take_notes()
            ended.update(notes.record())
            if notes.late:  # files the product wrote outside the step's outputs: kept with it, never lost
                actions.keep_files(ctx, step, notes.late)
            for said in notes.said:
                self.recorder.bench(f"étape {step.id} : {said}")
        # in operator modes a person keyed (or corrected) these values: committed and synced at once
        with self.store.transaction(durable=self._driven is not None):
            self.store.end_step(attempt_id, step.id, flatten(result), self._source, ended, origins)
        self._emit(StepFinished(case, step, "done"))
        return Outcome(Verdict.NONE)

    def _operator_attested(self, step_id: str, attestation: Attestation) -> None:
        """Operator modes: what the operator attested of an engine step, recorded as a manual step's is."""
        data = _attested(attestation)
        self.store.add_event(EventKind.MANUAL_ATTESTED, data, attempt_id=self._attempt_id, step_id=step_id)

    def _step_done(self) -> None:
        """A step's end: its traced lines and its events become durable together."""
        self.recorder.flush()
        self.store.commit()

    def _step_failed(self, attempt_id: int, case: Case, step: Any, verdict: Verdict, reason: str) -> Outcome:
        self.store.add_event(
            EventKind.STEP_FAILED, {"verdict": verdict.value, "reason": reason}, attempt_id=attempt_id, step_id=step.id
        )
        self.recorder.bench(f"étape {step.id} : {reason}")
        self._emit(StepFinished(case, step, stopped_status(verdict.value), reason))
        return Outcome(verdict, reason)

    def _manual(self, attempt_id: int, case: Case, step: Any, ctx: actions.ActionContext) -> Outcome:
        self._step_done()  # what the case wrote so far is on disk before a person is waited for
        attestation = attest(self.operator, case, step)
        if attestation is None:
            self.store.add_event(
                EventKind.MANUAL_PENDING, {"instruction": step.instruction}, attempt_id=attempt_id, step_id=step.id
            )
            self._emit(StepFinished(case, step, "manual-pending"))
            return Outcome(Verdict.PENDING, f"étape manuelle {step.id} en attente de l'opérateur")
        attestation = as_recorded(case, attestation)  # « 5,90 » keyed: recorded « 5.90 », shown as money
        with self.store.transaction(durable=True):  # what a person gave: its event and values, synced at once
            data = _attested(attestation)
            self.store.add_event(EventKind.MANUAL_ATTESTED, data, attempt_id=attempt_id, step_id=step.id)
            if attestation.values:
                self.store.add_observations(attempt_id, step.id, dict(attestation.values), source="operator")
        self.recorder.bench(
            f"étape manuelle {step.id} {'confirmée' if attestation.confirmed else 'rejetée'} par "
            f"{attestation.operator}" + (f" : {attestation.note}" if attestation.note else "")
        )
        # attested values are keyed by path: later steps read them in the tree shape an engine gives
        ctx.observations = canonical({**ctx.observations, **attestation.values})
        self._step_done()  # what a person gave is committed at once
        if not attestation.confirmed:
            self._emit(StepFinished(case, step, "manual-rejected", attestation.note))
            return Outcome(Verdict.FAIL, f"étape manuelle {step.id} rejetée par l'opérateur : {attestation.note}")
        self._emit(StepFinished(case, step, "manual-confirmed"))
        return Outcome(Verdict.NONE)


def _attested(attestation: Attestation) -> dict[str, Any]:
    """The ``manual-attested`` event's data: one record for a manual step and an operator-mode engine step."""
    a = attestation
    return {"confirmed": a.confirmed, "operator": a.operator, "note": a.note, "values": a.values}


def card_unavailable(exc: CardError) -> str:
    """« carte indisponible : why », said once when the card layer's sentence already begins so."""
    said = str(exc)
    return said if said.startswith("carte indisponible") else f"carte indisponible : {said}"
