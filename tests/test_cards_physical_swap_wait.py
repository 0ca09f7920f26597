"""Physical readers on exam day: the bench waits for the right card instead of ending a case that never began
(audit s23-cards, findings 3 and 4).

- The wrong test card of the right family (another holder) is refused by the guard, then asked to be changed
  (« Carte refusée … retirez-la et insérez la … ») and waited for, as a card of another family is; the case then
  runs on the right card.
- A card pulled while the bench waits for the other card is asked for again before the guard reads the cards.
- A card that never comes leaves the case without a final verdict (« non démarré : … »): ``--resume`` runs it.

Through pcscd: the test plays the person with its own emulators in the vpcd readers named as physical
(tests/test_cards_physical_readers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import test_cards_physical_readers as physical
from test_cards_physical_readers import PHYSICAL, PSAD, READER, Person

from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

pytestmark = pytest.mark.integration
person = physical.person  # the fixture: the test's hand at the CPS reader

OTHER_HOLDER = P / "cps3-pin-last-try.xml"  # a CPS3 test card too, of another professional
VITALE = P / "vitale2-adult-standard.xml"
VITALE_READER = DEFAULT_READERS["vitale"].name
EXAM = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--engine", "operator", "-k", "id:EXAM-LPP-001"]


class VitaleHand:
    """The person's hand at the Vitale reader (Person's, for the other vpcd reader)."""

    def __init__(self) -> None:
        self.card: Any = None

    def insert(self, profile: Path) -> None:
        from testbench.cards.emulator_control import ThreadCard
        from testbench.cards.pcsc import wait_for

        if self.card is None:
            self.card = ThreadCard(load_profile(profile), DEFAULT_READERS["vitale"], "vitale", None)
            self.card.wait_inserted(3.0)
        else:
            self.card.insert(load_profile(profile), 3.0)
        wait_for(VITALE_READER, True, 3.0)


@pytest.fixture
def vitale_hand(person: Person) -> Iterator[VitaleHand]:
    from testbench.cards.pcsc import wait_for

    hand = VitaleHand()
    try:
        yield hand
    finally:
        if hand.card is not None:
            hand.card.stop()
        wait_for(VITALE_READER, False, 3.0)


def _answering(monkeypatch: pytest.MonkeyPatch, answer: Callable[[str], None], wait: float) -> list[str]:
    """Physical readers for ``testbench run``, the operator's time limit ``wait``; each card prompt of the bay is
    kept and ``answer``-ed a tenth of a second later (the person's hand, while the bench waits)."""
    from testbench.cards import bays
    from testbench.runner import assemble

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    monkeypatch.setattr(assemble, "PHYSICAL_CARD_WAIT", wait)
    prompts: list[str] = []
    base = bays.PcscBay

    class Bay(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, prompt: Callable[[str], None] | None = None, **kwargs: Any) -> None:
            def told(message: str) -> None:
                if prompt is not None:
                    prompt(message)
                prompts.append(message)
                threading.Timer(0.1, answer, [message]).start()

            super().__init__(*args, prompt=told, **kwargs)

    monkeypatch.setattr(bays, "PcscBay", Bay)
    return prompts


def _latest(session: Path) -> tuple[Any, list[list[tuple[str, bool]]]]:
    with read_session(session) as view:
        attempt = view.cases[0].attempts[-1]
        guards = [e["data"] for e in view.events(attempt.id) if e["kind"] == "card-guard"]
    return attempt, [[(c["slot"], c["ok"]) for c in g["checks"]] for g in guards]


def test_the_wrong_test_card_is_asked_to_be_changed_and_the_case_runs_on_the_right_one(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def hand(message: str) -> None:
        if message.startswith("Carte refusée"):
            person.pull()
            person.insert(PSAD)

    prompts = _answering(monkeypatch, hand, 10.0)
    person.insert(OTHER_HOLDER)
    session = tmp_path / "s.tbsession"
    main([*EXAM, "--session", str(session)])
    err = capsys.readouterr().err
    attempt, guards = _latest(session)
    found, asked = prompts  # what the guard found, then the card asked for
    assert found.startswith(f"Le lecteur « {READER} » (cps) contient la carte CPE (CPS3) de test « cps3-pin-last-try")
    assert asked == (
        f"Carte refusée dans le lecteur « {READER} » (cps) : retirez-la et insérez la carte CPE (CPS3) de test "
        "« cps3-psad-lpp » de MARIE ESSAI (Prestataire de services et distributeur de matériels (PSAD))."
    )
    assert f"{found}\n{asked}\n" in err, err  # said on the terminal
    assert guards == [[("cps", False)], [("cps", True)]]  # the refusal is evidence, the right card accepted
    assert attempt.verdict == "pending", attempt  # the case began: its manual step waits for the operator


def test_a_card_pulled_while_the_other_is_awaited_is_asked_for_again(
    person: Person,
    vitale_hand: VitaleHand,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The demo's first case (CPS, then Vitale): the CPS is in, the person pulls it while putting the Vitale in; the
    bench asks for the CPS again instead of ending the case « carte indisponible : aucune carte »."""

    def hand(message: str) -> None:
        if "(vitale)" in message:
            person.pull()
            vitale_hand.insert(VITALE)
        elif "(cps)" in message:
            person.insert(PSAD)

    prompts = _answering(monkeypatch, hand, 10.0)
    person.insert(PSAD)
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
    code = main([*argv, "--session", str(session)])
    err = capsys.readouterr().err
    attempt, guards = _latest(session)
    assert [p.split(" dans le lecteur")[0] for p in prompts] == [
        "Insérez la carte Vitale 2 de test « vitale2-adult-standard » de PAUL ESSAI",
        "Insérez la carte CPE (CPS3) de test « cps3-psad-lpp » de MARIE ESSAI (Prestataire de services et "
        "distributeur de matériels (PSAD))",
    ], err
    assert guards == [[("cps", True), ("vitale", True)]], err
    assert (code, attempt.verdict) == (0, "pass"), (attempt, err)


def test_a_card_that_never_comes_is_no_verdict_and_resume_runs_the_case(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _answering(monkeypatch, lambda _message: None, 1.0)
    session = tmp_path / "s.tbsession"
    code = main([*EXAM, "--session", str(session)])
    err = capsys.readouterr().err
    attempt, guards = _latest(session)
    assert attempt.verdict == "none" and attempt.reason.startswith("non démarré : pas de réponse de l'opérateur")
    assert code == 2 and "EXAM-LPP-001 : non exécuté — non démarré : pas de réponse" in err, err
    assert "session : " in err and "non exécuté 1" in err and guards == []

    person.insert(PSAD)  # the person is back: the case runs on --resume
    main([*EXAM, "--session", str(session), "--resume", "--lang", "en"])
    err = capsys.readouterr().err
    attempt, guards = _latest(session)
    assert attempt.verdict == "pending" and guards == [[("cps", True)]], (attempt, err)
    assert "no case run" not in err, err

    monkeypatch.setattr("testbench.runner.assemble.PHYSICAL_CARD_WAIT", 1.0)
    person.pull()
    main([*EXAM, "--session", str(tmp_path / "en.tbsession"), "--lang", "en"])
    err = capsys.readouterr().err
    assert f"EXAM-LPP-001: not run — not started: no answer from the operator within 1 s at reader {READER}" in err
