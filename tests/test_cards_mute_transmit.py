"""A card the bench does not emulate that goes mute in the middle of a read, through the real pcscd + vpcd.

Neither pcscd nor vpcd puts a time limit on a command, and the bay cannot pull a card it does not emulate
(a physical reader, or a vpcd reader another program serves): the transport's own limit ends the call with
a sentence, and a SIGTERM (a CI's cancel) stops a run blocked on that card at once, its session kept. Here
the card is an emulator of the test's own in a vpcd reader named without its port (physical for the bench).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.cards.api import CardUnavailable
from testbench.cards.emulator_control import PortLock, ThreadCard
from testbench.cards.inprocess import Fault
from testbench.cards.pcsc import CardMute, PyscardTransport, wait_for
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P
from testbench.paths import CASEBOOKS_DIR
from testbench.store.read import read_session

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
SPEC = DEFAULT_READERS["cps"]
READER = SPEC.name  # a vpcd reader, named without its port: physical for the bench
PHYSICAL = f"vitale={DEFAULT_READERS['vitale'].name},cps={READER}"
PSAD = P / "cps3-psad-lpp.xml"
CASE = "EXAM-LPP-001"  # the exam casebook's first case: the PSAD's CPS in the cps reader
SELECT_MF = bytes.fromhex("00A4000C023F00")


@pytest.fixture
def card(vpcd_lock: list[str]) -> Iterator[ThreadCard]:
    """The PSAD's CPS in the cps reader, served by the test (not by a bay); pulled at the end, which also ends
    pcscd's wait for a mute card's answer, so the reader is free for the next tests."""
    lock = PortLock(SPEC.port, {"command": "test", "file": PSAD.name})  # as a bay or `cards emulate` takes it
    lock.acquire(60.0)
    served = ThreadCard(load_profile(PSAD), SPEC, "cps", None)
    try:
        served.wait_inserted(3.0)
        wait_for(READER, True, 3.0)
        yield served
    finally:
        served.stop()
        try:
            wait_for(READER, False, 5.0)
        finally:
            lock.release()


def blocked(card: ThreadCard, after: int, timeout: float = 20.0) -> None:
    """Wait until ``card`` has answered ``after`` commands (it is mute from then on), and a little more: the next
    command is then under way and waits for an answer that never comes."""
    deadline = time.monotonic() + timeout
    while card.icc.count < after:
        assert time.monotonic() < deadline, f"the card answered {card.icc.count} commands, not {after}"
        time.sleep(0.05)
    time.sleep(0.5)


def test_the_transport_gives_up_a_mute_card_at_its_limit_and_starts_afresh(card: ThreadCard) -> None:
    transport = PyscardTransport(READER, answer_timeout=1.0)
    try:
        assert transport.transmit_raw(SELECT_MF)[-2:] == b"\x90\x00"
        card.set_fault(Fault("mute", after=0))  # the next command gets no answer
        start = time.monotonic()
        with pytest.raises(CardMute) as caught:
            transport.transmit_raw(SELECT_MF)
        took = time.monotonic() - start
        assert 1.0 <= took < 1.6, took
        assert str(caught.value) == f"la carte du lecteur « {READER} » ne répond plus (muette depuis 1 s)"
        assert english(str(caught.value)) == f"the card in reader “{READER}” no longer answers (mute for 1 s)"
        assert not caught.value.connecting
        time.sleep(1.0)  # the card still says nothing: the next call is told so at once, with how long it has been
        start = time.monotonic()
        with pytest.raises(CardMute) as again:
            transport.transmit_raw(SELECT_MF)
        assert time.monotonic() - start < 0.2
        assert str(again.value) == f"la carte du lecteur « {READER} » ne répond plus (muette depuis 2 s)"
        # the card pulled and put back: pcscd's wait ends, the transport connects again on a fresh context
        card.eject()
        wait_for(READER, False, 5.0)
        card.insert(load_profile(PSAD), 3.0)
        wait_for(READER, True, 3.0)
        assert transport.transmit_raw(SELECT_MF)[-2:] == b"\x90\x00"
    finally:
        transport.dispose()


def test_the_bay_says_a_physical_card_mute_once_and_the_next_case_is_told_at_once(card: ThreadCard) -> None:
    """A bay over a reader it does not emulate: no card to pull, the transport's limit ends the command with the
    bay's sentence; the next case's first command is told at once that the card is still mute (pcscd keeps the
    reader busy), never that another application holds it (the bench's own connection left waiting)."""
    from testbench.cards.bay import PcscBay
    from testbench.cards.reader_pools import ReaderSpec

    with PcscBay(readers={"cps": ReaderSpec(READER)}, transmit_timeout=1.0) as bay:
        bay.present("cps", PSAD)  # the card is in the reader: kept
        assert bay.transmit("cps", SELECT_MF)[1] == 0x9000
        card.set_fault(Fault("mute", after=0))
        start = time.monotonic()
        with pytest.raises(CardUnavailable) as caught:
            bay.transmit("cps", SELECT_MF)
        assert 1.0 <= time.monotonic() - start < 1.6
        assert str(caught.value) == f"la carte du lecteur « {READER} » ne répond plus (muette depuis 1 s)"
        bay.present("cps", PSAD)  # the next case: the card is still there, and still mute
        start = time.monotonic()
        with pytest.raises(CardUnavailable) as again:
            bay.transmit("cps", SELECT_MF)
        assert time.monotonic() - start < 0.5
        assert str(again.value).startswith(f"la carte du lecteur « {READER} » ne répond plus (muette depuis ")


def test_a_run_on_a_card_that_goes_mute_mid_read_ends_the_case_with_the_sentence(
    card: ThreadCard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``testbench run`` on a physical reader whose card stops answering during the guard's read: the case ends
    in the bay's time limit (5 s) with the sentence, and the run exits as for a bench failure (2)."""
    from testbench.cli.main import main

    monkeypatch.setenv("TESTBENCH_CARD_READERS", PHYSICAL)
    card.set_fault(Fault("mute", after=2))  # the guard's read is cut after its second command
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    start = time.monotonic()
    code = main([*argv, "-k", CASE])
    took = time.monotonic() - start
    err = capsys.readouterr().err
    assert code == 2, err
    assert took < 12.0, took
    said = f"la carte du lecteur « {READER} » ne répond plus (muette depuis 5 s)"
    assert err.count(said) == 1, err  # once: the transport's limit and the bay's watchdog say one sentence
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
    assert said in attempt.reason and attempt.verdict in ("inconclusive", "none"), attempt
    assert "Traceback" not in err and "erreur interne" not in attempt.reason


@pytest.mark.skipif(os.name != "posix", reason="a SIGTERM a process can handle is POSIX")
def test_sigterm_stops_a_run_blocked_on_a_mute_card_at_once_and_keeps_its_session(
    card: ThreadCard, tmp_path: Path
) -> None:
    """A CI's cancel (SIGTERM) while the run waits for a card that does not answer: the run stops at once (not
    when the card is pulled), says so, exits 2, and its session is kept for ``--resume``."""
    card.set_fault(Fault("mute", after=2))
    session = tmp_path / "s.tbsession"
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "TESTBENCH_CARD_READERS": PHYSICAL, "HOME": str(home), "XDG_DATA_HOME": ""}
    argv = ["run", str(CASEBOOKS_DIR / "exam-demo.xml"), "--session", str(session), "--engine", "operator"]
    run = subprocess.Popen(
        [sys.executable, "-m", "testbench", *argv, "-k", CASE],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        blocked(card, 2)  # the guard's third command waits for the mute card (the bay's limit is 5 s)
        assert run.poll() is None, run.communicate()
        start = time.monotonic()
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=20)
        took = time.monotonic() - start
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(10)
    assert took < 2.0, (took, err)  # well before the 5 s limit: the signal itself stopped it
    assert run.returncode == 2 and "Traceback" not in err, err
    assert "interrompu" in err and "muette" not in err, err
    with read_session(session) as view:
        (attempt,) = view.cases[0].attempts
    assert attempt.verdict in ("none", "error", ""), attempt  # no final verdict: --resume runs it again
    # the card answers again: --resume goes on with the session, as far as the case's manual step
    card.eject()
    wait_for(READER, False, 5.0)
    card.insert(load_profile(PSAD), 3.0)
    wait_for(READER, True, 10.0)  # pcscd sees it within a poll or two; after the mute card, on a loaded CI, later
    resumed = subprocess.run(
        [sys.executable, "-m", "testbench", *argv, "--resume"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resumed.returncode == 2 and "Traceback" not in resumed.stderr, resumed.stderr
    with read_session(session) as view:
        verdicts = [a.verdict for a in view.cases[0].attempts]
    assert verdicts[-1] == "pending", (verdicts, resumed.stderr)  # the manual step waits for the operator


def test_cards_probe_of_a_card_that_goes_mute_mid_read_ends_with_the_sentence(card: ThreadCard) -> None:
    """The engineer's own command on a card another program serves: the read stops with the sentence and exit 2
    once the card has been silent for ``MUTE_AFTER`` seconds, nothing printed as if read."""
    from testbench.cli.cards_cmd import MUTE_AFTER

    card.set_fault(Fault("mute", after=3))  # the card answers the first commands of the read, then nothing
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "testbench", "cards", "probe", "--reader", READER],
        capture_output=True,
        text=True,
        timeout=MUTE_AFTER + 20,
        cwd=REPO,
    )
    took = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    said = f"la carte du lecteur « {READER} » ne répond plus (muette depuis 10 s)"
    assert done.stderr.strip().splitlines()[-1] == f"testbench cards : {said}", done.stderr
    assert "Traceback" not in done.stderr and "Carte CPE" not in done.stdout
    assert MUTE_AFTER <= took < MUTE_AFTER + 8
