"""An invoice's dates in their order: a prescription dated after the care, an invoice billed before it or a year
or more after it is refused by the engine (PRESCRIPTION_AFTER_CARE, BILLING_BEFORE_CARE, BILLING_DELAY_EXCEEDED);
such a casebook validated, then failed at run time (audit s30). Each is refused by validate, at the attribute, unless
the case expects that refusal on the step."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

INVOICE = 'care-date="2026-01-12"'
LINE = 'plv="14.00"/>'
PRESCRIPTION = '<prescription id="rx-1" date="2026-01-05"/>'


def _write(tmp_path: Path, old: str, new: str, refusal: str = "") -> Path:
    assert MINIMAL.count(old) == 1, old
    text = MINIMAL.replace(old, new)
    if refusal:  # a refused step has no values to expect
        start = text.index('        <value id="e-amo"')
        expected = f'        <refusal id="e-refus" step="s-invoice" code="{refusal}"/>\n'
        text = text[:start] + expected + text[text.index('        <value id="e-total"') :]
    return write_casebook(tmp_path, text)


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    return [(p.text("fr"), p.text("en")) for p in info.value.problems]


def _column_of(path: Path, attribute: str) -> str:
    """``line:col:`` of ``attribute="`` in the file (columns from 1)."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if f' {attribute}="' in text and "<invoice" in text:
            return f"{number}:{text.index(f' {attribute}=') + 2}:"
    raise AssertionError(attribute)


BROKEN = [
    pytest.param(
        PRESCRIPTION,
        '<prescription id="rx-1" date="2026-01-20"/>',
        "PRESCRIPTION_AFTER_CARE",
        "prescription",
        "prescription du 2026-01-20 postérieure aux soins du 2026-01-12",
        "prescription of 2026-01-20 after the care of 2026-01-12: correct it, or expect the refusal",
        id="fixture-date-after-care",
    ),
    pytest.param(
        INVOICE,
        f'{INVOICE} prescription-date="2026-01-13"',
        "PRESCRIPTION_AFTER_CARE",
        "prescription-date",
        "prescription du 2026-01-13 postérieure aux soins du 2026-01-12",
        "prescription of 2026-01-13 after the care",
        id="invoice-prescription-date",
    ),
    pytest.param(
        LINE,
        'plv="14.00" date="2026-01-02"/>',
        "PRESCRIPTION_AFTER_CARE",
        "prescription",
        "prescription du 2026-01-05 postérieure aux soins du 2026-01-02",
        "prescription of 2026-01-05 after the care of 2026-01-02",
        id="line-dated-before-prescription",
    ),
    pytest.param(
        INVOICE,
        f'{INVOICE} billing-date="2026-01-10"',
        "BILLING_BEFORE_CARE",
        "billing-date",
        "facture du 2026-01-10 avant les soins du 2026-01-12 : corrigez, ou attendez le refus BILLING_BEFORE_CARE",
        "invoice of 2026-01-10 before the care of 2026-01-12: correct it, or expect the refusal BILLING_BEFORE_CARE",
        id="billed-before-care",
    ),
    pytest.param(
        INVOICE,
        f'{INVOICE} billing-date="2027-01-12"',
        "BILLING_DELAY_EXCEEDED",
        "billing-date",
        "soins du 2026-01-12 facturés le 2027-01-12, un an ou plus après",
        "care of 2026-01-12 billed on 2027-01-12, a year or more later",
        id="billed-a-year-later",
    ),
]


@pytest.mark.parametrize(("old", "new", "refusal", "attribute", "french", "english"), BROKEN)
def test_dates_out_of_order_are_refused_at_the_attribute_in_both_languages(
    tmp_path: Path, old: str, new: str, refusal: str, attribute: str, french: str, english: str
) -> None:
    path = _write(tmp_path, old, new)
    [(fr, en)] = _problems(path)
    assert french in fr and refusal in fr, fr
    assert english in en and refusal in en and "attendez" not in en, en
    assert fr.startswith(f"{path}:{_column_of(path, attribute)}"), fr


@pytest.mark.parametrize(("old", "new", "refusal", "attribute", "french", "english"), BROKEN)
def test_a_case_testing_the_refusal_may_write_them(
    tmp_path: Path, old: str, new: str, refusal: str, attribute: str, french: str, english: str
) -> None:
    assert load_casebook(_write(tmp_path, old, new, refusal=refusal)).case("T-001")


def test_another_expected_refusal_does_not_excuse_them(tmp_path: Path) -> None:
    """The engine checks the dates before pricing a line: the refusal expected would not be the one given."""
    path = _write(tmp_path, INVOICE, f'{INVOICE} billing-date="2026-01-10"', refusal="PRICE_ABOVE_PLV")
    assert [fr for fr, _en in _problems(path) if "BILLING_BEFORE_CARE" in fr]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(PRESCRIPTION, '<prescription id="rx-1" date="2026-01-12"/>', id="prescribed-on-the-day"),
        pytest.param(INVOICE, f'{INVOICE} billing-date="2026-01-12"', id="billed-on-the-day"),
        pytest.param(INVOICE, f'{INVOICE} billing-date="2027-01-11"', id="billed-the-day-before-the-year"),
        pytest.param(PRESCRIPTION, '<prescription id="rx-1"/>', id="undated-prescription"),
    ],
)
def test_dates_in_order_are_fine(tmp_path: Path, old: str, new: str) -> None:
    assert load_casebook(_write(tmp_path, old, new)).case("T-001")


def test_a_date_the_calendar_lacks_is_said_once_by_the_schema(tmp_path: Path) -> None:
    path = _write(tmp_path, INVOICE, 'care-date="2026-02-30"')
    [(fr, _en)] = _problems(path)
    assert "n'est pas une date du calendrier" in fr and "PRESCRIPTION" not in fr and "BILLING" not in fr


def test_every_date_problem_of_the_file_is_listed(tmp_path: Path) -> None:
    path = _write(tmp_path, INVOICE, f'{INVOICE} billing-date="2026-01-10" prescription-date="2026-01-13"')
    said = [fr for fr, _en in _problems(path)]
    assert len(said) == 2 and "BILLING_BEFORE_CARE" in said[0] and "PRESCRIPTION_AFTER_CARE" in said[1], said
