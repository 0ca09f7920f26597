"""Steps that go through a simulated téléservice: ADRi, ApCV, INSi, e-prescription.

Before the engine call the bench tells the simulator what to play (the step's ``scenario`` and ``fault``)
and gives the engine the service's address (``service_url`` in the request, docs/teleservices.md);
after it, it waits until the simulator's log of the exchange is read, so the ``http`` trace lines stay
with the step. A simulator that is not there raises :class:`ServicesDown` (the runner: inconclusive).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from testbench.cards.nir import normalize_nir
from testbench.casebook.model import Step
from testbench.engines.api import JsonObject
from testbench.runner.actions import ActionContext, ActionError, beneficiary, patient_of, rank_of
from testbench.services.process import ServicesDown

__all__ = ["HANDLERS", "Services", "ServicesDown"]


class Services(Protocol):
    """What a step needs of the simulators (``testbench.services.process.ServicesProcess``)."""

    def configure(
        self, service: str, scenario: str | None, fault: str = "none", identity: dict[str, Any] | None = None
    ) -> None: ...

    def url(self, service: str) -> str: ...

    def settle(self, timeout: float = 2.0) -> None: ...


@contextmanager
def _service(
    ctx: ActionContext, step: Step, service: str, request: JsonObject, identity: JsonObject | None = None
) -> Iterator[JsonObject]:
    services: Services | None = ctx.services
    if services is None:
        raise ActionError("ce banc n'a pas de téléservices simulés")
    try:
        services.configure(service, step.params.get("scenario"), step.params.get("fault") or "none", identity)
    except ValueError as exc:  # unknown scenario or fault: the casebook's mistake
        raise ActionError(str(exc)) from None
    request["service_url"] = services.url(service)
    try:
        yield request
    finally:
        services.settle()


def _identity(ctx: ActionContext, step: Step) -> JsonObject:
    """Who the step is about: the Vitale card read in this case for the patient's rank, else the fixture."""
    patient = patient_of(ctx, step)
    rank = int(patient.rank if patient and patient.rank else 1)
    vitale = ctx.observations.get("vitale")
    if isinstance(vitale, Mapping):
        for ben in vitale.get("beneficiaries") or []:
            if rank_of(ben) == rank:
                nir = ben.get("nir") or vitale.get("nir")
                return _as_sent({"nir": nir, "rank": rank, **{k: ben.get(k) for k in _TRAITS}})
    rights = {k.replace("-", "_"): v for k, v in (patient.rights if patient else {}).items()}
    return {"nir": rights.get("nir"), "rank": rank, **{k: rights.get(k) for k in _TRAITS}}


_TRAITS = ("name", "first_name", "birth_date")
#: a birth date keyed day first off the product's screen, its year whole; day or month 00 (lunar) kept
_DAY_FIRST = re.compile(r"(\d{2})[/.\- ](\d{2})[/.\- ](\d{4})")


def _as_sent(who: JsonObject) -> JsonObject:
    """A card read's identity as the simulator takes it: the NIR without its spaces, a birth date written day
    first in ISO. An operator keys them as the product shows them (« 1 80 01 75 123 456 78 », « 17/03/1961 »),
    which the simulator refused, and the step was an error blamed on the casebook. A lunar date (« 00/00/1961 ») is
    turned too; a year of two digits is not (no century is guessed for a birth): it goes as keyed, refused."""
    nir, born = who.get("nir"), who.get("birth_date")
    if isinstance(nir, str):
        who["nir"] = normalize_nir(nir)
    if isinstance(born, str) and (day_first := _DAY_FIRST.fullmatch(born.strip())):
        day, month, year = day_first.groups()
        who["birth_date"] = f"{year}-{month}-{day}"
    return who


#: The sex a NIR's first digit says (3, 4: foreign-born provisional; 7, 8: temporary numbers).
_NIR_SEX = {"1": "M", "3": "M", "7": "M", "2": "F", "4": "F", "8": "F"}


def _sex(nir: Any) -> str | None:
    return _NIR_SEX.get(str(nir or "")[:1])


def _adri(ctx: ActionContext, step: Step) -> dict[str, Any]:
    request: JsonObject = {
        "beneficiary": beneficiary(ctx, step),
        "care_date": step.params.get("care-date"),
        "query": step.params.get("query") or "cible",
    }
    if not step.params.get("scenario") and step.params.get("fault", "none") == "none":
        return {"adri": ctx.engine.adri_query(request)}  # no téléservice: the engine's own rights lookup
    with _service(ctx, step, "adri", request):
        return {"adri": ctx.engine.adri_query(request)}


def _case_care_date(ctx: ActionContext, step: Step) -> str | None:
    """The step's care date, else the case's: that of the first invoice after the step (else before it), so that
    the context's rights are dated from the care they bill and the case never expires with the calendar; None
    (the service's today) in a case without a dated invoice."""
    if step.params.get("care-date"):
        return str(step.params["care-date"])
    steps = list(ctx.case.steps)
    at = next((i for i, other in enumerate(steps) if other.id == step.id), len(steps))
    for other in steps[at + 1 :] + steps[:at]:
        if other.action == "invoice" and other.params.get("care-date"):
            return str(other.params["care-date"])
    return None


def _apcv(ctx: ActionContext, step: Step) -> dict[str, Any]:
    request: JsonObject = {"channel": step.params.get("channel") or "qr", "care_date": _case_care_date(ctx, step)}
    identity = _identity(ctx, step) if step.params.get("patient") else None
    with _service(ctx, step, "apcv", request, identity):
        return {"apcv": ctx.engine.apcv_context(request)}


def _insi(ctx: ActionContext, step: Step) -> dict[str, Any]:
    who = _identity(ctx, step)
    traits = {
        "birth_name": who.get("name"),
        "first_name": who.get("first_name"),
        "sex": _sex(who.get("nir")),
        "birth_date": who.get("birth_date"),
    }
    request: JsonObject = {"traits": traits, "nir": who.get("nir")}
    with _service(ctx, step, "insi", request):
        return {"insi": ctx.engine.insi_query(request)}


def _eprescription(ctx: ActionContext, step: Step) -> dict[str, Any]:
    request: JsonObject = {"number": step.params.get("number", "")}
    with _service(ctx, step, "eprescription", request):
        return {"eprescription": ctx.engine.eprescription_fetch(request)}


HANDLERS: dict[str, Callable[[ActionContext, Step], dict[str, Any]]] = {
    "adri": _adri,
    "apcv": _apcv,
    "insi": _insi,
    "eprescription": _eprescription,
}
