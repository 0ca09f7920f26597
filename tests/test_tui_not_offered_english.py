"""The workstation's table of CLI commands it does not offer says why in English, as the rest of the English
texts: « teleservices », not the French spelling."""

from __future__ import annotations

from testbench.tui.tools import NOT_OFFERED


def test_why_a_command_is_not_offered_is_said_in_english() -> None:
    for command, why in NOT_OFFERED.items():
        assert "téléservice" not in why, (command, why)
    assert "simulated teleservices' HTTP server" in NOT_OFFERED["services serve"]
