"""A card mute at power-up, through the real pcscd + vpcd: the connect that powers it up never returns.

pcscd powers an unused card down; the next SCardConnect powers it up and vpcd waits for its ATR, with no
time limit on either side. The bay's watchdog covers that connect as it covers a transmit: at
``transmit_timeout`` it pulls the emulated card, the call ends with a sentence, the case is inconclusive,
the campaign goes on, and a ^C stops the run at once (the emulator processes get it too).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from smartcard import scard

from testbench.cards.api import CardUnavailable
from testbench.cards.bay import PcscBay
from testbench.cards.inprocess import Fault
from testbench.cards.profile import load_profile
from testbench.cards.reader_pools import DEFAULT_READERS
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[1]


def power_down(reader: str) -> None:
    """Have pcscd power the card down now (as it does to a card left unused): the next connect powers it up."""
    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hr == scard.SCARD_S_SUCCESS
    try:
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, hcard, _ = scard.SCardConnect(ctx, reader, scard.SCARD_SHARE_SHARED, protocols)
        assert hr == scard.SCARD_S_SUCCESS, hex(hr & 0xFFFFFFFF)
        assert scard.SCardDisconnect(hcard, scard.SCARD_UNPOWER_CARD) == scard.SCARD_S_SUCCESS
    finally:
        scard.SCardReleaseContext(ctx)


def mute_at_power_up(bay: PcscBay, slot: str) -> None:
    bay.inject_fault(slot, Fault("mute-power"))
    power_down(bay.reader_name(slot))


def within(seconds: float, call: Callable[[], object], rescue: Callable[[], None]) -> object:
    """``call()``'s result or exception, failing the test when it has not returned within ``seconds`` — then
    ``rescue()`` pulls the cards so that pcscd lets the reader go for the next tests."""
    box: list[object] = []

    def run() -> None:
        try:
            box.append(call())
        except BaseException as exc:
            box.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        rescue()
        worker.join(10)
        pytest.fail(f"still waiting for the card after {seconds:g} s: the connect hangs")
    return box[0]


def _pull_all(bay: PcscBay) -> Callable[[], None]:
    def rescue() -> None:
        for reader in bay._active.values():
            if reader.card is not None:
                reader.card.stop()

    return rescue


def test_a_card_mute_at_power_up_ends_the_connect_at_the_deadline_with_a_sentence(pcsc_bay: PcscBay) -> None:
    cps = load_profile(P / "cps3-psad-lpp.xml")
    pcsc_bay.present("cps", cps)
    mute_at_power_up(pcsc_bay, "cps")
    start = time.monotonic()
    outcome = within(pcsc_bay.transmit_timeout + 5.0, lambda: pcsc_bay.atr("cps"), _pull_all(pcsc_bay))
    took = time.monotonic() - start
    assert isinstance(outcome, CardUnavailable), outcome
    reader = pcsc_bay.reader_name("cps")
    assert str(outcome) == f"la carte du lecteur « {reader} » ne répond pas à la connexion (muette depuis 2 s)"
    assert english(str(outcome)) == f"the card in reader “{reader}” does not answer the connection (mute for 2 s)"
    assert pcsc_bay.transmit_timeout <= took < pcsc_bay.transmit_timeout + 2.0
    pcsc_bay.present("cps", cps)  # the next case: a fresh card in the same reader
    assert pcsc_bay.atr("cps") == cps.atr


def test_a_card_mute_at_power_up_ends_its_case_and_the_campaign_goes_on(vpcd_lock: list[str], tmp_path: Path) -> None:
    """A run through pcscd whose first case's CPS is mute when the guard connects to it: that case ends
    inconclusive with the sentence, in bounded time, and the next case passes (it used to hang the run)."""
    from testbench.casebook.loader import load_casebook
    from testbench.runner.assemble import Bench, assembled_bench
    from testbench.runner.campaign import Campaign
    from testbench.runner.options import BenchOptions, CampaignOptions
    from testbench.runner.tracing import TraceRecorder
    from testbench.store.read import read_session

    casebook = load_casebook(REPO / "casebooks" / "psad-fse-securise.xml")
    cases = {c.id: c for c in casebook.cases}
    options = CampaignOptions(BenchOptions(cards="pcsc", engine="inprocess"))
    bays: list[PcscBay] = []

    def factory(recorder: TraceRecorder, notify: Callable[[str], None]) -> Bench:
        bench = assembled_bench(options.bench)(recorder, notify)
        bay = bench.bay
        assert isinstance(bay, PcscBay)
        bay.transmit_timeout = 2.0
        bays.append(bay)
        present = bay.present

        def present_then_mute(slot: str, profile: object) -> None:
            present(slot, profile)  # type: ignore[arg-type]
            if slot == "cps" and len(bays) == 1 and not getattr(bay, "_muted", False):
                bay._muted = True  # type: ignore[attr-defined]  (the first case only)
                mute_at_power_up(bay, "cps")

        bay.present = present_then_mute  # type: ignore[method-assign]
        return bench

    session = tmp_path / "mute.tbsession"
    campaign = Campaign([casebook], session, options, bench_factory=factory)
    selection = [(casebook, cases["PSAD-SEC-001"]), (casebook, cases["PSAD-SEC-002"])]

    def rescue() -> None:
        for bay in bays:
            _pull_all(bay)()

    start = time.monotonic()
    result = within(60.0, lambda: campaign.run_selection(selection), rescue)
    assert not isinstance(result, BaseException), result
    assert time.monotonic() - start < 30.0
    assert result.verdicts == {"PSAD-SEC-001": "inconclusive", "PSAD-SEC-002": "pass"}  # type: ignore[attr-defined]
    with read_session(session) as view:
        (attempt,) = view.attempts_of((casebook.sha256, "PSAD-SEC-001"))
    assert "ne répond pas à la connexion (muette depuis 2 s)" in attempt.reason, attempt.reason
    assert "erreur interne" not in attempt.reason


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT")
def test_a_ctrl_c_stops_a_connect_to_a_card_mute_at_power_up_at_once(vpcd_lock: list[str], tmp_path: Path) -> None:
    """^C reaches the emulator processes (same process group): the card goes, the connect returns, and the
    run gets its KeyboardInterrupt at once, not at the watchdog's deadline (set far here)."""
    script = tmp_path / "connect.py"
    script.write_text(
        "import sys, time\n"
        "from testbench.cards.bay import PcscBay\n"
        "from testbench.cards.reader_pools import DEFAULT_READERS\n"
        "from testbench.paths import CARD_PROFILES_DIR as P\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_cards_mute_connect import mute_at_power_up\n"
        "with PcscBay({'cps': DEFAULT_READERS['cps']}, transmit_timeout=60.0) as bay:\n"
        "    bay.present('cps', P / 'cps3-psad-lpp.xml')\n"
        "    mute_at_power_up(bay, 'cps')\n"
        "    print('connecting', flush=True)\n"
        "    try:\n"
        "        bay.atr('cps')\n"
        "    except KeyboardInterrupt:\n"
        "        print('interrupted', flush=True)\n"
        "        sys.exit(130)\n",
        encoding="utf-8",
    )
    child = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the ^C below reaches it and its emulator only
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "connecting"
        time.sleep(0.5)  # the connect under way, waiting for the card's ATR
        start = time.monotonic()
        os.killpg(child.pid, signal.SIGINT)
        out, err = child.communicate(timeout=20)
        took = time.monotonic() - start
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(10)
    assert child.returncode == 130, err
    assert out.strip() == "interrupted"
    assert took < 5.0
    with PcscBay({"cps": DEFAULT_READERS["cps"]}, emulator="thread") as bay:
        bay.present("cps", P / "cps4-nurse.xml")  # pcscd let the reader go
        assert bay.atr("cps") == load_profile(P / "cps4-nurse.xml").atr


