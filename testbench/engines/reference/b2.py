"""A B2-like lot file: fixed 128-character records whose field map is data (data/b2_layout.json).

Our own layout, not the B2 norm (the PS flavour is not public). The writer and the parser share the
field map, so a test can read back what was written and check the totals against the lines.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import InvoiceRequest, Prescription
from testbench.engines.reference.money import ZERO, cents
from testbench.engines.reference.split import InvoiceComputation, LineResult

RECORD_LENGTH = 128


@dataclass(frozen=True)
class Field:
    """One field of a B2-like record: its name, kind and place in the 128 characters."""

    name: str
    kind: str  # alpha | num | amount | date
    start: int  # 1-based
    length: int


class B2FormatError(ValueError):
    """A value does not fit its field, or a record does not match the layout."""


class B2Overflow(B2FormatError):
    """A number too large for its field: the lot cannot carry it (an amount keyed far too high, not a layout
    fault), so ``build_lot`` refuses it in words rather than failing."""

    def __init__(self, f: Field, number: int) -> None:
        super().__init__(f"{f.name} : {number} dépasse {f.length} chiffres")
        self.field, self.number = f, number

    def sentence(self) -> str:
        """The refusal's French message: the value and the largest the field holds, in euros for an amount."""
        most = 10**self.field.length - 1
        if self.field.kind == "amount":
            value, limit = R.euros(Decimal(self.number).scaleb(-2)), R.euros(Decimal(most).scaleb(-2))
        else:
            value, limit = str(self.number), str(most)
        return f"lot : {value} ne tient pas dans la zone {self.field.name} du lot (au plus {limit})"


@cache
def layout() -> dict[str, tuple[Field, ...]]:
    raw = json.loads(resources.files("testbench.engines.reference").joinpath("data/b2_layout.json").read_text("utf-8"))
    out: dict[str, tuple[Field, ...]] = {}
    for rtype, spec in raw["records"].items():
        pos = 1
        fields = []
        for name, kind, length in spec["fields"]:
            fields.append(Field(name, kind, pos, length))
            pos += length
        if pos - 1 > RECORD_LENGTH:
            raise B2FormatError(f"record {rtype}: {pos - 1} characters > {RECORD_LENGTH}")
        out[rtype] = tuple(fields)
    return out


