"""A secured case that expects its invoice refused after a failed card read (NO_CARD: the card pulled) stays valid
and sends the invoice for the product to refuse (verification s23-verify5 R1): the rule « no secured invoice without
a card read or a valid ApCV context » made such a casebook invalid, every case of it unrun, and the runner put the
step in error without asking the product."""

from __future__ import annotations

from pathlib import Path

from test_secured_invoice_card_or_context import AMO, _apcv, _case, _casebook, _context, _problems

from testbench.casebook.loader import load_casebook
from testbench.runner.actions import invoice_request

PULLED = '<refusal id="r1" step="s-apcv" code="APCV_REFUSED"/><refusal id="r2" step="s-invoice" code="NO_CARD"/>'
CASE = _case("A-REF-INV", "", _apcv("contexte-refuse"), PULLED).replace(AMO, "")  # no amount: the invoice is refused


def test_validate_accepts_an_invoice_expected_refused(tmp_path: Path) -> None:
    assert _problems(_casebook(tmp_path, CASE)) == []


def test_the_runner_sends_it_for_the_product_to_refuse(tmp_path: Path) -> None:
    casebook = load_casebook(_casebook(tmp_path, CASE))
    step = next(s for s in casebook.cases[0].steps if s.action == "invoice")
    assert invoice_request(_context(casebook, {}), step)["mode"] == "securise"
