"""What a physical reader asks of the operator, and how a wait for their hand ends (audit s20-cards).

- ^C while ``testbench run`` waits for a card stops at once (the wait is cut in half-second calls), the case
  left without a verdict.
- A stop asked during that wait (the workstation's ctrl+t or quitting) leaves the case without a final verdict:
  ``--resume`` and ``x`` run it again (:class:`~testbench.cards.api.CardWaitStopped`).
- A card the guard refused is asked to be changed at the reader's next presentation.
- A card of another family than the case's is said as soon as it is in (its ATR tells it), and waited for again.

The test plays the person with its own emulator in the vpcd reader named as physical
(tests/test_cards_physical_readers).
"""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import test_cards_physical_readers as physical
from test_cards_physical_readers import NURSE, PHYSICAL, PSAD, READER, REAL, Person

from testbench.cards.api import CardMismatch, CardWaitStopped
from testbench.cards.guard import check_cards
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import ReaderSpec
from testbench.cli.main import main
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

pytestmark = pytest.mark.integration
person = physical.person  # the fixture: the test's hand at the reader

VITALE = P / "vitale2-adult-standard.xml"
PSAD_FR = (
    "carte CPE (CPS3) de test « cps3-psad-lpp » de MARIE ESSAI (Prestataire de services et distributeur de "
    "matériels (PSAD))"
)


def _bay(prompt: Any, timeout: float = 5.0) -> Any:
    from testbench.cards.bay import PcscBay

    return PcscBay(readers={"cps": ReaderSpec(READER)}, prompt=prompt, operator_timeout=timeout)


def test_sigint_during_the_wait_for_a_card_stops_the_run_at_once(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench run``, an empty physical reader, ^C a second in: « interrompu » within a few seconds (it used to
    wait for the whole time limit), and the case has no final verdict."""
    from testbench.runner import assemble

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    monkeypatch.setattr(assemble, "PHYSICAL_CARD_WAIT", 30.0)
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    timer = threading.Timer(1.0, signal.raise_signal, [signal.SIGINT])
    start = time.monotonic()
    timer.start()
    try:
        code = main([*argv, "-k", "EXAM-LPP-001"])
    finally:
        timer.cancel()
    took = time.monotonic() - start
    err = capsys.readouterr().err
    assert took < 10.0, took
    assert code == 2 and "interrompu" in err, err
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
    assert attempt.verdict == "none", attempt


def test_a_stop_during_the_wait_for_a_card_is_no_verdict(person: Person) -> None:
    """The workstation's stop ends the wait with CardWaitStopped, which the runner records as no verdict."""
    stop = threading.Event()
    with _bay(lambda _message: threading.Timer(0.3, stop.set).start()) as bay:
        bay.stop_on(stop)
        start = time.monotonic()
        with pytest.raises(CardWaitStopped) as caught:
            bay.present("cps", PSAD)
    assert time.monotonic() - start < 3.0
    assert str(caught.value).startswith(f"arrêt demandé avant l'insertion de la carte au lecteur {READER} : Insérez")


def test_a_refused_card_is_asked_to_be_changed(person: Person) -> None:
    """The guard refused the card in the reader: the next presentation asks for it to be swapped (it used to keep
    it, and every later case was refused with it); a card changed before the bench asks is simply checked."""
    prompts: list[str] = []

    def operator(message: str) -> None:
        prompts.append(message)
        threading.Timer(0.1, lambda: (person.pull(), person.insert(PSAD))).start()

    person.insert(REAL)  # a CPS3 as expected, but not a test card
    with _bay(operator) as bay:
        bay.present("cps", PSAD)  # a card is there: kept for the guard
        assert prompts == []
        with pytest.raises(CardMismatch):
            check_cards(bay, [("cps", load_profile(PSAD))])
        bay.refused("cps")  # what the runner tells the bay of the guard's refusal
        bay.present("cps", PSAD)  # the same case again (`r`), or the next case with the same card
        assert prompts == [f"Carte refusée dans le lecteur « {READER} » (cps) : retirez-la et insérez la {PSAD_FR}."]
        assert check_cards(bay, [("cps", load_profile(PSAD))]).ok
        bay.present("cps", PSAD)  # accepted since: nothing more is asked
        assert len(prompts) == 1
        person.pull()
        person.insert(REAL)
        bay.refused("cps")
        person.pull()  # the operator changes it before the bench asks
        person.insert(PSAD)
        bay.present("cps", PSAD)
        assert len(prompts) == 1
    assert english(prompts[0]).startswith(f"Card refused in reader “{READER}” (cps): remove it and insert the ")


def test_a_card_of_another_family_is_said_at_once(person: Person) -> None:
    """A Vitale in the CPS reader, then a CPS4 where a CPS3 is expected: each is said as soon as it is in, and the
    bench waits for the right card (the guard used to find out only once every card of the case was in)."""
    prompts: list[str] = []
    hands = iter([NURSE, PSAD])

    def operator(message: str) -> None:
        prompts.append(message)
        card = next(hands)
        threading.Timer(0.1, lambda: (person.pull(), person.insert(card))).start()

    person.insert(VITALE)
    with _bay(operator) as bay:
        bay.present("cps", PSAD)
        assert check_cards(bay, [("cps", load_profile(PSAD))]).ok
    said = f"La carte du lecteur « {READER} » (cps) est une carte {{}}, le cas attend une carte CPS3 : retirez-la et"
    assert prompts == [f"{said.format(family)} insérez la {PSAD_FR}." for family in ("Vitale 2", "CPS4")]
    assert english(prompts[0]).startswith(f"The card in reader “{READER}” (cps) is a Vitale 2 card")


def test_a_case_after_a_refusal_asks_for_the_card_to_be_changed(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench run`` of two cases on the same CPS: the first refuses the wrong card and asks for it to be
    changed, the second asks again (nobody does here) instead of refusing the same card once more. Neither began:
    no final verdict, so ``--resume`` runs them again (audit s23-cards, finding 3)."""
    from testbench.runner import assemble

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    monkeypatch.setattr(assemble, "PHYSICAL_CARD_WAIT", 1.0)
    person.insert(REAL)  # a CPS3, of the right family: only the guard can refuse it
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    main([*argv, "-k", "id:EXAM-LPP-001 or id:EXAM-LPP-002"])
    err = capsys.readouterr().err
    with read_session(session) as view:
        first, second = (case.attempts[-1] for case in view.cases[:2])
        guards = [[e["kind"] for e in view.events(a.id) if e["kind"] == "card-guard"] for a in (first, second)]
    asked = f"Carte refusée dans le lecteur « {READER} » (cps) : retirez-la et insérez la {PSAD_FR}."
    assert asked in err, err
    assert guards == [["card-guard"], []]  # the refusal is evidence; the second case never read the same card
    for attempt in (first, second):
        assert attempt.verdict == "none", attempt
        unnamed = asked.replace(PSAD_FR, "carte CPE (CPS3) de test « cps3-psad-lpp »")  # no holder recorded
        assert attempt.reason == f"non démarré : pas de réponse de l'opérateur en 1 s au lecteur {READER} : {unnamed}"
