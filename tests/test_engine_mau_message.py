"""The MAU refusal's message agrees with its counts whatever they are (audit s22-domain): more MAU than acts used
to read « avec 1 actes le même jour »; the message now gives each count after a colon, and reads in English."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables
from testbench.i18n import english

TABLES = load_bundled_tables()


def _refusal(*lines: tuple[str, str]) -> str:
    req: dict[str, Any] = {
        "invoice_ref": "T-1", "mode": "securise", "care_date": "2024-06-03", "ps_category": "infirmier",
        "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": {}},
        "prescription": None, "tiers_payant": "none", "amc": None, "rounding": None,
        "lines": [{"nomenclature": "NGAP", "code": code, "quantity": qty, "coefficient": "1"} for code, qty in lines],
    }  # fmt: skip
    with pytest.raises(EngineRefusal) as info:
        compute_invoice(parse_invoice_request(req), TABLES)
    assert info.value.code == "MAJORATION_NOT_APPLICABLE"
    return info.value.message


@pytest.mark.parametrize(
    ("lines", "counts"),
    [
        ((("AMI", "1"), ("MAU", "2")), "nombre de majorations d'acte unique : 2, nombre d'actes : 1"),
        ((("AMI", "2"), ("MAU", "1")), "nombre de majorations d'acte unique : 1, nombre d'actes : 2"),
    ],
)
def test_the_mau_refusal_gives_both_counts_in_agreement(lines: tuple[tuple[str, str], ...], counts: str) -> None:
    message = _refusal(*lines)
    assert message == f"ligne 2 : MAU (acte unique), une par acte du jour ; {counts}"
    assert "1 actes" not in message and "(s)" not in message


def test_the_mau_refusal_reads_in_english() -> None:
    assert english(_refusal(("AMI", "1"), ("MAU", "2"))) == (
        "line 2: MAU (single act), one per act of the day; number of single-act majorations: 2, number of acts: 1"
    )
