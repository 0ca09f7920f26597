"""The scenario registry of the simulated téléservices (``testbench/domain/teleservices.toml``), read once and
checked.

A scenario is a named answer of one service (``adri`` / ``droits-ouverts``); a fault is how the service
fails to give it (``timeout``, ``server-error``, ``malformed``, ``down``). The registry is data: adding a
scenario of an existing answer kind needs no code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from testbench.domain.teleservices import (
    FAULTS,
    SERVICES,
    RegistryError,
    parse_registry_toml,
    registry_error,
    registry_text,
)
from testbench.i18n import _t

__all__ = ["ANSWERS", "FAULTS", "SERVICES", "Registry", "RegistryError", "Scenario", "parse_registry", "registry"]
#: The answer kinds each service knows (docs/teleservices.md describes each).
ANSWERS: dict[str, frozenset[str]] = {
    "adri": frozenset({"rights", "error"}),
    "apcv": frozenset({"context", "error"}),
    "insi": frozenset({"identities", "error"}),
    "eprescription": frozenset({"prescription", "not-found", "error"}),
}
FORMAT = "testbench-scenarios/1"


@dataclass(frozen=True)
class Scenario:
    """One scenario of a simulated téléservice: what it answers and with which HTTP status."""

    service: str
    name: str
    title: str
    answer: str
    http_status: int
    params: dict[str, Any]  # the rest of the scenario's table, read by its answer kind


@dataclass(frozen=True)
class Registry:
    """The scenarios of every service, and the identity a scenario answers with by default."""

    scenarios: dict[str, dict[str, Scenario]]  # service -> name -> scenario, in file order
    default_identity: dict[str, Any]

    def get(self, service: str, name: str) -> Scenario | None:
        return self.scenarios.get(service, {}).get(name)

    def names(self, service: str) -> tuple[str, ...]:
        return tuple(self.scenarios.get(service, {}))

    def default(self, service: str) -> str:
        """The first scenario of a service: what it plays before the bench chose one."""
        return self.names(service)[0]

    def as_json(self, say: Callable[[str], str] = str) -> dict[str, Any]:
        """Every service's scenario names and titles, the titles in ``say``'s language (the server's)."""
        return {
            service: [{"name": s.name, "title": say(s.title)} for s in by_name.values()]
            for service, by_name in self.scenarios.items()
        }


#: The registry's scenario titles (``title`` in teleservices.toml), marked for the catalogue: ``GET
#: /_bench/scenarios`` answers them in the server's language (``services serve --lang en``: English)
SCENARIO_TITLES = (
    _t("Droits ouverts à la date des soins ; réponse marquée « facture ADRi »"),
    _t("Droits ouverts, ALD reconnue"),
    _t("Droits ouverts, complémentaire santé solidaire (C2S)"),
    _t("Droits ouverts, mais réponse sans marquage « facture ADRi » (pas de garantie de paiement)"),
    _t("Droits fermés à la date des soins (fin des droits 30 jours avant)"),
    _t("Trois bénéficiaires sur le NIR de l'ouvrant droit (rangs 1 à 3)"),
    _t("Bénéficiaire inconnu de l'assurance maladie"),
    _t("Service ADRi indisponible (HTTP 503)"),
    _t("Contexte ApCV valide : identité et droits présentés par le téléphone"),
    _t("Contexte ApCV valide, bénéficiaire C2S"),
    _t("Contexte ApCV expiré (présenté il y a plus de 10 minutes : convention du banc)"),
    _t("Contexte ApCV refusé : application carte Vitale désactivée"),
    _t("Service ApCV indisponible (HTTP 503)"),
    _t("Une identité INS trouvée : l'identité peut être qualifiée"),
    _t("Plusieurs identités pour ces traits : l'identité reste non qualifiée"),
    _t("Aucune identité pour ces traits"),
    _t("Service INSi indisponible (HTTP 503)"),
    _t("Ordonnance numérique de matériel (LPP) : lit médical et soulève-malade"),
    _t("Ordonnance numérique de soins infirmiers (NGAP)"),
    _t("Aucune ordonnance numérique sous ce numéro"),
    _t("Service e-prescription indisponible (HTTP 503)"),
)


def parse_registry(text: str) -> Registry:
    """The registry's scenarios; its first problem a :class:`RegistryError` at the file's line and column."""
    data = parse_registry_toml(text)
    if data.get("format") != FORMAT:
        raise registry_error(f"registre des scénarios : format « {FORMAT} » attendu", text, ("format",))
    scenarios: dict[str, dict[str, Scenario]] = {}
    for service in SERVICES:
        table = data.get(service)
        if not isinstance(table, dict) or not table:
            raise registry_error(f"registre des scénarios : aucun scénario pour {service}", text, (service,))
        scenarios[service] = {name: _scenario(service, name, raw, text) for name, raw in table.items()}
    identity = data.get("default-identity")
    if not isinstance(identity, dict):
        raise registry_error("registre des scénarios : [default-identity] absent")
    return Registry(scenarios, identity)


def _scenario(service: str, name: str, raw: Any, text: str) -> Scenario:
    """One scenario's table, checked: an answer kind of its service, an HTTP status the server can send."""
    if not isinstance(raw, dict) or raw.get("answer") not in ANSWERS[service]:
        raise registry_error(f"registre des scénarios : {service}.{name} : « answer » inconnu", text, (service, name))
    status = raw.get("http_status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        said = f"registre des scénarios : {service}.{name} : http_status : code HTTP de 100 à 599 attendu"
        raise registry_error(said, text, (service, name, "http_status"))
    params = {k: v for k, v in raw.items() if k not in ("title", "answer", "http_status")}
    return Scenario(service, name, str(raw.get("title", name)), raw["answer"], status, params)


@functools.cache
def registry() -> Registry:
    """The bundled registry (package data), read once per process."""
    return parse_registry(registry_text())
