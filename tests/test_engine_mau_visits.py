"""MAU (majoration acte unique) is our rule, unverified (audit s22-domain, finding 3): as many MAU as acts that day,
so two single-act visits (a line of quantity 2, IDE-NGAP-013) take two MAU, and its refusal says it is ours."""

from __future__ import annotations

from typing import Any

import pytest

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference import refusals as R
from testbench.engines.reference.model import parse_invoice_request
from testbench.engines.reference.split import compute_invoice
from testbench.engines.reference.tables import load_bundled_tables
from testbench.i18n import translator

TABLES = load_bundled_tables()


def nurse(*lines: tuple[str, str]) -> dict[str, Any]:
    return {"invoice_ref": "T-1", "mode": "securise", "care_date": "2024-06-03", "ps_category": "infirmier",
            "beneficiary": {"nir": "1850575123456", "rank": 1, "regime": "01", "coverage": {}},
            "prescription": None, "tiers_payant": "none", "amc": None, "rounding": None,
            "lines": [{"nomenclature": "NGAP", "code": code, "quantity": qty, "coefficient": "1"}
                      for code, qty in lines]}  # fmt: skip


def split(req: dict[str, Any]):
    return compute_invoice(parse_invoice_request(req), TABLES)


def test_two_visits_each_with_its_mau_are_billed() -> None:
    res = split(nurse(("AMI", "2"), ("MAU", "2"), ("IFD", "2")))
    assert res.totals_dict()["amo"] == "8.70"  # AMI 3.78 + MAU 1.62 + IFD 3.30


@pytest.mark.parametrize("lines", [(("AMI", "2"), ("MAU", "1")), (("AMI", "1"), ("AIS", "1"), ("MAU", "1"))])
def test_one_mau_beside_two_acts_is_still_refused(lines: tuple[tuple[str, str], ...]) -> None:
    with pytest.raises(EngineRefusal) as info:
        split(nurse(*lines))
    assert info.value.code == "MAJORATION_NOT_APPLICABLE"


def test_the_refusal_meaning_says_the_rule_is_ours_and_unverified() -> None:
    meaning = R.MEANINGS[R.MAJORATION_NOT_APPLICABLE]
    assert "Règle de testbench, non vérifiée" in meaning and "pas un texte de la NGAP" in meaning
    english = translator("en")(meaning)
    assert english != meaning and "testbench rule, unverified" in english
