"""A simulator still there but silent when its start time is up is said with how long the bench waited and
that it stopped it, as a simulator that stops answering is (« ne répond pas en 5 s : arrêté »)."""

from __future__ import annotations

import sys

import pytest

from testbench.i18n import english
from testbench.services import process
from testbench.services.process import ServicesDown, ServicesProcess


def test_a_silent_simulator_is_said_with_the_wait_and_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process, "START_TIMEOUT", 0.5)
    services = ServicesProcess(argv=[sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(ServicesDown) as down:
        services.ensure()
    said = str(down.value)
    assert said == "le simulateur de téléservices n'a pas démarré : pas de port annoncé en 0.5 s, arrêté"
    assert english(said) == "the teleservice simulator did not start: no port announced in 0.5 s, stopped"
    assert not services.running  # killed, not left behind
