"""A NOEMIE-like return simulator: ARL (positive / negative) and RSP (payments / rejects).

Our own text layout, inspired by the public description of NOEMIE PS files (docs/reference-engine.md,
« Outputs »): a fixed 128-character header entity ``000``, variable entities
``code(3) + niveau(2) + data`` terminated by ``@``, an entity ``990`` holding the totals of the level
it closes, and a fixed 128-character end entity ``999``. Field layouts are ours.

Reject codes: the six code pairs are real (a CPAM memo); the ARL codes
are ours (the real list is not public).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from testbench.engines.reference.money import ZERO, cents

#: Real RSP reject code pairs (a CPAM memo), labels paraphrased.
RSP_REJECT_CODES: dict[str, str] = {
    "0460 053": "ETABLISSEMENT PRESCRIPTEUR INCONNU DU FICHIER NATIONAL",
    "0470 049": "PRESCRIPTION INTERDITE A CETTE DATE",
    "2900 005": "FACTURE DEJA PAYEE",
    "0450 072": "EXONERATION CARTE VITALE ABSENTE DU FICHIER CAISSE A LA DATE DES SOINS",
    "0250 050": "ASSURE ABSENT DE NOTRE REFERENTIEL",
    "0317 051": "INCOMPATIBILITE NATURE D'ASSURANCE",
}
#: ARL reject codes: OUR OWN (no public list).
ARL_REJECT_CODES: dict[str, str] = {
    "ARL-001": "LOT NON CONFORME AU CAHIER DES CHARGES",
    "ARL-002": "LOT TELETRANSMIS A L'AVANCE",
    "ARL-003": "TOTAUX DU LOT INCOHERENTS",
}
#: rsp-partial's default reason is OUR choice: the memo gives 0450 072 as a reject, not as a partial payment's reason
DEFAULT_CODES = {"arl-negative": "ARL-001", "rsp-rejected": "2900 005", "rsp-partial": "0450 072"}
SCENARIOS = ("arl-positive", "arl-negative", "rsp-paid", "rsp-rejected", "rsp-partial")


@dataclass(frozen=True)
class ReturnedInvoice:
    """An invoice of the lot a return is about, and what the AMO owes for it."""

    number: str
    amount_due: Decimal  # what the AMO pays under tiers payant (0 without)


@dataclass(frozen=True)
class ReturnResult:
    """A simulated return: its status, codes and details, its NOEMIE-like text and what was paid."""

    status: str  # accepted | rejected | paid | partial
    codes: list[str]
    details: list[dict[str, str]]
    text: str
    paid: Decimal = ZERO  # RSP: what the AMO pays for the lot


def code_label(code: str) -> str:
    return RSP_REJECT_CODES.get(code) or ARL_REJECT_CODES.get(code) or "MOTIF NON REFERENCE"


def _fixed(text: str) -> str:
    return text[:128].ljust(128)


def simulate(
    scenario: str,
    lot_number: int,
    invoices: list[ReturnedInvoice],
    code: str | None,
    today: date,
    paid: Decimal = ZERO,
) -> ReturnResult:
    """Build the return for a lot; the caller has checked the scenario name and, for ``rsp-partial``, that
    ``paid`` (what the AMO pays for the lot) is below what it owes. A partial payment is spread over the
    lot's invoices in their order, each paid up to its due; an invoice paid less carries the reason code."""
    kind = "ARL" if scenario.startswith("arl") else "RSP"
    lines = [_fixed(f"000TB-NOEMIE-LIKE {kind} {today.strftime('%y%m%d')} LOT{lot_number:06d} NON CERTIFIE")]
    codes: list[str] = []
    details: list[dict[str, str]] = []
    paid_total = ZERO
    if scenario == "arl-positive":
        status = "accepted"
        lines.append(f"10001{lot_number:06d}P{len(invoices):04d}@")
    elif scenario == "arl-negative":
        status = "rejected"
        reject = code or DEFAULT_CODES[scenario]
        codes.append(reject)
        details.append({"level": "lot", "code": reject, "label": code_label(reject), "lot": f"{lot_number:06d}"})
        lines.append(f"10001{lot_number:06d}N{reject:<8}{code_label(reject)}@")
    elif scenario == "rsp-paid":
        status = "paid"
        for inv in invoices:
            paid_total += inv.amount_due
            details.append({"level": "invoice", "invoice": inv.number, "amount_paid": str(inv.amount_due)})
            lines.append(f"21002{inv.number:>09}P{cents(inv.amount_due):010d}@")
    elif scenario == "rsp-partial":
        status = "partial"
        reason = code or DEFAULT_CODES[scenario]
        codes.append(reason)
        left = paid
        for inv in invoices:
            amount = min(inv.amount_due, left)
            left -= amount
            paid_total += amount
            detail = {"level": "invoice", "invoice": inv.number, "amount_due": str(inv.amount_due)}
            detail["amount_paid"] = str(amount)
            if amount == inv.amount_due:
                lines.append(f"21002{inv.number:>09}P{cents(amount):010d}@")
            else:  # M: paid less than due ("minoré"), with the reason
                detail.update(code=reason, label=code_label(reason))
                lines.append(f"21002{inv.number:>09}M{cents(amount):010d}{reason:<8}{code_label(reason)}@")
            details.append(detail)
    else:
        status = "rejected"
        reject = code or DEFAULT_CODES["rsp-rejected"]
        codes.append(reject)
        for inv in invoices:
            details.append({"level": "invoice", "invoice": inv.number, "code": reject, "label": code_label(reject)})
            lines.append(f"21002{inv.number:>09}R{0:010d}{reject:<8}{code_label(reject)}@")
    lines.append(f"99001{len(lines) - 1:06d}{cents(paid_total):012d}@")
    lines.append(_fixed(f"999{len(lines) + 1:06d}"))
    text = "\n".join(lines) + "\n"
    return ReturnResult(status=status, codes=codes, details=details, text=text, paid=paid_total)
