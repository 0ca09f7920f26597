"""A PS category the reference engine has no rate for is refused, never priced at the auxiliaries' 60 %
(audit s26 D2): by the casebook check at its place, and by the engine with a refusal code."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import problems_after

from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english


def physician(category: str) -> dict[str, object]:
    ben = {"nir": "1520199999001", "rank": 1, "regime": "01", "birth_date": "1960-01-01", "coverage": {}}
    line = {"nomenclature": "NGAP", "code": "G", "quantity": "1", "coefficient": "1", "tariff": "25.00"}
    return {"invoice_ref": f"PS-{category}", "mode": "degrade", "care_date": "2024-06-03", "beneficiary": ben,
            "tiers_payant": "none", "ps_category": category, "lines": [line]}


def test_a_general_practitioner_is_rated_as_a_physician() -> None:
    line = ReferenceEngine().create_invoice(physician("medecin-generaliste"))["lines"][0]
    assert (line["rate"], line["amo"]) == ("70", "17.50")  # billing-rules §4: G 25 € → 17.50 €


def test_the_engine_refuses_an_unknown_category() -> None:
    with pytest.raises(EngineRefusal) as info:
        ReferenceEngine().create_invoice(physician("sage-femme"))
    assert info.value.code == "UNKNOWN_PS_CATEGORY" and "medecin-generaliste" in info.value.message
    said = english(info.value.message)
    assert said.startswith("unknown PS category sage-femme (known: ") and "inconnue" not in said, said


def test_the_casebook_check_places_an_unknown_category_and_suggests_the_nearest(tmp_path: Path) -> None:
    problems = problems_after(tmp_path, "<ps-category>fournisseur-lpp<", "<ps-category>infirmiere<")
    assert len(problems) == 1
    fr, en = problems[0].text("fr"), problems[0].text("en")
    assert ":11:" in fr and "« infirmiere » inconnue — vouliez-vous dire « infirmier » ?" in fr, fr
    assert "did you mean “infirmier”" in en and "masseur-kinesitherapeute" in en, en


def test_the_reference_engine_rates_every_category_a_casebook_may_name() -> None:
    """The casebook format's list (domain.vocabulary) and the reference engine's table agree: a casebook the check
    accepts is never refused by our engine for its category, and the engine knows no category a casebook cannot
    name."""
    from testbench.domain.vocabulary import PS_CATEGORIES
    from testbench.engines.reference.tables import load_bundled_tables

    assert set(load_bundled_tables().ps_categories) == PS_CATEGORIES
