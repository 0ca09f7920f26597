"""The dates of an invoice in their order: prescribed, then cared for, then billed within the year.

An invoice billed before its care, more than a year after it, or whose prescription is dated after it is
refused by the engine (docs/reference-engine.md, « PSAD/MAD rules »): a casebook that writes such dates and
expects the invoice to go through only learns it at run time. Each is a mistake of the casebook unless the
case tests that refusal on the step, as a half rental period is (:mod:`testbench.casebook.rental`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from testbench.casebook.lazy import CaseParts
from testbench.casebook.model import Fixtures
from testbench.domain.dates import one_year_after
from testbench.i18n import _t

Report = Callable[..., None]
BILLING_BEFORE_CARE = "BILLING_BEFORE_CARE"
BILLING_DELAY_EXCEEDED = "BILLING_DELAY_EXCEEDED"
PRESCRIPTION_AFTER_CARE = "PRESCRIPTION_AFTER_CARE"
_BEFORE = _t("facture du {billed} avant les soins du {care} : corrigez, ou attendez le refus {refusal}")
_DELAY = _t("soins du {care} facturés le {billed}, un an ou plus après : corrigez, ou attendez le refus {refusal}")
_PRESCRIBED_AFTER = _t(
    "prescription du {prescribed} postérieure aux soins du {care} : corrigez, ou attendez le refus {refusal}"
)


def check_care_dates(parts: CaseParts, fixtures: Fixtures, report: Report) -> None:
    """Each invoice's billing and prescription dates against its dates of care, unless the step's expected
    refusal is the one the engine would give."""
    expected = parts.expectations
    refused = {attrs.get("step"): attrs.get("code") for kind, _id, attrs, _at in expected if kind == "refusal"}
    read_eprescription = False
    for action, sid, params, at, _lines, _text, _observe in parts.steps:
        if action == "eprescription":
            read_eprescription = True  # later invoices carry the prescription read: its date is checked there
        elif action == "invoice":
            _check_invoice(params, at, fixtures, refused.get(sid), read_eprescription, report)


def _check_invoice(
    params: dict[str, Any], at: int, fixtures: Fixtures, refusal: str | None, read_eprescription: bool, report: Report
) -> None:
    care_date = params.get("care-date", "")
    days = [_date(line.get("date") or care_date) for line in params.get("lines", ())] or [_date(care_date)]
    known = [day for day in days if day is not None]
    if len(known) < len(days):
        return  # the schema refuses a date (and says so)
    first, last = min(known), max(known)
    billing = params.get("billing-date")
    billed = _date(billing) if billing is not None else last
    if billed is None:
        return
    where = "billing-date" if billing is not None else "care-date"
    # in the engine's order (engines.reference.psad.check_invoice): it stops at the first refusal, so a check after
    # the one the step expects is never reached (a shared prescription dated after a delay test's old care)
    if billed < last:
        if refusal == BILLING_BEFORE_CARE:
            return
        report(at, _BEFORE, where, billed=billed.isoformat(), care=last.isoformat(), refusal=BILLING_BEFORE_CARE)
    limit = one_year_after(first)
    if limit is not None and billed >= limit:
        if refusal == BILLING_DELAY_EXCEEDED:
            return
        report(at, _DELAY, where, care=first.isoformat(), billed=billed.isoformat(), refusal=BILLING_DELAY_EXCEEDED)
    if read_eprescription or refusal == PRESCRIPTION_AFTER_CARE:
        return
    prescribed, attribute = params.get("prescription-date"), "prescription-date"
    if prescribed is None:
        fixture = fixtures.prescriptions.get(params.get("prescription") or "")
        prescribed, attribute = (fixture.attributes.get("date") if fixture else None), "prescription"
    day = _date(prescribed) if prescribed else None
    if day is not None and day > first:
        report(
            at,
            _PRESCRIBED_AFTER,
            attribute,
            prescribed=day.isoformat(),
            care=first.isoformat(),
            refusal=PRESCRIPTION_AFTER_CARE,
        )


def _date(text: str) -> date | None:
    """The date, or None when the schema refuses it (and says so)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


__all__ = ["check_care_dates"]
