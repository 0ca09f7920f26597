"""The ``-k`` help's own examples are expressions ``-k`` takes, in French and in English: the English help said
``mode:degraded``, which ``-k`` refuses (English keeps the French mode terms: ``mode:dégradé``)."""

from __future__ import annotations

import re

import pytest

from testbench.casebook.selection import compile_keyword
from testbench.i18n import translator
from testbench.runner.options import Selection

HELP = Selection.__dataclass_fields__["keyword"].metadata["cli"]["help"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_example_of_the_k_help_is_accepted(lang: str) -> None:
    text = translator(lang, "cli")(HELP)
    examples = re.findall(r"\b(?:domain|mode):[^\s,;)]+", text)
    assert len(examples) == 2, text
    for example in examples:
        compile_keyword(example)  # raises SelectionError on a word -k refuses
