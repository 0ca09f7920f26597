"""The téléservices' shared words: the services, the faults, and the scenario registry's names.

The registry (``teleservices.toml``, beside this module) is data the casebook's checks read for the
names a step may give (a misspelt scenario is caught by ``testbench validate``, not at run time) and the
simulators (``testbench.services``) read for the answers. One file, one owner.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

SERVICES: tuple[str, ...] = ("adri", "apcv", "insi", "eprescription")
#: ``none`` answers the scenario; ``timeout`` holds the answer back (longer than any client waits);
#: ``server-error`` answers HTTP 500; ``malformed`` answers HTTP 200 with truncated JSON; ``down`` closes
#: the connection without an answer, as a stopped server does.
FAULTS: tuple[str, ...] = ("none", "timeout", "server-error", "malformed", "down")
#: The step action that calls each service (the same word).
SERVICE_ACTIONS: frozenset[str] = frozenset(SERVICES)


def registry_text() -> str:
    """The bundled registry file's text (package data)."""
    return resources.files(__package__ or "testbench.domain").joinpath("teleservices.toml").read_text(encoding="utf-8")


@functools.cache
def registry_data() -> dict[str, Any]:
    import tomllib  # a casebook naming a scenario, the simulators: not every run

    return tomllib.loads(registry_text())


def scenario_names(service: str) -> tuple[str, ...]:
    """The scenarios a step of ``service`` may name, in the registry's order."""
    table = registry_data().get(service)
    return tuple(table) if isinstance(table, dict) else ()
