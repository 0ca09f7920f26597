"""``fmt.control_in``: the one reading of a control character a free text a person types may not hold (a product's
name, a plan's text, an extractor's name): a NUL, an escape, a DEL; tab and line ends are typed text."""

from __future__ import annotations

import pytest

from testbench.fmt import control_in


@pytest.mark.parametrize(("text", "said"), [("GestPSAD\x00", "U+0000"), ("a\x1b[31mb", "U+001B"), ("x\x7f", "U+007F")])
def test_a_control_character_is_named_by_its_code_point(text: str, said: str) -> None:
    assert control_in(text) == said


def test_tab_and_line_ends_are_typed_text() -> None:
    assert control_in("Facturation\t> Sécuriser\r\nnote sur deux lignes\n") is None
