"""The invoice's secured status (``secure.status`` = ``secured``, secure_invoice's answer) reads in the person's
language in the workstation and the book, as the other engine status words do (audit l-f5 7: the French
workstation showed « secured »)."""

from __future__ import annotations

from testbench.casebook.loader import load_casebook
from testbench.i18n import translator
from testbench.paths import CASEBOOKS_DIR
from testbench.tui.exam import expected_values
from testbench.tui.workstation import shown_value


def test_the_secured_status_is_a_word() -> None:
    assert shown_value("secure.status", "string", "secured", "fr") == "sécurisée"
    assert shown_value("secure.status", "string", "secured", "en") == "secured"
    assert shown_value("secure.status", "string", "odd", "fr") == "odd"  # an unknown one as recorded


def test_the_exam_view_names_it_too() -> None:
    casebook = load_casebook(CASEBOOKS_DIR / "psad-cartes.xml")
    case = next(c for c in casebook.cases if any(e.path == "secure.status" for e in c.expectations))
    observed = [{"path": "secure.status", "value": "secured", "source": "engine"}]
    (row,) = [r for r in expected_values(case, observed, translator("fr"), "fr") if r.path == "secure.status"]
    assert row.expected == row.observed == "sécurisée"
