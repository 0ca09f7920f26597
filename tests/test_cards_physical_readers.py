"""Physical readers (``TESTBENCH_CARD_READERS`` without a port), through pcscd (audit 9, finding 1).

The bench never starts an emulator for a physical reader: it asks the operator for the case's card, waits
for it, then the guard accepts a test card and refuses a real one. Here the test plays the person, with its
own emulator in the vpcd reader named as physical: the card « the operator inserted ». Headless
(``testbench run``) and in the workstation (``testbench ui``, driven by Pilot).
"""

from __future__ import annotations

import os

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testbench.cards.api import CardUnavailable
from testbench.cards.guard import check_cards
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import DEFAULT_READERS, ReaderSpec
from testbench.cli.main import main
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

pytestmark = pytest.mark.integration

READER = DEFAULT_READERS["cps"].name  # a vpcd reader, named without its port: physical for the bench
PHYSICAL = f"vitale={DEFAULT_READERS['vitale'].name},cps={READER}"
PSAD, NURSE, REAL = P / "cps3-psad-lpp.xml", P / "cps4-nurse.xml", P / "cps3-real-nature.xml"
CASE = "EXAM-LPP-001"  # the exam casebook's first case: the PSAD's CPS in the cps reader


class Person:
    """The operator's hand at the reader: a card of our emulator put in and pulled out of the vpcd reader."""

    def __init__(self) -> None:
        self.card = None  # the emulator, started with the first card

    def insert(self, profile: Path) -> None:
        from testbench.cards.emulator_control import ThreadCard
        from testbench.cards.pcsc import wait_for

        if self.card is None:
            self.card = ThreadCard(load_profile(profile), DEFAULT_READERS["cps"], "cps", None)
            self.card.wait_inserted(3.0)
        else:
            self.card.insert(load_profile(profile), 3.0)
        wait_for(READER, True, 3.0)

    def pull(self) -> None:
        from testbench.cards.pcsc import wait_for

        self.card.eject()
        wait_for(READER, False, 3.0)


@pytest.fixture
def person(vpcd_lock: list[str]) -> Iterator[Person]:
    from testbench.cards.pcsc import wait_for

    hand = Person()
    try:
        yield hand
    finally:
        if hand.card is not None:
            hand.card.stop()
        wait_for(READER, False, 3.0)  # the reader empty again for the next test


def test_a_physical_reader_asks_for_the_card_swaps_it_and_says_when_nobody_answers(person: Person) -> None:
    """A reader without a port is physical even in an emulating bay: kept card, asked-for swap, timeout."""
    from testbench.cards.bay import PcscBay

    prompts: list[str] = []
    swap = threading.Event()

    def operator(message: str) -> None:
        prompts.append(message)
        if swap.is_set():
            threading.Timer(0.1, lambda: (person.pull(), person.insert(NURSE))).start()

    person.insert(PSAD)
    with PcscBay(readers={"cps": ReaderSpec(READER)}, prompt=operator, operator_timeout=5.0) as bay:
        bay.present("cps", PSAD)  # the card is there: kept, no question
        assert prompts == [] and not bay.emulated("cps")
        assert check_cards(bay, [("cps", load_profile(PSAD))]).ok
        swap.set()
        bay.present("cps", NURSE)  # the previous case's card is still there: the operator swaps it
        assert prompts == [
            f"Retirez la carte du lecteur « {READER} » (cps) et insérez la carte CPS (CPS4) de test « cps4-nurse » "
            "de JULIE FICTIF (Infirmier)."
        ]
        assert check_cards(bay, [("cps", load_profile(NURSE))]).ok
        swap.clear()
        person.pull()  # the operator changes the card before the bench asks: nothing more is asked
        person.insert(PSAD)
        bay.present("cps", PSAD)
        assert len(prompts) == 1 and check_cards(bay, [("cps", load_profile(PSAD))]).ok
        person.pull()
        bay.operator_timeout = 0.5
        with pytest.raises(CardUnavailable) as caught:
            bay.present("cps", NURSE)  # nobody inserts it
        assert str(caught.value) == (  # recorded without the holder the person was told (the exports meet it)
            f"pas de réponse de l'opérateur en 0.5 s au lecteur {READER} : Insérez la carte CPS (CPS4) de test "
            f"« cps4-nurse » dans le lecteur « {READER} » (cps)."
        )
        assert prompts[-1].startswith("Insérez la carte CPS (CPS4) de test « cps4-nurse »")


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, tuple[Any, list[Any]]]:
    """``testbench run`` of the exam casebook's first case: exit code, stderr, its attempt and guard records."""
    tmp_path.mkdir()
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    code = main([*argv, "-k", CASE, *extra])
    err = capsys.readouterr().err
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
        guards = [e["data"] for e in view.events(attempt.id) if e["kind"] == "card-guard"]
    return code, err, (attempt, guards)


