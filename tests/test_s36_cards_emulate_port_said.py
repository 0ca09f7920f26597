"""Audit s36: ``cards emulate --port P`` on a port past the running pcscd's virtual readers was told « pas de
lecteur virtuel numéro 4002, port 40000 »: a reader number the person never gave, worked out from their port. A
``--port`` is now said as given, « pas de lecteur virtuel sur le port 40000 (lecteurs 0 à 7 : --reader N donne leur
port) »; a ``--reader`` number past the readers keeps its own sentence."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testbench.cards import pcsc_errors
from testbench.cards.pcsc_errors import vpcd_unreachable
from testbench.i18n import english
from testbench.paths import CARD_PROFILES_DIR as P

REFUSED = ConnectionRefusedError(111, "Connection refused")


def test_a_port_given_is_said_as_a_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc_errors, "vpcd_reader_count", lambda: 8)
    said = vpcd_unreachable(40000, REFUSED, by_port=True)
    assert said == "pas de lecteur virtuel sur le port 40000 (lecteurs 0 à 7 : --reader N donne leur port)"
    assert english(said) == "no virtual reader on port 40000 (readers 0 to 7: --reader N gives their port)"
    assert vpcd_unreachable(36097, REFUSED) == "pas de lecteur virtuel numéro 99, port 36097 (lecteurs 0 à 7)"


def test_emulate_on_a_port_past_the_readers_says_the_port(pcsc_stack: list[str]) -> None:
    """Through the running pcscd (its readers listed; nothing listens on the port, so no card is served); in
    English, the French words being those of the test above."""
    command = [sys.executable, "-m", "testbench", "cards", "emulate", str(P / "cps4-nurse.xml"), "--lang", "en"]
    proc = subprocess.run([*command, "--port", "40000", "--duration", "1"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "no virtual reader on port 40000 (readers 0 to" in proc.stderr and "4002" not in proc.stderr, proc.stderr