def _alpha(value: Any) -> str:
    text = unicodedata.normalize("NFKD", "" if value is None else str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return "".join(c if (c.isascii() and (c.isalnum() or c in " .-/+")) else " " for c in text)


def _render_field(f: Field, value: Any) -> str:
    if f.kind == "alpha":
        text = _alpha(value)
        if len(text) > f.length:
            text = text[: f.length]  # alphanumerics are truncated, like labels in B2
        return text.ljust(f.length)
    if f.kind == "date":
        if value is None:
            return "0" * f.length
        assert isinstance(value, date)
        return value.strftime("%y%m%d")
    if f.kind == "amount":
        number = cents(value if isinstance(value, Decimal) else Decimal(value or 0))
    else:
        number = int(value or 0)
    if number < 0:
        raise B2FormatError(f"{f.name} : valeur négative {number}")
    text = str(number).rjust(f.length, "0")
    if len(text) > f.length:
        raise B2Overflow(f, number)
    return text


def render(rtype: str, values: dict[str, Any]) -> str:
    fields = layout()[rtype]
    values = {**values, "type": rtype}
    record = "".join(_render_field(f, values.get(f.name)) for f in fields)
    return record.ljust(RECORD_LENGTH)


def parse_record(record: str) -> tuple[str, dict[str, Any]]:
    """Parse one record back into typed values (amounts as Decimal, dates as date or None)."""
    if len(record) != RECORD_LENGTH:
        raise B2FormatError(f"enregistrement de {len(record)} caractères (128 attendus)")
    rtype = record[:3]
    fields = layout().get(rtype)
    if fields is None:
        raise B2FormatError(f"type d'enregistrement inconnu {rtype}")
    out: dict[str, Any] = {}
    for f in fields:
        raw = record[f.start - 1 : f.start - 1 + f.length]
        if f.kind == "alpha":
            out[f.name] = raw.rstrip()
        elif f.kind == "amount":
            out[f.name] = Decimal(int(raw)).scaleb(-2)
        elif f.kind == "num":
            out[f.name] = int(raw)
        else:
            out[f.name] = None if raw == "000000" else date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
    return rtype, out


def parse_file(text: str) -> list[tuple[str, dict[str, Any]]]:
    return [parse_record(rec) for rec in text.splitlines() if rec]


@dataclass(frozen=True)
class LotInvoice:
    """An invoice as a lot holds it: its number, its computation and its organisme (régime, caisse, centre)."""

    number: str
    computation: InvoiceComputation
    organisme: tuple[str, str, str] = ("", "", "")


def _nir_parts(nir: str | None) -> tuple[str, str]:
    nir = (nir or "").replace(" ", "")
    return nir[:13], nir[13:15]


def invoice_records(inv: LotInvoice) -> list[str]:
    comp = inv.computation
    req = comp.request
    ben = req.beneficiary
    nir, key = _nir_parts(ben.nir)
    records = [
        render(
            "200",
            {
                "numero_facture": inv.number,
                "nir": nir,
                "cle_nir": key,
                "rang": ben.rank,
                "regime": ben.regime,
                "nature_assurance": comp.nature_assurance,
                "exoneration": comp.exo_invoice,
                "destinataire_reglement": comp.tiers_payant_dict()["drg"],
                "date_soins": req.care_date,
                "date_naissance": ben.birth_date,
                "mode": {"securise": "S", "degrade": "D", "sesam-sans-vitale": "V"}[req.mode],
                "payeur_amc": comp.amc_payer,
                "nombre_lignes": len(comp.lines),
                "reference": req.invoice_ref,
                "caisse": inv.organisme[1],  # the request's, or the Vitale card's the engine read
                "centre": inv.organisme[2],
                "date_facturation": req.billed_on,
            },
        )
    ]
    complement = _invoice_complement(req)
    if complement:
        records.append(render("210", {"numero_facture": inv.number, **complement}))
    for i, r in enumerate(comp.lines, 1):
        records.append(
            render(
                "3F0" if r.line.nomenclature == "LPP" else "400",
                {
                    "numero_facture": inv.number,
                    "numero_ligne": i,
                    "prestation": r.prestation,
                    "code": r.line.code,
                    "date": r.when,
                    "quantite": r.line.quantity,
                    "coefficient": r.line.coefficient,
                    "tarif": r.tariff,
                    "prix_unitaire": r.unit_price,
                    "facture": r.billed,
                    "base": r.base,
                    "taux": int(r.decision.rate),
                    "amo": r.amo,
                    "amc": r.amc,
                    "depassement": r.depassement,
                    "patient": r.patient,
                    "exo": r.decision.exo,
                    "etat": r.state,
                    "qualificatif": qualificatif(r),
                },
            )
        )
        details = _line_complement(r) if r.line.nomenclature == "LPP" else None
        if details:
            records.append(render("3F1", {"numero_facture": inv.number, "numero_ligne": i, **details}))
    t = comp.totals
    records.append(
        render(
            "500",
            {
                "numero_facture": inv.number,
                "nombre_lignes": len(comp.lines),
                "facture": t["billed"],
                "base": t["base"],
                "amo": t["amo"],
                "amc": t["amc"],
                "patient": t["patient"],
                "depassement": t["depassement"],
                "part_assure_avant_oc": t["billed"] - t["amo"] - t["state"],
                "etat": t["state"],
            },
        )
    )
    return records


def qualificatif(r: LineResult) -> str:
    """The line's qualificatif de la dépense: "N" for AME care, which the AMO does not reimburse (RG_VF650)."""
    return "N" if r.decision.rule == "ame" else ""


def _invoice_complement(req: InvoiceRequest) -> dict[str, Any]:
    """Record 210's values: the prescription, the AT/MP accident and the accord préalable, when given."""
    p = req.prescribed or Prescription()
    values = {
        "prescripteur": p.prescriber,
        "date_prescription": p.date,
        "numero_prescription": p.number,
        "eprescription": p.eprescription_id,
        "numero_at": req.at_number,
        "date_at": req.at_date,
        "accord_prealable": req.accord_prealable,
    }
    return values if any(values.values()) else {}


def _line_complement(r: LineResult) -> dict[str, Any]:
    """Record 3F1's values: an LPP line's rental period, supplier and own prescriber, when it has some."""
    extra = r.line.extra
    values = {
        "debut_location": extra.rental_start,
        "fin_location": extra.rental_end,
        "code_location": extra.rental_code,
        "siret": extra.supplier_siret,
        "lppr": extra.lppr,
        "prescripteur": extra.prescriber,
        "accord_prealable": "O" if extra.accord_prealable else None,
    }
    return values if any(values.values()) else {}


def lot_totals(invoices: list[LotInvoice]) -> dict[str, Decimal]:
    keys = ("billed", "base", "amo", "amc", "patient", "depassement", "state")
    return {k: sum((inv.computation.totals[k] for inv in invoices), ZERO) for k in keys}


def build_lot_file(
    lot_number: int, invoices: list[LotInvoice], emitter: str, created: date, destination: tuple[str, str, str]
) -> str:
    """One file holding one lot; lines end with CRLF-free ``\\n``."""
    regime, caisse, centre = destination
    totals = lot_totals(invoices)
    records = [
        render(
            "000",
            {
                "norme": "TB-B2-LIKE",
                "emetteur": emitter,
                "numero_fichier": lot_number,
                "date_creation": created,
                "nombre_lots": 1,
                "mention": "FORMAT TESTBENCH NON CERTIFIE",
            },
        ),
        render(
            "100",
            {
                "numero_lot": lot_number,
                "regime": regime,
                "caisse": caisse,
                "centre": centre,
                "nombre_factures": len(invoices),
                "date_creation": created,
            },
        ),
    ]
    for inv in invoices:
        records.extend(invoice_records(inv))
    records.append(
        render(
            "190",
            {
                "numero_lot": lot_number,
                "nombre_factures": len(invoices),
                "facture": totals["billed"],
                "base": totals["base"],
                "amo": totals["amo"],
                "amc": totals["amc"],
                "patient": totals["patient"],
                "etat": totals["state"],
            },
        )
    )
    records.append(
        render(
            "999",
            {
                "nombre_lots": 1,
                "nombre_enregistrements": len(records) + 1,
                "facture": totals["billed"],
                "amo": totals["amo"],
            },
        )
    )
    return "\n".join(records) + "\n"