def test_headless_run_guards_the_card_the_operator_inserted(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench run`` with physical readers: a test card is accepted by the guard (the case goes on to its
    manual step, pending headless); a real card is refused by the guard and asked to be changed; an empty reader is
    asked for; a card that never comes leaves the case without a final verdict."""
    from testbench.runner import assemble

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    person.insert(PSAD)
    code, err, (attempt, guards) = _run(tmp_path / "test-card", capsys)
    assert code == 2 and attempt.verdict == "pending", (attempt, err)  # the manual step waits for the operator
    assert [[(c["slot"], c["ok"]) for c in g["checks"]] for g in guards] == [[("cps", True)]]
    assert "Insérez" not in err and "émulateur" not in err + attempt.reason

    person.pull()
    person.insert(REAL)
    monkeypatch.setattr(assemble, "PHYSICAL_CARD_WAIT", 1.0)
    code, err, (attempt, guards) = _run(tmp_path / "real-card", capsys)
    assert "carte réelle refusée" in err and "Carte refusée dans le lecteur" in err, err  # asked to change it
    assert attempt.verdict == "none" and attempt.reason.startswith("non démarré : pas de réponse"), attempt
    assert [[(c["slot"], c["ok"], c["expected"]) for c in g["checks"]] for g in guards] == [
        [("cps", False, "cps3-psad-lpp")]
    ]

    person.pull()
    code, err, (attempt, guards) = _run(tmp_path / "empty", capsys)
    asked = (
        "Insérez la carte CPE (CPS3) de test « cps3-psad-lpp » de MARIE ESSAI (Prestataire de services et "
        f"distributeur de matériels (PSAD)) dans le lecteur « {READER} » (cps)."
    )
    assert asked in err  # told on the terminal, then waited for
    unnamed = asked.replace(" de MARIE ESSAI (Prestataire de services et distributeur de matériels (PSAD))", "")
    assert attempt.reason == f"non démarré : pas de réponse de l'opérateur en 1 s au lecteur {READER} : {unnamed}"
    assert "ESSAI" not in attempt.reason  # recorded without the holder: the exports meet it before any card read
    assert attempt.verdict == "none" and guards == [] and "émulateur" not in err
    code, err, (attempt, guards) = _run(tmp_path / "empty-en", capsys, "--lang", "en")
    assert f"not started: no answer from the operator within 1 s at reader {READER}: Insert the test CPE" in err
    assert "Insert the test CPE card (CPS3) “cps3-psad-lpp”" in err and "Insérez" not in err, err


def test_the_workstation_asks_for_the_card_then_runs_the_case_on_it(
    person: Person, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``testbench ui`` with physical readers: ``r`` shows « Insérez la carte … » in the card prompt and waits
    (a stop ends the wait at once); the operator inserts the card, the guard accepts it and the case goes on
    to its manual step."""
    from textual.widgets import Static

    from testbench.tui.app import WorkstationApp
    from testbench.tui.screens import AttestScreen

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    session = tmp_path / "exam.tbsession"
    seen: dict[str, str] = {}

    async def until(pilot, condition, what: str) -> None:
        for _ in range(800):
            if condition():
                return
            await pilot.pause(0.025)
        pytest.fail(f"never happened: {what}")

    async def scenario(app: WorkstationApp) -> None:
        from test_tui_helpers import wait_run

        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            app.goto_case(app.ws.find(CASE).key)
            prompt = app.query_one("#card-prompt", Static)
            await pilot.press("r")
            await until(pilot, lambda: "Insérez la carte CPE" in str(prompt.content), "the bench asks for the card")
            await pilot.press("ctrl+t")  # stop while the bench waits for the card: no five-minute wait
            await wait_run(app, pilot)
            seen["stopped"] = str(prompt.content)
            prompt.update("")
            await pilot.press("r")
            await until(pilot, lambda: "Insérez la carte CPE" in str(prompt.content), "the bench asks for the card")
            seen["prompt"] = str(prompt.content)
            assert app.running and not isinstance(app.screen, AttestScreen)  # it waits for the card
            await asyncio.to_thread(person.insert, PSAD)
            await until(pilot, lambda: isinstance(app.screen, AttestScreen), "the case reaches its manual step")
            await pilot.press("ctrl+t")  # stop: the step stays pending
            await wait_run(app, pilot)

    def drive(self: WorkstationApp, *args: object, **kwargs: object) -> int:
        asyncio.run(scenario(self))
        return 0

    monkeypatch.setattr(WorkstationApp, "run", drive)
    assert main(["ui", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]) == 0
    assert f"dans le lecteur « {READER} » (cps)" in seen["prompt"]
    assert "carte cps-psad — non vérifiée" in seen["stopped"], seen  # never read: not « refusée »
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts  # stopped without a final verdict: `r` continued it
        events = view.events(attempt.id)
        guards = [e["data"] for e in events if e["kind"] == "card-guard"]
        (resumed,) = [e["data"] for e in events if e["kind"] == "attempt-resumed"]
    assert resumed["after"].startswith(
        f"arrêt demandé avant l'insertion de la carte au lecteur {READER} : Insérez la carte CPE"
    ), resumed
    assert [[(c["slot"], c["ok"]) for c in g["checks"]] for g in guards] == [[("cps", True)]]
    assert attempt.verdict == "pending", attempt


def test_a_physical_reader_that_is_not_plugged_in_stops_the_run_instead_of_in_memory_cards(
    pcsc_stack: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The application reads the physical card: a bench on in-memory cards would guard another card."""
    monkeypatch.setenv("TESTBENCH_CARD_READERS", f"vitale={DEFAULT_READERS['vitale'].name},cps=Lecteur débranché")
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    assert main([*argv, "-k", CASE]) == 2
    err = capsys.readouterr().err
    assert "banc indisponible : pile PC/SC indisponible : 1 lecteur absent : Lecteur débranché" in err, err
    assert "mémoire" not in err
