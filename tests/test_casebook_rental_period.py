"""A line's rental period has both dates or none, the end not before the start, unless the case expects the
refusal RENTAL_PERIOD_INVALID (audit s24 F3): such a casebook validated, then failed against the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook

LINE = 'plv="14.00"/>'
REFUSAL = '<refusal id="e-refus" step="s-invoice" code="RENTAL_PERIOD_INVALID"/>'


def _write(tmp_path: Path, period: str, refusal: bool = False) -> Path:
    text = MINIMAL.replace(LINE, f'plv="14.00" {period}/>')
    if refusal:  # a refused step has no values to expect
        start = text.index('        <value id="e-amo"')
        text = text[:start] + "        " + REFUSAL + "\n" + text[text.index('        <value id="e-total"') :]
    return write_casebook(tmp_path, text)


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(CasebookError) as info:
        load_casebook(path)
    return [(p.text("fr"), p.text("en")) for p in info.value.problems]


@pytest.mark.parametrize(
    ("period", "french", "english"),
    [
        ('rental-start="2026-01-12"', "période de location sans fin (rental-end)", "without an end (rental-end)"),
        ('rental-end="2026-01-12"', "période de location sans début (rental-start)", "without a start"),
        (
            'rental-start="2026-02-12" rental-end="2026-01-12"',
            "fin de location 2026-01-12 avant son début 2026-02-12",
            "rental end 2026-01-12 before its start 2026-02-12",
        ),
    ],
)
def test_a_broken_period_is_refused_at_its_attribute(tmp_path: Path, period: str, french: str, english: str) -> None:
    path = _write(tmp_path, period)
    [(fr, en)] = _problems(path)
    assert french in fr and "RENTAL_PERIOD_INVALID" in fr, fr
    assert english in en, en
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "rental-" in text)
    assert fr.startswith(f"{path}:{line}:")


@pytest.mark.parametrize("period", ['rental-start="2026-01-12"', 'rental-start="2026-02-12" rental-end="2026-01-12"'])
def test_a_case_testing_the_refusal_may_write_it(tmp_path: Path, period: str) -> None:
    assert load_casebook(_write(tmp_path, period, refusal=True)).case("T-001")


def test_a_whole_period_is_fine(tmp_path: Path) -> None:
    assert load_casebook(_write(tmp_path, 'rental-start="2026-01-12" rental-end="2026-02-11"')).case("T-001")
