"""The cheap question asked before loading the redaction rules: no text that holds a PIN or a secret is let through."""

from __future__ import annotations

import pytest

from testbench.traces.pin_words import may_hold_pin
from testbench.traces.redact import redact_pins


@pytest.mark.parametrize(
    "text",
    ["Camille (code porteur : 4719)", "PIN=4719", "codecps4719", "password=hunter2", "mdp : abc", "secret=x"],
)
def test_every_text_the_rules_mask_is_asked_for(text: str) -> None:
    assert redact_pins(text) != text  # the rules do mask it…
    assert may_hold_pin(text)  # …so the question must not let it through


@pytest.mark.parametrize("text", ["read_cps", "cartes virtuelles en mémoire (vitale, cps)", "demo.xml", "inprocess"])
def test_the_bench_s_own_words_need_no_rules(text: str) -> None:
    assert not may_hold_pin(text)
