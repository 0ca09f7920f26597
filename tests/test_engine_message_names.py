"""Reasons name what a person needs: the id expected beside the one received, the method of an internal error,
the refusal without a code quoted « … » (audit 21)."""

from __future__ import annotations

from testbench.engines.protocol import jsonrpc as J
from testbench.i18n import english


def test_an_internal_error_names_its_method() -> None:
    crash = J.exception_from_error({"code": J.INTERNAL_ERROR, "message": "boom"}, "secure_invoice")
    assert str(crash) == "secure_invoice : erreur interne du moteur : boom"
    assert english(str(crash)) == "secure_invoice: engine internal error: boom"


def test_a_refusal_without_a_code_is_quoted() -> None:
    error = J.exception_from_error({"code": J.REFUSAL, "message": "refused"}, "secure_invoice")
    assert str(error) == 'secure_invoice : refus sans code stable : « {"code": -32000, "message": "refused"} »'
    said = 'secure_invoice: refusal without a stable code: “{"code": -32000, "message": "refused"}”'
    assert english(str(error)) == said
