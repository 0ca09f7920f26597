"""The e-prescription rule compares what the bench observed: an engine that does not give the optional
``prescription`` key of ``create_invoice`` (docs/engine-protocol.md) is not failed for an invoice it cannot see
(an editor's engine following the protocol failed both bundled e-prescription cases), and a read whose number the
operator did not key (assisted mode) is compared with the number the step fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_eprescription_invoice_consistency import READ, _case, _casebook

from testbench.casebook.loader import load_casebook
from testbench.runner.actions import ActionContext, PrescriptionMismatch, perform


class _Engine:
    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result

    def create_invoice(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"invoice_id": "INV-1", "number": "1", "totals": {}, **self.result}


def _perform(tmp_path: Path, result: dict[str, Any], read: dict[str, Any]) -> None:
    casebook = load_casebook(_casebook(tmp_path, _case()))
    ctx = ActionContext(casebook, casebook.cases[0], engine=_Engine(result), bay=None, invoice_prefix="T")  # type: ignore[arg-type]
    ctx.observations["eprescription"] = read
    ctx.by_step["s-rx"] = {"eprescription": read}
    perform(ctx, next(s for s in casebook.cases[0].steps if s.action == "invoice"))


def test_an_engine_that_does_not_give_the_invoices_prescription_is_not_failed(tmp_path: Path) -> None:
    _perform(tmp_path, {}, READ)


def test_a_read_without_its_number_is_compared_with_the_number_the_step_fetched(tmp_path: Path) -> None:
    keyed = {key: value for key, value in READ.items() if key != "number"}  # the operator keyed the lines only
    other = {"prescription": {"eprescription_id": "RX-2026-0009"}}
    with pytest.raises(PrescriptionMismatch, match="identifiant RX-2026-0009 au lieu de RX-2026-0001"):
        _perform(tmp_path, other, keyed)
