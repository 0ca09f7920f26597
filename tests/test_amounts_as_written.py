"""Amounts as a person writes and reads them: the operator keys what the product shows (« 1 234,56 € »), the
bench writes amounts with their thousands grouped and a no-break space before €."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fakes import invoice_step, make_case, value
from test_runner_unit import Answers, run, verdicts

from testbench import fmt
from testbench.casebook.model import Observe, Step, StepKind
from testbench.domain.attestation import Attestation
from testbench.domain.decimals import read_decimal
from testbench.domain.verdict import Verdict
from testbench.engines.operator.assisted import same_value
from testbench.office import convert

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("33,60", "33.60"),
        ("33.60", "33.60"),
        ("33,60 €", "33.60"),
        (f"1{NBSP}234,56{NBSP}€", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),  # the narrow no-break space of CLDR's French
        ("1 234 567,8", "1234567.8"),
        ("1.234,56", "1234.56"),
        ("€1,234.56", "1234.56"),
        ("-€12.00", "-12.00"),
        ("€ -12,00", "-12.00"),
        ("−3,00 €", "-3.00"),  # the minus sign
        ("12 EUR", "12"),
        ("12 euros", "12"),
        ("1'234.50", "1234.50"),
        ("0,5", "0.5"),
        ("1,234", "1.234"),  # a lone comma is the decimal mark, as a French reader reads it
    ],
)
def test_a_decimal_reads_however_a_person_writes_it(text: str, number: str) -> None:
    assert read_decimal(text) == Decimal(number)
    assert convert.number(text) == str(Decimal(number))  # the spreadsheet import reads it alike


@pytest.mark.parametrize("text", ["", "€", "abc", "12 34,5", "1,2,3", "1e3", "NaN", "Infinity", "1 2345,00"])
def test_what_writes_no_number_reads_as_none(text: str) -> None:
    assert read_decimal(text) is None


def _keyed(tmp_path: Path, keyed: str):
    """A manual step whose expected 1234.56 the operator keys as ``keyed``."""
    manual = Step(
        id="m1", kind=StepKind.MANUAL, instruction="Lire le total", observe=(Observe("manual.total", "Total"),)
    )
    case = make_case("MAN", (invoice_step(), manual), (value("e1", "manual.total", "1234.56"),))
    return run(tmp_path, [case], Answers(Attestation(True, "alice", "vu", {"manual.total": keyed})))


@pytest.mark.parametrize("keyed", ["1 234,56 €", f"1{NBSP}234,56{NBSP}€", "1234,56", "€1,234.56"])
def test_an_amount_keyed_as_the_product_shows_it_is_compared_as_an_amount(tmp_path: Path, keyed: str) -> None:
    summary, _, _ = _keyed(tmp_path, keyed)
    assert verdicts(summary) == [Verdict.PASS], summary.outcomes[0][1].reason


def test_a_keyed_text_that_is_no_amount_still_fails_as_such(tmp_path: Path) -> None:
    summary, _, _ = _keyed(tmp_path, "mille euros")
    assert verdicts(summary) == [Verdict.FAIL]
    assert "valeur observée « mille euros » : ce n'est pas un nombre" in summary.outcomes[0][1].reason


def test_a_correction_with_the_euro_sign_is_the_same_amount() -> None:
    assert same_value("56,00 €", "56.00") and same_value("1 234,56", "1234.56")
    assert not same_value("56,01 €", "56.00") and not same_value("abc", "def")


def test_amounts_are_written_with_thousands_grouped_and_a_no_break_space() -> None:
    assert fmt.money("33.6", "fr") == f"33,60{NBSP}€"
    assert fmt.money("1234.5", "fr") == f"1{NBSP}234,50{NBSP}€"
    assert fmt.money("-1234567.891", "fr") == f"-1{NBSP}234{NBSP}567,891{NBSP}€"  # a mill is never rounded away
    assert fmt.money("3.540", "fr") == f"3,54{NBSP}€" and fmt.money("3.545", "en") == "€3.545"
    assert fmt.money("1234.5", "en") == "€1,234.50"
    assert fmt.money("1000", "en") == "€1,000.00" and fmt.money("999.5", "en") == "€999.50"
    assert fmt.money("beaucoup", "fr") == "beaucoup"


@pytest.mark.parametrize(
    ("french", "english"),
    [
        (f"1{NBSP}234,50{NBSP}€", "€1,234.50"),
        (f"-33,60{NBSP}€", "-€33.60"),
        (f"3,545{NBSP}€", "€3.545"),
        ("56,00 €", "€56.00"),  # as sessions recorded it before amounts were grouped
    ],
)
def test_a_recorded_french_amount_reads_in_english(french: str, english: str) -> None:
    assert fmt.english_number(french) == english


@pytest.mark.parametrize(
    ("written", "recorded"),
    [("163,80", "163.80"), ("1 234,56 €", "1234.56"), ("1.234,56", "1234.56"), ("-0,50", "-0.50")],
)
def test_a_value_extracted_from_the_products_files_is_recorded_with_a_dot(written: str, recorded: str) -> None:
    """The extractors (a log line, an XML or JSON field) record what French software writes as a decimal with a
    dot, by the same rules; a text that is no decimal stays as written."""
    from testbench.extract.values import normalise_decimal

    assert normalise_decimal(written) == recorded
    assert normalise_decimal("Martin, Jean") == "Martin, Jean"
