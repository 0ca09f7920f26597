"""In-process fakes for fast unit tests of the runner. Integration tests use the real parts."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from testbench.cards.api import CardUnavailable
from testbench.casebook.model import (
    CardFixture,
    CardRequirement,
    Case,
    Casebook,
    Domain,
    Expectation,
    ExpectationKind,
    Fixtures,
    Mode,
    Patient,
    PlanIdentity,
    Step,
    StepKind,
)
from testbench.domain.refusal import EngineRefusal
from testbench.engines.api import EngineCrash, EngineInfo, JsonObject
from testbench.paths import CARD_PROFILES_DIR


class FakeBay:
    def __init__(self) -> None:
        self.cards: dict[str, Path] = {}
        self.released = 0
        self.pull_on_transmit = False

    def slots(self) -> list[str]:
        return ["vitale", "cps"]

    def present(self, slot: str, profile: Path) -> None:
        self.cards[slot] = profile

    def remove(self, slot: str) -> None:
        self.cards.pop(slot, None)

    def release(self) -> None:
        self.released += 1

    def describe(self) -> str:
        return "fake bay"

    def atr(self, slot: str) -> bytes:
        return b"\x3b"

    def transmit(self, slot: str, apdu: bytes) -> tuple[bytes, int]:
        if self.pull_on_transmit or slot not in self.cards:
            raise CardUnavailable(f"pas de carte dans {slot}")
        return b"", 0x9000


class FakeEngine:
    """AMO = 60 % of quantity × unit price per line; refuses unit prices above 'plv'."""

    def __init__(self, bay: FakeBay, trace: Any = None) -> None:
        self.bay = bay
        self.trace = trace
        self.crash_next = False

    def describe(self) -> EngineInfo:
        return EngineInfo("fake", "0", capabilities=("invoice",))

    def read_cps(self, slot: str) -> JsonObject:
        self.bay.transmit(slot, b"\x00\xa4\x04\x00")
        return {"rpps": "10000000001", "name": "TEST"}

    def read_vitale(self, slot: str) -> JsonObject:
        self.bay.transmit(slot, b"\x00\xa4\x04\x00")
        return {"nir": "1800175123456", "beneficiaries": [{"rank": 1, "coverage": {"ald": False}}]}

    def adri_query(self, request: JsonObject) -> JsonObject:
        return {}

    def create_invoice(self, request: JsonObject) -> JsonObject:
        if self.crash_next:
            self.crash_next = False
            raise EngineCrash("process exited with code -9")
        if self.trace:
            self.trace(f"create_invoice {request['invoice_ref']}")
        lines = []
        for line in request["lines"]:
            price = Decimal(line["unit_price"])
            if line.get("plv") and price > Decimal(line["plv"]):
                raise EngineRefusal("PRICE_ABOVE_PLV", "prix au-delà du PLV")
            base = price * Decimal(line["quantity"])
            lines.append({"base": f"{base:.2f}", "amo": f"{base * Decimal('0.6'):.2f}"})
        amo = sum(Decimal(x["amo"]) for x in lines)
        return {"invoice_id": request["invoice_ref"], "lines": lines, "totals": {"amo": f"{amo:.2f}"}, "fse": "<fse/>"}

    def secure_invoice(self, request: JsonObject) -> JsonObject:
        return {"status": "secured"}

    def build_lot(self, request: JsonObject) -> JsonObject:
        return {"number": "001", "invoice_count": len(request["invoice_ids"])}

    def read_returns(self, request: JsonObject) -> JsonObject:
        return {"status": "ok", "codes": []}

    def close(self) -> None:
        pass


def value(eid: str, path: str, expected: str, **kw: Any) -> Expectation:
    return Expectation(
        id=eid,
        kind=ExpectationKind.VALUE,
        path=path,
        expected=expected,
        value_type=kw.pop("value_type", "decimal"),
        **kw,
    )


def invoice_step(sid: str = "s2", unit_price: str = "14.00", quantity: str = "4", plv: str | None = None) -> Step:
    line = {"nomenclature": "LPP", "code": "1241763", "quantity": quantity, "unit-price": unit_price}
    if plv:
        line["plv"] = plv
    return Step(
        id=sid,
        kind=StepKind.ACTION,
        action="invoice",
        params={"patient": "p1", "care-date": "2026-01-15", "lines": (line,)},
    )


def make_case(
    cid: str,
    steps: tuple[Step, ...],
    expectations: tuple[Expectation, ...] = (),
    mode: Mode = Mode.DEGRADE,
    cards: tuple[CardRequirement, ...] = (),
) -> Case:
    return Case(
        id=cid,
        title=f"cas {cid}",
        domain=Domain.FSE,
        mode=mode,
        objective="objectif",
        tags=("demo",),
        cards=cards,
        steps=steps,
        expectations=expectations,
    )


def make_casebook(cases: tuple[Case, ...], tmp: Path) -> Casebook:
    profile = tmp / "vitale.xml"  # a real profile: a run reads each one before its campaign (Campaign)
    profile.write_bytes((CARD_PROFILES_DIR / "vitale2-adult-standard.xml").read_bytes())
    ident = PlanIdentity("PDT-TEST-001", "EV1", "01.00", date(2026, 1, 1), "1.40", "8", "fournisseur-lpp")
    fixtures = Fixtures(
        cards={"v1": CardFixture("v1", profile)},
        patients={"p1": Patient("p1", rights={"regime": "01", "ald": "false"})},
    )
    digest = hashlib.sha256(repr(cases).encode()).hexdigest()
    return Casebook(tmp / "cb.xml", digest, "1", ident, fixtures, cases)
