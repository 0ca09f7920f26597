"""Whitespace around a value written as a character reference (``&#9;``, ``&#10;``: what lxml writes for a tab in
an attribute, an office import of a cell ending in one) is dropped as the schema drops it, as a written space is:
the quick scan of the file that spares most casebooks the per-tag look must not miss it."""

from __future__ import annotations

from pathlib import Path

from minimal_casebook import MINIMAL, write_casebook

from testbench.casebook.loader import load_casebook


def test_a_tab_or_newline_reference_around_a_value_is_dropped(tmp_path: Path) -> None:
    text = MINIMAL.replace('tiers-payant="amo"', 'tiers-payant="amo&#9;"').replace(
        '<case id="T-001"', '<case id="&#10;T-001"'
    )
    assert text != MINIMAL and "&#9;" in text and "&#10;T-001" in text
    case = load_casebook(write_casebook(tmp_path, text)).case("T-001")
    invoice = next(step for step in case.steps if step.id == "s-invoice")
    assert invoice.params["tiers-payant"] == "amo"
