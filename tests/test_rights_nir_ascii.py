"""A NIR right written in another script's digits (Arabic-Indic ١٧) is refused by the casebook check, as the
simulated téléservices refuse it: validate took it, and the step then ended « erreur — étape invalide »."""

from __future__ import annotations

from testbench.casebook.rights import check_right


def _said(value: str) -> list[str]:
    said: list[str] = []
    check_right("nir", value, 0, lambda _at, message, *_a, **_k: said.append(message))
    return said


def test_a_nir_in_other_digits_is_refused() -> None:
    assert _said("1999900000000١٧")
    assert _said("١٩٩٩٩٠٠٠٠٠٠٠٠")


def test_an_ascii_nir_is_taken() -> None:
    assert _said("199990000000017") == [] and _said("1999900000000") == [] and _said("199122A000000") == []
