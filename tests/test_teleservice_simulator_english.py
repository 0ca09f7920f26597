"""The bench rule « simulateur de téléservices » reads in English as the other entries name the simulator."""

from __future__ import annotations

from testbench.i18n import english


def test_the_simulator_rule_reads_in_english() -> None:
    assert english("simulateur de téléservices") == "teleservice simulator"
