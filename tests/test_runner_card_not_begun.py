"""A case whose cards a person must put in (physical readers) before it begins (audit s23-cards, findings 3 and 4).

In process, with a bay that plays a physical reader: the runner asks again for a card the guard refused (instead of
ending the case « non concluant »), presents again a card pulled while the bench waited for the other one, and a
card that never comes leaves the case without a final verdict, as a stop does, so that ``--resume`` runs it again.
The same through pcscd: tests/test_cards_physical_swap_wait.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes import FakeBay, FakeEngine, make_case, make_casebook

from testbench.cards.api import CardAbsent, CardMismatch, CardNotInserted, CardPresence
from testbench.cards.guard import CardCheck, GuardReport
from testbench.casebook.model import CardRequirement, Mode
from testbench.domain.verdict import Verdict
from testbench.runner.campaign import record_casebooks
from testbench.runner.exits import EXIT_ENVIRONMENT, exit_code
from testbench.runner.runner import Runner
from testbench.runner.tracing import TraceRecorder
from testbench.store.read import read_session
from testbench.store.session import SessionStore

CARDS = (CardRequirement("vitale", "v1"), CardRequirement("cps", "v1"))


class PhysicalBay(FakeBay):
    """Readers a person fills: ``refused`` asks for another card, ``presence`` tells a card pulled (its counter)."""

    def __init__(self, swaps: bool = True) -> None:
        super().__init__()
        self.swaps = swaps
        self.calls: list[str] = []
        self.asked: list[str] = []  # slots whose refused card the bay asks to change
        self.counter = {"vitale": 0, "cps": 0}  # pcscd's event counter of each reader
        self.pull_during: str | None = None  # the slot whose card the person pulls while this one is waited for
        self.never: str | None = None  # the slot whose card never comes

    def present(self, slot: str, profile: Path) -> None:
        self.calls.append(slot)
        if slot == self.never:
            raise CardNotInserted(f"pas de réponse de l'opérateur en 1 s au lecteur {slot} : Insérez la carte.")
        if self.pull_during is not None and slot != self.pull_during:
            self.counter[self.pull_during] += 2  # pulled and put back (or another one put in) meanwhile
            self.pull_during = None
        super().present(slot, profile)

    def refused(self, slot: str, why: str = "") -> bool:
        self.asked.append(slot)
        return self.swaps

    def presence(self, slot: str) -> CardPresence | None:
        return CardPresence((slot, self.counter[slot]), "test") if slot in self.cards else None

    def emulated(self, slot: str) -> bool:
        return False  # a person fills these readers


def _refusal(slot: str, other_card: bool = True) -> CardMismatch:
    check = CardCheck(
        slot, slot, "v1", "v1", "autre", "vitale2", "test", "", False, message="carte d'un autre", other_card=other_card
    )
    exc = CardMismatch("Le lecteur contient une autre carte de test")
    exc.report = GuardReport((check,))  # type: ignore[attr-defined]
    return exc


class Guard:
    """Refuses the ``vitale`` card ``refusals`` times, then accepts the cards; ``other_card`` False: refuses the
    expected card by the bench's rule (a real card in test mode)."""

    def __init__(self, refusals: int, other_card: bool = True) -> None:
        self.refusals = refusals
        self.other_card = other_card
        self.calls = 0

    def __call__(self, bay: Any, casebook: Any, case: Any) -> GuardReport:
        self.calls += 1
        if self.calls <= self.refusals:
            raise _refusal("vitale", self.other_card)
        return GuardReport(())


def _run(tmp_path: Path, bay: PhysicalBay, guard: Guard | None = None, count: int = 1) -> tuple[list[Any], Path]:
    cases = [make_case(f"C{i}", (), mode=Mode.SECURISE, cards=CARDS) for i in range(1, count + 1)]
    casebook = make_casebook(tuple(cases), tmp_path)
    session = tmp_path / "s.tbsession"
    store = SessionStore.open(session)
    record_casebooks(store, [casebook])
    recorder = TraceRecorder(writer=store.add_trace_lines)
    runner = Runner(store, FakeEngine(bay, trace=recorder.engine_sink), bay, recorder, guard=guard)
    summary = runner.run(store.begin_run(["test"], {}, {}), [(casebook, case) for case in cases])
    store.close()
    return [outcome for _, outcome in summary.outcomes], session


def test_a_refused_card_a_person_changes_is_checked_again_and_the_case_runs(tmp_path: Path) -> None:
    """The wrong test card of the right family: the bay asks for it to be changed, the guard checks the new one."""
    bay, guard = PhysicalBay(), Guard(refusals=1)
    (outcome,), session = _run(tmp_path, bay, guard)
    assert outcome.verdict is Verdict.PASS, outcome
    assert bay.asked == ["vitale"] and guard.calls == 2
    assert bay.calls == ["vitale", "cps", "vitale", "cps"]  # presented again: the bay asks for the refused one
    with read_session(session) as view:
        events = view.events(view.cases[0].latest.id)
    guards = [e["data"] for e in events if e["kind"] == "card-guard"]
    assert [[c["ok"] for c in g["checks"]] for g in guards] == [[False], []], guards  # both are evidence


def test_a_refused_card_no_one_is_asked_to_change_still_ends_the_case(tmp_path: Path) -> None:
    """An emulated card (the bay asks nobody): the same card would be refused again, so the case ends as before."""
    (outcome,), _ = _run(tmp_path, PhysicalBay(swaps=False), Guard(refusals=5))
    assert outcome.verdict is Verdict.INCONCLUSIVE
    assert outcome.reason.startswith("carte refusée, le cas n'a pas démarré : ")


