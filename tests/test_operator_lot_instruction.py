"""The operator's instruction for a lot reads as a sentence: « Constituez dans le logiciel le lot de la facture 1. »
(one invoice), « … des factures 1, 2. » (several), ending with its period, in English too."""

from __future__ import annotations

from testbench.engines.operator.engine import OperatorEngine
from testbench.i18n import translator


def test_a_lot_of_one_invoice_and_of_several() -> None:
    engine = OperatorEngine(lambda prompt: {})
    one = engine.instruction_of("build_lot", {"invoice_ids": ["1"]})
    several = engine.instruction_of("build_lot", {"invoice_ids": ["1", "2"]})
    assert one == "Constituez dans le logiciel le lot de la facture 1."
    assert several == "Constituez dans le logiciel le lot des factures 1, 2."
    assert translator("en")(one) == "Build, in the application, the lot of invoice 1."
    assert translator("en")(several) == "Build, in the application, the lot of invoices 1, 2."
