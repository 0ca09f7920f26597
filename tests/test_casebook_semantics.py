"""Semantic rules the XSD cannot express: each one caught, at the right line, on a minimal casebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook


def _write(tmp_path: Path, text: str) -> Path:
    return write_casebook(tmp_path, text)


def _problems(path: Path) -> list[str]:
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    return [str(p) for p in info.value.problems]


def test_minimal_casebook_is_valid(tmp_path: Path) -> None:
    assert load_casebook(_write(tmp_path, MINIMAL)).case("T-001")


# (rule, text to replace, replacement, text marking the line of the problem, words of the message)
CASES = [
    (
        "duplicate step id",
        '<secure id="s-secure"/>',
        '<secure id="s-cps"/>',
        '<secure id="s-cps"/>',
        "étape « s-cps » en double",
    ),
    (
        "duplicate expectation id",
        'id="e-total"',
        'id="e-amo"',
        'step="m-check"',
        "attendu « e-amo » en double",
    ),
    ("unknown card in a case", 'ref="vitale-std"', 'ref="vitale-ghost"', 'ref="vitale-ghost"', "vitale-ghost"),
    ("unknown patient", 'patient="p-std"', 'patient="p-ghost"', 'patient="p-ghost"', "p-ghost"),
    ("unknown prescription", 'prescription="rx-1"', 'prescription="rx-9"', 'prescription="rx-9"', "rx-9"),
    (
        "unknown step in an expectation",
        'id="e-amo" step="s-invoice"',
        'id="e-amo" step="s-nowhere"',
        'step="s-nowhere"',
        "s-nowhere",
    ),
    ("missing card profile", 'profile="cards/cps.xml"', 'profile="cards/ghost.xml"', "ghost.xml", "introuvable"),
    ("profile outside the folder", 'profile="cards/cps.xml"', 'profile="../cps.xml"', "../cps.xml", "sans « .. »"),
    (
        "read-vitale in SESAM sans Vitale",
        'mode="securise"',
        'mode="sesam-sans-vitale"',
        "<read-vitale",
        "impossible en mode SESAM sans Vitale",
    ),
    ("read-vitale in dégradé", 'mode="securise"', 'mode="dégradé"', "<read-vitale", "impossible en mode dégradé"),
    (
        "sécurisé without a Vitale card",
        '<card slot="vitale" ref="vitale-std"/>',
        "",
        '<case id="T-001"',
        "exige une carte Vitale",
    ),
    (
        "sécurisé without reading the Vitale card",
        '<read-vitale id="s-vitale" beneficiary="1"/>',
        "",
        '<case id="T-001"',
        "lit la carte Vitale",
    ),
    (
        "refusal of a manual step",
        '<trace id="t-code"',
        '<refusal id="r-m" step="m-check" code="PIN_BLOCKED"/>\n        <trace id="t-code"',
        'id="r-m"',
        "action automatique",
    ),
    (
        "unknown refusal code",
        '<trace id="t-code"',
        '<refusal id="r-x" step="s-invoice" code="NOT_A_CODE"/>\n        <trace id="t-code"',
        'id="r-x"',
        "NOT_A_CODE",
    ),
    (
        "invoice without lines",
        '<line nomenclature="LPP" code="1241763" quantity="4" unit-price="14.00" tariff="14.00" plv="14.00"/>',
        "",
        '<invoice id="s-invoice"',
        "aucune ligne",
    ),
    (
        "unknown observation path",
        'path="invoice.totals.amo"',
        'path="invoice.total.amo"',
        "invoice.total.amo",
        "inconnu",
    ),
    (
        "path not produced by its step",
        'path="invoice.totals.amo"',
        'path="lot.totals.amo"',
        "lot.totals.amo",
        "n'est pas produit",
    ),
    (
        "manual path nobody observes",
        'step="m-check" path="manual.total"',
        'step="m-check" path="manual.other"',
        'path="manual.other"',
        "observe",
    ),
    (
        "price above PLV without the refusal",
        'unit-price="14.00"',
        'unit-price="15.00"',
        'unit-price="15.00"',
        "PRICE_ABOVE_PLV",
    ),
    ("PLV below tariff", 'plv="14.00"', 'plv="12.00"', 'plv="12.00"', "inférieur au tarif"),
    ("zero quantity without the refusal", 'quantity="4"', 'quantity="0"', 'quantity="0"', "INVALID_QUANTITY"),
    ("LPP code not 7 digits", 'code="1241763"', 'code="124176"', 'code="124176"', "7 chiffres"),
    (
        "decimal with a comma",
        'expected="33.60"',
        'expected="33,60"',
        'expected="33,60"',
        "invalide pour le type decimal",
    ),
    (
        "tolerance on a string",
        'type="decimal" expected="56.00"',
        'type="string" expected="56.00" tolerance="0.01"',
        'tolerance="0.01"',
        "tolérance",
    ),
    ("invalid trace regex", 'pattern="1241763"', 'pattern="(1241763"', 'pattern="(1241763"', "expression régulière"),
    ("unknown normalisation rule", 'normalize="trim"', 'normalize="trim shout"', 'normalize="trim shout"', "shout"),
    (
        "secure before the invoice",
        '<read-vitale id="s-vitale" beneficiary="1"/>',
        '<read-vitale id="s-vitale" beneficiary="1"/>\n        <secure id="s-early"/>',
        'id="s-early"',
        "sans facture préalable",
    ),
    (
        "build-lot without secure",
        '<secure id="s-secure"/>',
        '<build-lot id="s-lot"/>',
        '<build-lot id="s-lot"/>',
        "<build-lot> sans facture sécurisée",
    ),
    (
        "fse case with mode none",
        'mode="securise"',
        'mode="none"',
        '<case id="T-001"',
        "précise son mode",
    ),
    (
        "amo+amc without a contract",
        'tiers-payant="amo"',
        'tiers-payant="amo+amc"',
        'tiers-payant="amo+amc"',
        "contrat AMC",
    ),
    (
        "patient on another card than the one in the reader",
        '<patient id="p-std" card="vitale-std"/>',
        '<patient id="p-std" card="vitale-std"/>\n    <card id="vitale-b" profile="cards/vitale.xml"/>',
        '<invoice id="s-invoice"',
        None,  # control: still valid, the patient's card is the one in the reader
    ),
    (
        "CPS needed to read it",
        '<card slot="cps" ref="cps-psad"/>',
        "",
        "<read-cps",
        "lecteur « cps »",
    ),
    (
        "duplicate case id",
        "  </cases>",
        MINIMAL[MINIMAL.index('    <case id="T-001"') : MINIMAL.index("  </cases>")] + "  </cases>",
        None,
        "T-001",
    ),
]


@pytest.mark.parametrize(("rule", "old", "new", "marker", "words"), CASES, ids=[c[0] for c in CASES])
def test_rule(tmp_path: Path, rule: str, old: str, new: str, marker: str | None, words: str | None) -> None:
    assert MINIMAL.count(old) == 1, f"fixture text for {rule!r} must be unique"
    text = MINIMAL.replace(old, new)
    path = _write(tmp_path, text)
    if words is None:
        assert load_casebook(path)
        return
    problems = _problems(path)
    matching = [p for p in problems if words in p]
    assert matching, (rule, problems)
    if marker is not None:
        line = next(n for n, row in enumerate(text.splitlines(), start=1) if marker in row)
        assert any(p.startswith(f"{path}:{line}:") for p in matching), (rule, line, problems)


def test_patient_card_must_match_the_vitale_reader(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '<patient id="p-std" card="vitale-std"/>',
        '<patient id="p-std" card="vitale-b"/>\n    <card id="vitale-b" profile="cards/vitale.xml"/>',
    )
    problems = _problems(_write(tmp_path, text))
    assert any("vitale-b" in p and "vitale-std" in p for p in problems), problems


def test_refusal_expected_lets_the_invalid_line_through(tmp_path: Path) -> None:
    text = MINIMAL.replace('unit-price="14.00"', 'unit-price="15.00"').replace(
        '<value id="e-amo" step="s-invoice" path="invoice.totals.amo" type="decimal" expected="33.60"/>',
        '<refusal id="r-plv" step="s-invoice" code="PRICE_ABOVE_PLV"/>',
    )
    text = text.replace('<secure id="s-secure"/>', "")
    assert load_casebook(_write(tmp_path, text)).case("T-001").expectations[0].code == "PRICE_ABOVE_PLV"


def test_value_on_a_refused_step_is_contradictory(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '<trace id="t-code"', '<refusal id="r-q" step="s-invoice" code="UNKNOWN_CODE"/>\n        <trace id="t-code"'
    )
    problems = _problems(_write(tmp_path, text))
    assert any("refus est attendu" in p for p in problems), problems


def test_french_mode_spellings_are_accepted(tmp_path: Path) -> None:
    case = load_casebook(_write(tmp_path, MINIMAL.replace('mode="securise"', 'mode="sécurisé"'))).case("T-001")
    assert case.mode.value == "securise"


def test_unknown_normalisation_rule_is_caught_without_the_runner(tmp_path: Path) -> None:
    """The casebook reads the rule names from the vocabulary package, not from the runner: the check is
    never skipped (it used to be, silently, when the runner could not be imported)."""
    import subprocess
    import sys

    path = _write(tmp_path, MINIMAL.replace('normalize="trim"', 'normalize="trim shout"'))
    code = (
        "import sys; sys.modules['testbench.runner'] = None\n"
        "from testbench.casebook.errors import CasebookError\n"
        "from testbench.casebook.loader import load_casebook\n"
        f"try:\n    load_casebook({str(path)!r})\nexcept CasebookError as e:\n"
        "    print('\\n'.join(map(str, e.problems)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "shout" in proc.stdout, proc.stdout
