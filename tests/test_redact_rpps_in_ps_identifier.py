"""Audit s25 (6): a known RPPS inside the national PS identifier (« 8 » + RPPS, the CPS's IdNat_PS), and either
left-padded to 13 digits, is masked as the bare RPPS is — in text, in hex and from an identifier given whole."""

from __future__ import annotations

import pytest

from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

RPPS = "89990000013"


@pytest.mark.parametrize(
    "line",
    [
        "ps idnat 889990000013",
        "IdNat_PS=889990000013",
        "ps=0089990000013",
        "ps=0889990000013",
        "emetteur 8 89990000013",
    ],
)
def test_the_ps_identifier_of_a_known_rpps_is_masked(line: str) -> None:
    known = KnownValues()
    known.add("rpps", RPPS)
    out = Redactor(known=known).redact(line)
    assert "‹RPPS›" in out and "9999" not in out.replace("8999", "")
    assert "89990000013" not in out


def test_a_known_ps_identifier_finds_the_bare_rpps_and_its_hex() -> None:
    known = KnownValues()
    known.add("rpps", "8" + RPPS)
    redactor = Redactor(known=known)
    assert redactor.redact(f"rpps {RPPS}") == "rpps ‹RPPS›"
    assert "masqué" in redactor.redact("resp " + ("8" + RPPS).encode().hex(" ").upper())


def test_other_numbers_are_kept() -> None:
    known = KnownValues()
    known.add("rpps", RPPS)
    line = "lot 789990000013 et 89990000014"
    assert Redactor(known=known).redact(line) == line
