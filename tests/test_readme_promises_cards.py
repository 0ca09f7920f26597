"""README § Exam day and rehearsal: ``testbench cards probe --reader "Virtual PCD 00 00"`` « identify and decode a
card (read-only) ». A real ``cards probe --trace`` process on the running pcscd's virtual readers, the card emulated
from a bundled profile: every command it sends is a read (SELECT, READ BINARY/RECORD, GET RESPONSE/DATA; for a
CPS, VERIFY without a code, ISO 7816's query of the tries left), and a CPS on its last try still has it after two
probes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from testbench.cards.bay import PcscBay
from testbench.paths import CARD_PROFILES_DIR

#: SELECT, READ BINARY, READ RECORD, GET RESPONSE, GET DATA (both forms)
READS = {0xA4, 0xB0, 0xB2, 0xC0, 0xCA, 0xCB}
VERIFY = 0x20

pytestmark = pytest.mark.integration


def _probe(reader: str) -> tuple[str, list[bytes]]:
    """``cards probe --trace`` of ``reader``: (what it shows, the commands it sent)."""
    done = subprocess.run(
        [sys.executable, "-m", "testbench", "cards", "probe", "--reader", reader, "--trace"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sent = [bytes.fromhex(m) for m in re.findall(r"^\[probe\] A>> ([0-9A-F ]+)$", done.stderr, flags=re.M)]
    assert sent, done.stderr  # the trace is there to check
    return done.stdout, sent


def test_probe_of_a_vitale_card_only_reads(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("vitale", CARD_PROFILES_DIR / "vitale2-atmp.xml")
    pcsc_bay.release()  # the CLI is another PC/SC client
    shown, sent = _probe("Virtual PCD 00 00")
    assert "Carte Vitale 2 de test" in shown
    assert [c.hex(" ") for c in sent if c[1] not in READS] == []


def test_probe_of_a_cps_on_its_last_try_leaves_it(pcsc_bay: PcscBay) -> None:
    pcsc_bay.present("cps", CARD_PROFILES_DIR / "cps3-pin-last-try.xml")
    pcsc_bay.release()
    for _ in range(2):
        shown, sent = _probe("Virtual PCD 00 01")
        assert "essais code porteur restants : 1" in shown, shown
        assert [c.hex(" ") for c in sent if c[1] not in READS | {VERIFY}] == []
        assert [c.hex(" ") for c in sent if c[1] == VERIFY and len(c) != 4] == []  # no code ever sent
