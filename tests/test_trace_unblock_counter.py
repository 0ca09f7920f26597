"""The session's APDU line names whose tries a 63Cx counts (audit s23-cards 6): after a VERIFY of the unblock code
(reference 82) the trace said « code porteur … 10 essais restants » on a CPS whose PIN has 3 tries."""

from __future__ import annotations

from testbench.cards.api import ApduExchange
from testbench.runner.tracing import format_apdu


def _line(command: str, sw: int) -> str:
    return format_apdu(ApduExchange("r", "cps", bytes.fromhex(command), b"", sw, 100))


def test_the_unblock_code_counter_is_named_as_such() -> None:
    assert "code de déblocage non vérifié ou faux, 10 essais restants" in _line("0020008208", 0x63CA)
    assert "code porteur non vérifié ou faux, 2 essais restants" in _line("0020000008", 0x63C2)
    assert "code de déblocage" not in _line("0020000008", 0x63CA)


def test_a_blocked_unblock_code_is_named_as_such() -> None:
    """Verification s23-verify4: 6983 after the unblock code's VERIFY read « code porteur bloqué »."""
    assert "6983 code de déblocage bloqué" in _line("0020008208", 0x6983)
    assert "6983 code porteur bloqué" in _line("0020000008", 0x6983)
