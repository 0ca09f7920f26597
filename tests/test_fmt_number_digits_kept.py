"""A decimal reads with the language's decimal mark and its digits exactly as written: an identifier the import
typed as a decimal (``lot.number = 000001``, ``invoice.number = 12345678``) kept its digits in the recorded verdict
sentence, the book and the workstation only while nothing regrouped or rebuilt them (a grouping tried this session
wrote « observé 1 » for the product's 000000001)."""

from __future__ import annotations

from testbench import fmt


def test_the_digits_are_kept_as_written() -> None:
    assert fmt.number("000001", "fr") == "000001"
    assert fmt.number("12345678.00", "fr") == "12345678,00"
    assert fmt.number("000000001", "en") == "000000001"
    assert fmt.number("20260112", "fr") == "20260112"


def test_the_french_decimal_mark() -> None:
    assert fmt.number("12.5", "fr") == "12,5"
    assert fmt.number("12.5", "en") == "12.5"
    assert fmt.number("n/a", "fr") == "n/a"


def test_a_grouped_french_number_reads_back_in_english() -> None:
    """Sentences recorded with a grouped number (amounts are grouped by fmt.money) read back in English."""
    assert fmt.english_number("12\u00a0345,5") == "12,345.5"