@pytest.mark.parametrize("command", ["probe", "record"])
def test_cards_probe_and_record_give_up_on_a_card_mute_at_power_up(
    pcsc_bay: PcscBay, tmp_path: Path, command: str
) -> None:
    """The engineer's own commands: a card that answers nothing ends ``cards probe`` / ``cards record`` with the
    sentence and exit 2 once it has been mute for ``MUTE_AFTER`` seconds (it used to hang until killed)."""
    from testbench.cli.cards_cmd import MUTE_AFTER

    pcsc_bay.present("vitale", P / "vitale2-c2s.xml")
    mute_at_power_up(pcsc_bay, "vitale")
    reader = pcsc_bay.reader_name("vitale")
    options = ["--json"] if command == "probe" else ["--out", str(tmp_path / "recorded.jsonl")]
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "testbench", "cards", command, "--reader", reader, *options],
            capture_output=True,
            text=True,
            timeout=MUTE_AFTER + 20,
            cwd=REPO,
        )
    finally:
        _pull_all(pcsc_bay)()  # pcscd's connect still waits for the card's ATR: the card goes
    took = time.monotonic() - start
    assert done.returncode == 2, done.stderr
    said = f"la carte du lecteur « {reader} » ne répond pas à la connexion (muette depuis 10 s)"
    assert done.stderr.strip() == f"testbench cards : {said}", done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert MUTE_AFTER <= took < MUTE_AFTER + 8
