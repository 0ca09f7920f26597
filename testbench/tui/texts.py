"""The workstation's translator: the one catalogue (``testbench.i18n``), its ``tui`` context first.

French is the source text; the workstation's own words sit in the same catalogue as the bench's
(``testbench/locale``), and the few that read differently on screen (the « Synthèse » tab is the
"Overview") carry the ``tui`` context. Unknown texts fall back to French.
"""

from __future__ import annotations

from collections.abc import Callable

from testbench.i18n import translator


def make_translator(lang: str) -> Callable[[str], str]:
    """``t(text)``: French as written, or English from the catalogue (the workstation's words first)."""
    return translator(lang, "tui")
