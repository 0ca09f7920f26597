"""The téléservices' shared words: the services, the faults, and the scenario registry's names.

The registry (``teleservices.toml``, beside this module) is data the casebook's checks read for the
names a step may give (a misspelt scenario is caught by ``testbench validate``, not at run time) and the
simulators (``testbench.services``) read for the answers. One file, one owner.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from testbench.domain.vocabulary import TELESERVICE_INVALID_ANSWER, TELESERVICE_UNAVAILABLE

SERVICES: tuple[str, ...] = ("adri", "apcv", "insi", "eprescription")
#: ``none`` answers the scenario; ``timeout`` holds the answer back (longer than any client waits);
#: ``server-error`` answers HTTP 500; ``malformed`` answers HTTP 200 with truncated JSON; ``down`` closes
#: the connection without an answer, as a stopped server does.
FAULTS: tuple[str, ...] = ("none", "timeout", "server-error", "malformed", "down")
#: The one refusal each injected fault leaves an engine that calls the service (docs/teleservices.md § The
#: engine calls): no answer, an HTTP 500 or a closed connection is unavailable; a truncated body is invalid.
FAULT_REFUSALS: dict[str, str] = {
    "timeout": TELESERVICE_UNAVAILABLE,
    "server-error": TELESERVICE_UNAVAILABLE,
    "down": TELESERVICE_UNAVAILABLE,
    "malformed": TELESERVICE_INVALID_ANSWER,
}
#: The step action that calls each service (the same word).
SERVICE_ACTIONS: frozenset[str] = frozenset(SERVICES)


class RegistryError(Exception):
    """The registry file is not what the simulator can play (a packaging or editing mistake); said in French
    from the catalogue's templates, as every reason a person reads, after the file's place (``path:line:col: ``)."""


def _registry_file() -> Any:
    return resources.files(__package__ or "testbench.domain").joinpath("teleservices.toml")


def registry_text() -> str:
    """The bundled registry file's text (package data)."""
    return _registry_file().read_text(encoding="utf-8")


def registry_error(
    problem: str, text: str = "", keys: tuple[str, ...] = (), at: tuple[int, int] | None = None
) -> RegistryError:
    """A problem of the registry, placed: at ``at`` (line, column), else where ``keys`` is written in ``text``,
    else at the file alone."""
    from testbench.tomlfile import place

    at = at or (place(text, keys) if keys and text else None)
    where = str(_registry_file()) + (f":{at[0]}:{at[1]}" if at else "")
    return RegistryError(f"{where}: {problem}")


def parse_registry_toml(text: str) -> dict[str, Any]:
    """The registry's TOML; its syntax error a :class:`RegistryError` at its line and column."""
    from testbench.tomlfile import TomlSyntaxError, parse_toml

    try:
        return parse_toml(text)
    except TomlSyntaxError as exc:
        said, params = exc.said()
        problem = f"registre des scénarios illisible : {said.format(**params)}"
        raise registry_error(problem, at=(exc.line, exc.col)) from None


@functools.cache
def registry_data() -> dict[str, Any]:
    """The bundled registry's data (a casebook naming a scenario, the simulators: not every run reads it)."""
    return parse_registry_toml(registry_text())


def scenario_names(service: str) -> tuple[str, ...]:
    """The scenarios a step of ``service`` may name, in the registry's order."""
    table = registry_data().get(service)
    return tuple(table) if isinstance(table, dict) else ()
