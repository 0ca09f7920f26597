"""A card another application uses at the same time, through the real pcscd + vpcd.

``cards probe`` beside an application holding the card (the product under test, a campaign) must neither
reset it (pcscd then answers that application's next command W_RESET_CARD) nor slip its commands between
the application's: one PC/SC transaction, and the card left as it is. A bench whose card another
application resets carries on when it had sent nothing yet, else ends the case with a clear sentence, never
a bench fault (« erreur interne »), and does not reset the card once more under that application.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from smartcard import scard

from testbench.cards import apdu as A
from testbench.cards import layout as L
from testbench.cards.api import ApduExchange
from testbench.cards.bay import PcscBay
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]
SELECT_MF = list(A.select_fid(L.FID_MF))
#: the held application's own command, told apart from the probe's in the emulator's trace
MARK = "80CA9F7F00"


class Application:
    """Another PC/SC client holding the card in one reader (shared), as a product under test does."""

    def __init__(self, reader: str) -> None:
        hr, self.ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hr == scard.SCARD_S_SUCCESS
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, self.hcard, active = scard.SCardConnect(self.ctx, reader, scard.SCARD_SHARE_SHARED, protocols)
        assert hr == scard.SCARD_S_SUCCESS, hex(hr & 0xFFFFFFFF)
        self.pci = scard.SCARD_PCI_T1 if active == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0

    def transmit(self, command: list[int]) -> tuple[int, list[int]]:
        hr, response = scard.SCardTransmit(self.hcard, self.pci, command)
        return hr & 0xFFFFFFFF, response

    def reset(self) -> int:
        """Reset the card and keep this handle (the other handles on the card learn it from pcscd); PC/SC's
        answer."""
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, _ = scard.SCardReconnect(self.hcard, scard.SCARD_SHARE_SHARED, protocols, scard.SCARD_RESET_CARD)
        return hr & 0xFFFFFFFF

    def close(self) -> None:
        scard.SCardDisconnect(self.hcard, scard.SCARD_LEAVE_CARD)
        scard.SCardReleaseContext(self.ctx)


@pytest.fixture
def application(pcsc_bay: PcscBay) -> Iterator[Callable[[str], Application]]:
    opened: list[Application] = []

    def open_on(reader: str) -> Application:
        opened.append(Application(reader))
        return opened[-1]

    yield open_on
    for app in opened:
        app.close()


@pytest.mark.parametrize("command", ["probe", "record"])
def test_probe_beside_an_application_neither_resets_the_card_nor_comes_between_its_commands(
    pcsc_bay: PcscBay, application: Callable[[str], Application], tmp_path: Path, command: str
) -> None:
    """``cards probe`` and ``cards record`` alike: the engineer reads the card the application holds."""
    pcsc_bay.present("vitale", P / "vitale2-atmp.xml")
    pcsc_bay.release()
    reader = pcsc_bay.reader_name("vitale")
    app = application(reader)
    assert app.transmit(SELECT_MF) == (0, [0x90, 0x00])
    done = threading.Event()
    answers: list[int] = []

    def keep_using() -> None:  # the application goes on with its own exchanges meanwhile
        while not done.is_set():
            answers.append(app.transmit(list(bytes.fromhex(MARK)))[0])
            done.wait(0.002)

    user = threading.Thread(target=keep_using)
    user.start()
    try:
        options = ["--json"] if command == "probe" else ["--out", str(tmp_path / "recorded.jsonl")]
        probe = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", command, "--reader", reader, *options],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
        )
    finally:
        done.set()
        user.join(10)
    assert probe.returncode == 0, probe.stderr
    if command == "probe":
        assert json.loads(probe.stdout)["beneficiaries"][0]["coverage"]["at_mp"] is True
    else:  # the public read recorded, exchange by exchange
        assert len((tmp_path / "recorded.jsonl").read_text(encoding="utf-8").splitlines()) >= 5
    assert app.transmit(SELECT_MF) == (0, [0x90, 0x00])  # not W_RESET_CARD (0x80100068): the card was left
    assert answers and set(answers) == {0}  # the application's commands waited for the probe's, none failed
    trace = tmp_path / "emulator" / "emulator-vitale.jsonl"
    commands = [json.loads(line)["command"] for line in trace.read_text(encoding="utf-8").splitlines()]
    probe_at = [i for i, c in enumerate(commands) if c != MARK][1:-1]  # within the application's two SELECTs
    assert len(probe_at) >= 5  # the probe read the card (SELECTs, READ BINARYs)
    between = commands[probe_at[0] : probe_at[-1] + 1]
    assert MARK in commands[: probe_at[0]]  # the application was exchanging when the probe came
    assert MARK not in between  # one transaction: the probe's commands ran in one piece


def test_a_reset_by_another_application_before_the_benchs_first_command_is_recovered(
    pcsc_bay: PcscBay, application: Callable[[str], Application]
) -> None:
    pcsc_bay.present("vitale", P / "vitale2-c2s.xml")
    pcsc_bay.atr("vitale")  # the bench is connected, and has sent nothing yet
    app = application(pcsc_bay.reader_name("vitale"))
    assert app.reset() == scard.SCARD_S_SUCCESS
    with pcsc_bay.sequence("vitale"):  # the bench's sequence: the application's commands wait for its end
        assert pcsc_bay.transmit("vitale", A.select_fid(L.FID_MF)) == (b"", 0x9000)  # was: card unavailable
    assert app.transmit(SELECT_MF) == (0, [0x90, 0x00])


def test_a_reset_another_application_asks_for_mid_read_waits_for_the_benchs_sequence(
    vpcd_lock: list[str], tmp_path: Path
) -> None:
    """A run through pcscd: another application resets the Vitale card while the first case reads it. The bench
    reads inside a PC/SC transaction, so that reset waits for the bench's commands (it used to land between
    them and end the case « carte indisponible ») and both cases pass; the application's reset is done."""
    from testbench.casebook.loader import load_casebook
    from testbench.runner.assemble import Bench, assembled_bench
    from testbench.runner.campaign import Campaign
    from testbench.runner.events import StepStarted
    from testbench.runner.options import BenchOptions, CampaignOptions
    from testbench.runner.tracing import TraceRecorder

    casebook = load_casebook(REPO / "casebooks" / "psad-fse-securise.xml")
    cases = {c.id: c for c in casebook.cases}
    options = CampaignOptions(BenchOptions(cards="pcsc", engine="inprocess"))
    benches: list[Bench] = []
    apps: list[Application] = []
    resets: list[threading.Thread] = []
    answers: list[int] = []  # the application's reset, as PC/SC answered it

    armed = threading.Event()

    def factory(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
        benches.append(assembled_bench(options.bench)(recorder, notify))
        bay = benches[-1].bay
        assert isinstance(bay, PcscBay)

        def reset_after_the_first_read(ex: ApduExchange) -> None:  # mid-read: the card has a file selected
            if armed.is_set() and ex.slot == "vitale":
                armed.clear()
                reader = bay.reader_name("vitale")

                def reset() -> None:  # connect and reset: each waits for the bench's transaction
                    apps.append(Application(reader))
                    answers.append(apps[0].reset())

                resets.append(threading.Thread(target=reset))
                resets[0].start()

        bay.add_sink(reset_after_the_first_read)
        return benches[-1]

    def listener(event: object) -> None:
        if isinstance(event, StepStarted) and event.case.id == "PSAD-SEC-001" and event.step.id == "s-vitale":
            armed.set()
        elif isinstance(event, StepStarted) and resets:  # the reading's sequence is over: the reset has its turn,
            resets[0].join(10)  # done before the bench goes on (the next case puts its own cards in the reader)

    session = tmp_path / "reset.tbsession"
    campaign = Campaign([casebook], session, options, bench_factory=factory, listener=listener)
    try:
        result = campaign.run_selection([(casebook, cases["PSAD-SEC-001"]), (casebook, cases["PSAD-SEC-002"])])
        for reset in resets:
            reset.join(10)
            assert not reset.is_alive()
    finally:
        for app in apps:
            app.close()
    assert resets, "the application never reset the card"
    assert answers == [scard.SCARD_S_SUCCESS], [hex(a) for a in answers]
    assert result.verdicts == {"PSAD-SEC-001": "pass", "PSAD-SEC-002": "pass"}
