"""A simulator replaced after it died (or hung) listened on a new port: an application under test set to the
address the bench channel showed (operator mode, docs/teleservices.md) then called a port nobody listens on, and
every later téléservice step of the exam was lost. A restart listens on the former port when it is free, and on
another one, said on the bench channel, when it is taken meanwhile."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from testbench.services.process import ServicesDown, ServicesProcess


@pytest.fixture
def services() -> Iterator[tuple[ServicesProcess, list[str]]]:
    said: list[str] = []
    proc = ServicesProcess(on_start=said.append)
    yield proc, said
    proc.close()


def _killed(proc: ServicesProcess) -> None:
    """The server killed from outside, and the bench told of it at its next use (the step's inconclusive)."""
    assert proc._proc is not None
    proc._proc.kill()
    proc._proc.wait(5)
    with pytest.raises(ServicesDown, match="simulateur de téléservices"):
        proc.ensure()


def test_a_restart_listens_on_the_former_port(services: tuple[ServicesProcess, list[str]]) -> None:
    proc, said = services
    proc.ensure()
    former = proc.port
    _killed(proc)
    proc.ensure()
    assert proc.port == former
    assert "redémarré" in said[-2]
    assert said[-1].startswith(f"téléservices simulés à l'écoute sur http://127.0.0.1:{former} ")


def test_a_former_port_taken_meanwhile_gives_another(services: tuple[ServicesProcess, list[str]]) -> None:
    proc, said = services
    proc.ensure()
    former = proc.port
    assert former is not None
    _killed(proc)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", former))
        squatter.listen()
        proc.ensure()
        assert proc.port not in (None, former)
    assert said[-1].startswith(f"téléservices simulés à l'écoute sur http://127.0.0.1:{proc.port} ")
