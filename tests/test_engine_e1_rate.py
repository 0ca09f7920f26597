"""The ``facture`` check compares example E1's line rate, in percent: an engine answering « 0.60 » (a fraction)
fails it (audit 21: only the totals were compared)."""

from __future__ import annotations

from testbench.engines.protocol.conformance import E1_TOTALS, _e1_differences


def _answer(rate: str) -> dict[str, object]:
    line = {"code": "1241763", "base": "56.00", "rate": rate, "amo": "33.60", "amc": "0.00", "patient": "22.40"}
    return {"lines": [dict(line, depassement="0.00", exo="0")], "totals": dict(E1_TOTALS, billed="56.00")}


def test_a_rate_given_as_a_fraction_fails_example_e1() -> None:
    assert _e1_differences(_answer("60")) == []
    assert _e1_differences(_answer("60.0")) == []
    assert _e1_differences(_answer("0.60")) == ["lines[0].rate 0.60 ≠ 60"]
