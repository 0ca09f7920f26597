"""The run log (view 2) never ends a row with « « » nor begins one with « : », as the rest of the workstation.

At 80×24 in French the log read « ▣ lecteur cps : carte cps-psad — acceptée par le contrôle (carte CPE (CPS3) de test
« » then « cps3-psad-lpp » de MARIE ESSAI … »: the log wraps its own rows (``run_log.wrap_line``, Textual's ``Log``
is not wrapped by Textual), at any ordinary space, and the French spaces after « « » and before « : ; ! ? » » were
left out of the rule ``tui.nobreak`` gives Rich and Textual. No text changes: only where a row ends.
"""

from __future__ import annotations

import pytest

from testbench.tui.run_log import wrap_line

LINES = [
    "  ▣ lecteur cps : carte cps-psad — acceptée par le contrôle (carte CPE (CPS3) de test « cps3-psad-lpp » de"
    " MARIE ESSAI (Prestataire de services et distributeur de matériels (PSAD)))",
    "■ DEMO-FSE-099 : ✘ échec — e-amo : attendu 163,00\u00a0€, observé 163,80\u00a0€ (différent) ; à revoir !",
]


@pytest.mark.parametrize("line", LINES)
@pytest.mark.parametrize("width", range(24, 90))  # from 24: each quoted word fits a row
def test_no_row_begins_with_a_french_sign_or_ends_with_an_opening_quote(line: str, width: int) -> None:
    rows = wrap_line(line, width)
    for row in rows:
        assert not row.lstrip().startswith((":", ";", "!", "?", "»")), rows
        assert not row.rstrip().endswith("«"), rows
    assert " ".join(" ".join(rows).split()) == " ".join(line.split())  # every word there, none cut off


@pytest.mark.parametrize("width", range(40, 60))
def test_the_quote_goes_down_with_its_word(width: int) -> None:
    """The rows of the report: at the log's width (80×24, the tree beside) « « » ended the row above its word."""
    rows = wrap_line(LINES[0], width)
    row = next(row for row in rows if "cps3-psad-lpp" in row)
    assert "« cps3-psad-lpp »" in row, rows
