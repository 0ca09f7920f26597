"""Every worked example of the billing rules (E1–E10 and their variants, billing-rules §11), with every figure the
example states: through the reference engine's protocol call (``create_invoice``, the amounts as strings), and
the same invoices as a casebook run by ``testbench run``, as an editor comparing its amounts with ours runs it.

Inputs are the examples' own (LPP fixture tariffs of §8.3, NGAP values of §9); the date of care, 2024-06-03, is
after the franchise went to 1 € (2024-03-31). A figure here changes only if a rule of the engine breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest

from testbench.cli.main import main
from testbench.domain.refusal import EngineRefusal
from testbench.engines.reference.engine import ReferenceEngine

CARE_DATE = "2024-06-03"
BED = {"code": "1241763", "quantity": "4", "unit_price": "14.00"}  # lit médical, 14.00/semaine, PLV = tarif
LIFT = {"code": "1231782", "quantity": "4", "unit_price": "22.00"}  # soulève-malade, 17.53, sans PLV
NUTRITION = {"code": "1105215", "quantity": "30", "unit_price": "5.07"}  # tarif 4.07, PLV 5.07
PPC = {"code": "1113930", "quantity": "13", "unit_price": "21.00"}  # PPC forfait 9.1, 21.00/semaine
NURSE_VISIT = [  # E8: AMI 1 + MAU + IFD
    {"nomenclature": "NGAP", "code": "AMI", "quantity": "1", "unit_price": "3.15"},
    {"nomenclature": "NGAP", "code": "MAU", "quantity": "1", "unit_price": "1.35"},
    {"nomenclature": "NGAP", "code": "IFD", "quantity": "1", "unit_price": "2.75"},
]
DRESSING = [  # E9: AMI 4 + IFD
    {"nomenclature": "NGAP", "code": "AMI", "quantity": "1", "coefficient": "4", "unit_price": "3.15"},
    {"nomenclature": "NGAP", "code": "IFD", "quantity": "1", "unit_price": "2.75"},
]
ROUNDING_TRAP = [  # E10: BR lines 70.12 (1231782 × 4 at its tariff) and 0.35 (IK 1 km)
    {"code": "1231782", "quantity": "4", "unit_price": "17.53"},
    {"nomenclature": "NGAP", "code": "IK", "quantity": "1", "unit_price": "0.35"},
]


@dataclass(frozen=True)
class Example:
    """One worked example: its invoice and every figure it states (observation path → expected value)."""

    id: str
    lines: list[dict[str, str]]
    expected: dict[str, str] = field(default_factory=dict)
    coverage: tuple[str, ...] = ()  # the beneficiary's coverage flags
    ps_category: str = "fournisseur-lpp"
    tiers_payant: str = "none"
    amc: str = ""  # the AMC contract: "", "tm", "tm+depassement"
    refusal: str = ""  # the refusal code the example expects instead of amounts
    ald_lines: bool = False  # every line is care related to the ALD (exo 4)
    birth_date: str = "1950-03-15"


EXAMPLES = [
    Example(
        "E1",
        [BED],
        {
            "lines[0].base": "56.00", "lines[0].rate": "60", "totals.amo": "33.60", "totals.tm": "22.40",
            "totals.depassement": "0.00", "totals.patient": "22.40", "withholdings.franchise": "0.00",
            "withholdings.participation_forfaitaire": "0.00", "tiers_payant.drg": "35",
            "tiers_payant.due_from_amo": "33.60", "tiers_payant.due_from_patient": "22.40", "nature_assurance": "10",
        },
        tiers_payant="amo",
    ),
    Example(
        "E2",
        [BED],
        {"lines[0].rate": "100", "totals.amo": "56.00", "totals.tm": "0.00", "totals.patient": "0.00",
         "lines[0].exo": "4", "exo": "4"},
        coverage=("ald",),
        ald_lines=True,
    ),
    Example(
        "E3",
        [BED],
        {"lines[0].rate": "90", "totals.amo": "50.40", "lines[0].amo_regime_local": "16.80", "totals.tm": "5.60",
         "totals.patient": "5.60", "nature_assurance": "13"},
        coverage=("alsace_moselle",),
    ),
    Example(
        "E4",
        [BED],
        {"lines[0].rate": "60", "totals.amo": "33.60", "totals.amc": "22.40", "amc.payer": "c2s",
         "totals.patient": "0.00", "tiers_payant.drg": "36"},
        coverage=("c2s",),
    ),
    Example("E4-above-tariff", [LIFT], coverage=("c2s",), refusal="DEPASSEMENT_NOT_ALLOWED_C2S"),
    Example(
        "E5",
        [LIFT],
        {"totals.base": "70.12", "totals.amo": "42.07", "totals.tm": "28.05", "totals.depassement": "17.88",
         "totals.amc": "28.05", "totals.patient": "17.88"},
        amc="tm",
    ),
    Example(  # same patient in ALD, AMC covering dépassements: the AMC pays them
        "E5-ald-amc",
        [LIFT],
        {"totals.amo": "70.12", "totals.tm": "0.00", "totals.depassement": "17.88", "totals.amc": "17.88",
         "totals.patient": "0.00"},
        coverage=("ald",),
        amc="tm+depassement",
        ald_lines=True,
    ),
    Example(  # same patient in ALD, no AMC: the patient pays them
        "E5-ald",
        [LIFT],
        {"totals.amo": "70.12", "totals.tm": "0.00", "totals.depassement": "17.88", "totals.patient": "17.88"},
        coverage=("ald",),
        ald_lines=True,
    ),
    Example(
        "E6",
        [NUTRITION],
        {"totals.base": "122.10", "totals.amo": "73.26", "totals.tm": "48.84", "totals.depassement": "30.00"},
    ),
    Example("E6-above-plv", [{**NUTRITION, "unit_price": "5.50"}], refusal="PRICE_ABOVE_PLV"),
    Example(  # in ALD: the dépassement is still due
        "E6-ald",
        [NUTRITION],
        {"totals.amo": "122.10", "totals.depassement": "30.00", "totals.patient": "30.00"},
        coverage=("ald",),
        ald_lines=True,
    ),
    Example("E7", [PPC], {"totals.base": "273.00", "totals.amo": "163.80", "totals.tm": "109.20"}),
    Example(
        "E8",
        NURSE_VISIT,
        {"lines[0].amo": "1.89", "lines[1].amo": "0.81", "lines[2].amo": "1.65", "totals.base": "7.25",
         "totals.amo": "4.35", "totals.tm": "2.90", "withholdings.franchise": "1.00",
         "withholdings.participation_forfaitaire": "0.00"},
        ps_category="infirmier",
    ),
    Example(  # same patient in ALD: MRO 7.25, TM 0, franchise still 1 €
        "E8-ald",
        NURSE_VISIT,
        {"totals.amo": "7.25", "totals.tm": "0.00", "withholdings.franchise": "1.00"},
        coverage=("ald",),
        ps_category="infirmier",
        ald_lines=True,
    ),
    Example(  # patient under 18: no franchise
        "E8-minor",
        NURSE_VISIT,
        {"totals.amo": "4.35", "withholdings.franchise": "0.00"},
        ps_category="infirmier",
        birth_date="2010-06-04",
    ),
    Example(  # C2S: no franchise
        "E8-c2s",
        NURSE_VISIT,
        {"totals.amo": "4.35", "totals.amc": "2.90", "totals.patient": "0.00", "withholdings.franchise": "0.00"},
        coverage=("c2s",),
        ps_category="infirmier",
    ),
    Example(
        "E9",
        DRESSING,
        {"totals.base": "15.35", "lines[0].rate": "100", "totals.amo": "15.35", "lines[0].exo": "0",
         "lines[1].exo": "0", "nature_assurance": "30", "withholdings.franchise": "0.00"},
        coverage=("maternity",),
        ps_category="infirmier",
    ),
    Example("E10", ROUNDING_TRAP, {"lines[0].amo": "42.07", "lines[1].amo": "0.21", "totals.amo": "42.28"}),
]


def _request(ex: Example) -> dict[str, Any]:
    lines = [
        {"nomenclature": "LPP", "coefficient": "1", **line, **({"ald": True} if ex.ald_lines else {})}
        for line in ex.lines
    ]
    return {
        "invoice_ref": ex.id,
        "mode": "degrade",
        "care_date": CARE_DATE,
        "ps_category": ex.ps_category,
        "beneficiary": {
            "nir": "1500375123456",
            "rank": 1,
            "regime": "01",
            "caisse": "751",
            "centre": "9999",
            "birth_date": ex.birth_date,
            "coverage": {flag: True for flag in ex.coverage},
        },
        "tiers_payant": ex.tiers_payant,
        "amc": {"contract": ex.amc, "cap": None} if ex.amc else None,
        "lines": lines,
    }


def _at(result: dict[str, Any], path: str) -> Any:
    value: Any = result
    for part in path.replace("]", "").replace("[", ".").split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_worked_example_through_the_engine(ex: Example) -> None:
    engine = ReferenceEngine()
    if ex.refusal:
        with pytest.raises(EngineRefusal) as info:
            engine.create_invoice(_request(ex))
        assert info.value.code == ex.refusal
        return
    result = engine.create_invoice(_request(ex))
    assert {path: _at(result, path) for path in ex.expected} == ex.expected


# ---- the same examples as a casebook, run by `testbench run` ------------------------------------------------------

#: casebook observation paths exist for these (docs/casebook-format.md, « Observation paths »)
_NOT_OBSERVED = {"lines[0].amo_regime_local"}
_ATTRIBUTES = {"unit_price": "unit-price"}


def _patient_xml(ex: Example) -> str:
    rights = {
        "nir": "150037512345642", "name": "PATIENT EXEMPLE", "birth-date": ex.birth_date, "regime": "01",
        "caisse": "751", "centre": "9999", "rights_start": "2024-01-01", "rights_end": "2030-12-31",
        **{flag: "true" for flag in ex.coverage},
    }
    body = "".join(f'<right name="{name}" value="{value}"/>' for name, value in rights.items())
    return f'<patient id="p-{ex.id}">{body}</patient>'


def _case_xml(ex: Example) -> str:
    lines = "".join(
        "<line "
        + " ".join(f"{_ATTRIBUTES.get(k, k)}={quoteattr(v)}" for k, v in {"nomenclature": "LPP", **line}.items())
        + (' ald="true"' if ex.ald_lines else "")
        + "/>"
        for line in ex.lines
    )
    amc = f' amc="{ex.amc}"' if ex.amc else ""
    if ex.refusal:
        expectations = f'<refusal id="r-1" step="s-invoice" code="{ex.refusal}"/>'
    else:
        expectations = "".join(
            f'<value id="e-{n}" step="s-invoice" path="invoice.{path}" type="{_kind(value)}" expected="{value}"/>'
            for n, (path, value) in enumerate(ex.expected.items())
            if path not in _NOT_OBSERVED
        )
    return (
        f'<case id="EX-{ex.id}" domain="fse" mode="degrade"><title>Exemple {ex.id}</title>'
        f"<objective>Montants de l'exemple {ex.id}</objective><steps>"
        f'<invoice id="s-invoice" patient="p-{ex.id}" care-date="{CARE_DATE}" tiers-payant="{ex.tiers_payant}"{amc}>'
        f"{lines}</invoice></steps><expectations>{expectations}</expectations></case>"
    )


def _kind(value: str) -> str:
    return "decimal" if value.replace(".", "", 1).isdigit() else "string"


def _casebook(examples: list[Example], ps_category: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<casebook xmlns="urn:testbench:casebook:1" format-version="1">'
        "<identity><plan-id>TB-S37-EXEMPLES</plan-id><evolution>EV000</evolution>"
        "<document-version>01.00</document-version><effective-date>2024-06-01</effective-date>"
        f"<cdc-version>1.40</cdc-version><addendum>8</addendum><ps-category>{ps_category}</ps-category>"
        "<title>Exemples chiffrés des règles de facturation</title></identity>"
        f"<fixtures>{''.join(_patient_xml(ex) for ex in examples)}</fixtures>"
        f"<cases>{''.join(_case_xml(ex) for ex in examples)}</cases></casebook>\n"
    )


def test_worked_examples_as_casebook_cases_pass_in_testbench_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    books = []
    for category in ("fournisseur-lpp", "infirmier"):
        chosen = [ex for ex in EXAMPLES if ex.ps_category == category]
        books.append(tmp_path / f"{category}.xml")
        books[-1].write_text(_casebook(chosen, category), encoding="utf-8")
    session = tmp_path / "exemples.tbsession"
    code = main(["run", *map(str, books), "--session", str(session), "--cards", "inprocess", "--engine", "inprocess"])
    out = capsys.readouterr()
    assert code == 0, out.out[-3000:] + out.err[-3000:]
    assert f"réussi {len(EXAMPLES)}" in out.out + out.err


def test_a_wrong_figure_fails_its_casebook_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The casebook run compares: an example written with a wrong MRO fails (exit 1), so the pass above means
    the engine gave each stated figure."""
    wrong = Example("E1-faux", [BED], {"totals.amo": "33.61"})
    book = tmp_path / "faux.xml"
    book.write_text(_casebook([wrong], "fournisseur-lpp"), encoding="utf-8")
    code = main(["run", str(book), "--session", str(tmp_path / "s.tbsession"), "--cards", "inprocess",
                 "--engine", "inprocess"])
    capsys.readouterr()
    assert code == 1