def test_a_card_pulled_while_the_other_is_waited_for_is_asked_for_again(tmp_path: Path) -> None:
    bay = PhysicalBay()
    bay.pull_during = "vitale"
    (outcome,), session = _run(tmp_path, bay, Guard(refusals=0))
    assert outcome.verdict is Verdict.PASS, outcome
    assert bay.calls == ["vitale", "cps", "vitale"]  # the vitale again, before the guard reads it
    with read_session(session) as view:
        lines = [line.text for line in view.trace_lines(view.cases[0].latest.id)]
    assert "carte retirée du lecteur vitale (vitale) avant le début du cas : demandée de nouveau" in lines, lines


def test_a_card_pulled_while_the_other_is_asked_for_again_is_asked_for_too(tmp_path: Path) -> None:
    """The vitale pulled while the cps is presented, then the cps pulled while the vitale is asked for again: the
    cps is asked for again too (the second round checked only the card it asked for)."""

    class TwoPulls(PhysicalBay):
        def __init__(self) -> None:
            super().__init__()
            self.pulls = ["vitale", "cps"]  # pulled while the other card is presented, in turn

        def present(self, slot: str, profile: Path) -> None:
            if self.pulls and slot != self.pulls[0]:
                self.counter[self.pulls.pop(0)] += 2
            self.calls.append(slot)
            FakeBay.present(self, slot, profile)

    bay = TwoPulls()
    (outcome,), _session = _run(tmp_path, bay, Guard(refusals=0))
    assert outcome.verdict is Verdict.PASS, outcome
    assert bay.calls == ["vitale", "cps", "vitale", "cps"]


class FumblingGuard(Guard):
    """The guard's read finds no card ``pulls`` times (a person pulled it while it was read), then accepts."""

    def __init__(self, pulls: int) -> None:
        super().__init__(refusals=0)
        self.pulls = pulls

    def __call__(self, bay: Any, casebook: Any, case: Any) -> GuardReport:
        self.calls += 1
        if self.calls <= self.pulls:
            raise CardAbsent("aucune carte dans le lecteur « vitale »")
        return GuardReport(())


def test_a_card_pulled_while_the_guard_reads_it_is_asked_for_again(tmp_path: Path) -> None:
    """Before the case began: the cards are presented again (the bay asks the person) and the case runs; it used
    to end with a final « carte indisponible », which --resume skipped."""
    bay, guard = PhysicalBay(), FumblingGuard(pulls=1)
    (outcome,), session = _run(tmp_path, bay, guard)
    assert outcome.verdict is Verdict.PASS, outcome
    assert guard.calls == 2 and bay.calls == ["vitale", "cps", "vitale", "cps"]
    with read_session(session) as view:
        lines = [line.text for line in view.trace_lines(view.cases[0].latest.id)]
    assert "carte retirée pendant son contrôle, avant le début du cas : demandée de nouveau" in lines, lines


def test_a_reader_that_keeps_losing_its_card_ends_the_case_as_card_trouble(tmp_path: Path) -> None:
    (outcome,), _session = _run(tmp_path, PhysicalBay(), FumblingGuard(pulls=10))
    assert outcome.verdict is Verdict.INCONCLUSIVE and "aucune carte" in outcome.reason, outcome


def test_an_emulated_card_missing_at_the_guard_is_not_asked_for(tmp_path: Path) -> None:
    class Emulated(PhysicalBay):
        def emulated(self, slot: str) -> bool:
            return True

    guard = FumblingGuard(pulls=1)
    (outcome,), _session = _run(tmp_path, Emulated(), guard)
    assert outcome.verdict is Verdict.INCONCLUSIVE and guard.calls == 1, outcome


def test_the_expected_card_refused_by_the_test_card_rule_is_not_asked_for_again(tmp_path: Path) -> None:
    """A real-nature card the case itself names (DEMO-CARDS-002) in a physical reader: swapping cannot help, so no
    one is asked to (the bench asked for the same card again and again until its 5 minutes ran out)."""
    bay = PhysicalBay()
    guard = Guard(refusals=5, other_card=False)
    (outcome,), _session = _run(tmp_path, bay, guard)
    assert outcome.verdict is Verdict.INCONCLUSIVE and "le cas n'a pas démarré" in outcome.reason, outcome
    assert bay.asked == [] and guard.calls == 1


def test_a_card_the_bay_emulates_is_not_presented_again_when_its_readers_counter_moves(tmp_path: Path) -> None:
    """pcscd may count the bay's own insertion after it returned: an emulated card was never pulled by a person
    (a run through pcscd printed four more presentation lines than one in memory)."""

    class EmulatingBay(PhysicalBay):
        def emulated(self, slot: str) -> bool:
            return True

    bay = EmulatingBay()
    bay.pull_during = "vitale"
    (outcome,), _session = _run(tmp_path, bay, Guard(refusals=0))
    assert outcome.verdict is Verdict.PASS, outcome
    assert bay.calls == ["vitale", "cps"]


def test_a_card_that_never_comes_leaves_the_case_without_a_verdict(tmp_path: Path) -> None:
    """No final verdict (``--resume`` runs it again), the reason says it did not start, the run goes on to the next
    case and its exit code is not green."""
    bay = PhysicalBay()
    bay.never = "cps"
    outcomes, session = _run(tmp_path, bay, Guard(refusals=0), count=2)
    assert [o.verdict for o in outcomes] == [Verdict.NONE, Verdict.NONE]
    assert outcomes[0].reason == "non démarré : pas de réponse de l'opérateur en 1 s au lecteur cps : Insérez la carte."
    with read_session(session) as view:
        recorded = [(case.latest.verdict, case.latest.reason) for case in view.cases]
    assert recorded == [("none", outcomes[0].reason)] * 2
    assert exit_code(v for v, _ in recorded) == EXIT_ENVIRONMENT
