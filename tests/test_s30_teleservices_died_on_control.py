"""A simulator that dies while the bench sets a step's scenario is said once, with how it ended, and forgotten:
the next step starts a fresh one (docs/teleservices.md § Verdicts: « a process that died is said with that case
only »), rather than that step being inconclusive too for the same death."""

from __future__ import annotations

import sys

import pytest

from testbench.services.process import ServicesDown, ServicesProcess, command

#: A stand-in for the server: it announces a port, then ends (code 3) at the first request, answering nothing.
DIES_ON_FIRST_REQUEST = """
import json, os, socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
print(json.dumps({"port": server.getsockname()[1], "host": "127.0.0.1"}), flush=True)
server.accept()
os._exit(3)
"""


def test_a_simulator_dead_on_a_control_request_is_said_once_and_the_next_step_starts_a_fresh_one() -> None:
    said: list[str] = []
    proc = ServicesProcess(argv=[sys.executable, "-c", DIES_ON_FIRST_REQUEST], on_start=said.append)
    try:
        with pytest.raises(ServicesDown) as first:
            proc.configure("adri", "droits-ouverts")
        assert str(first.value) == "le simulateur de téléservices s'est arrêté (code 3)"
        proc.argv = command()
        proc.configure("adri", "droits-fermes")  # the next step: a fresh simulator, no second verdict
        assert proc.running
        assert said[-2].startswith("simulateur de téléservices redémarré (processus "), said
    finally:
        proc.close()
