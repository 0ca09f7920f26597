"""A decimal reads with its thousands grouped as an amount and a size do: « 12 345,5 » (a no-break space, so
that it never breaks across lines), "12,345.5" in English; and a French sentence recorded with one reads back
in English."""

from __future__ import annotations

from testbench import fmt


def test_french_groups_thousands_with_a_no_break_space() -> None:
    assert fmt.number("12345.5", "fr") == "12\u00a0345,5"
    assert fmt.number("-1234567.25", "fr") == "-1\u00a0234\u00a0567,25"
    assert fmt.number("0.5", "fr") == "0,5"
    assert fmt.number("100.00", "fr") == "100,00"  # the digits written are kept


def test_english_groups_thousands_with_a_comma() -> None:
    assert fmt.number("12345.5", "en") == "12,345.5"
    assert fmt.number("999", "en") == "999"


def test_a_text_that_is_no_number_is_shown_as_written() -> None:
    assert fmt.number("abc", "fr") == "abc"


def test_a_decimal_on_no_amount_reads_grouped() -> None:
    assert fmt.typed("decimal", "12345.5", "fr", amount=False) == "12\u00a0345,5"


def test_a_recorded_french_grouped_number_reads_back_in_english() -> None:
    assert fmt.english_number("12\u00a0345,5") == "12,345.5"
    assert fmt.english_number("12\u00a0345") == "12,345"


def test_four_digits_stay_whole() -> None:
    """A year, a code or an invoice number typed as a decimal reads as it was written: grouping starts at five
    digits."""
    assert fmt.number("2026", "fr") == "2026"
    assert fmt.number("1234.5", "fr") == "1234,5"
    assert fmt.number("9999", "en") == "9999"
    assert fmt.number("10000", "en") == "10,000"
