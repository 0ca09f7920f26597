"""A simulator that dies before it announces its port is said with how it ended (its exit code, or the signal
that killed it) and with the sentence it wrote on stderr — the file of a fault's details included — never only
« pas de port annoncé »."""

from __future__ import annotations

import sys

import pytest

from testbench.i18n import english
from testbench.services.process import ServicesDown, ServicesProcess


def reason(argv: list[str]) -> str:
    with pytest.raises(ServicesDown) as down:
        ServicesProcess(argv=argv).ensure()
    return str(down.value)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_simulator_killed_while_starting_is_said_with_its_signal() -> None:
    said = reason([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
    assert said == "le simulateur de téléservices n'a pas démarré : le simulateur de téléservices a été tué par le signal 9 (SIGKILL)"  # noqa: E501


def test_a_simulator_that_failed_keeps_the_file_of_its_details() -> None:
    crash = (
        "import sys; print('Traceback (most recent call last):', file=sys.stderr); "
        "print('testbench services: erreur interne de testbench ; le détail, pour la signaler, est dans "
        "/tmp/testbench-erreur-1.txt', file=sys.stderr); sys.exit(2)"
    )
    said = reason([sys.executable, "-c", crash])
    assert english(said) == (
        "the teleservice simulator did not start: the teleservice simulator stopped (code 2); "
        "testbench internal error; the details, to report it, are in /tmp/testbench-erreur-1.txt"
    )
    assert "Traceback" not in said
