"""Expectations that can never pass are refused at load: a boolean in none of the words the comparison reads, a
line index past the invoice's <line>s, an absent trace pattern found in any text (so in every trace).

Not refused (verification round: these passed before and still must): a boolean written oui, 1, yes or True, as
the comparison reads it; an absent pattern that only matches a blank line or lines of one shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from casebook_edits import edited_problems

BASE = '<value id="e-base" step="s-invoice" path="invoice.lines[0].base" type="decimal" expected="56.00"'


@pytest.mark.parametrize(
    ("old", "new", "where", "french", "english"),
    [
        (
            BASE,
            BASE.replace('type="decimal" expected="56.00"', 'type="boolean" expected="vrai"'),
            "89:89",
            "valeur attendue « vrai » invalide pour le type boolean : écrivez true",
            "expected value “vrai” is not valid for type boolean: write true",
        ),
        (
            BASE,
            BASE.replace("lines[0]", "lines[5]"),
            "89:45",
            "« invoice.lines[5].base » : au-delà de la dernière <line> de la facture (numérotées à partir de 0, la"
            " dernière : 0)",
            "“invoice.lines[5].base”: past the invoice's last <line> (numbered from 0, the last: 0)",
        ),
        (
            '<trace id="t-code" step="s-invoice" channel="engine" pattern="1241763"/>',
            '<trace id="t-code" step="s-invoice" channel="engine" pattern="x|" absent="true"/>',
            "96:62",
            "motif « x| » attendu absent, mais il reconnaît n'importe quel texte : il est dans toute trace",
            'pattern “x|” expected absent, but it matches any text: it is in every trace',
        ),
    ],
)
def test_an_expectation_that_can_never_pass_is_refused(
    tmp_path: Path, old: str, new: str, where: str, french: str, english: str
) -> None:
    found = edited_problems(tmp_path, old, new)
    assert [(at, fr) for at, fr, _en in found] == [(where, french)]
    assert found[0][2] == f"{where}: {english}"


def test_the_last_line_and_a_present_empty_pattern_stay_valid(tmp_path: Path) -> None:
    new = BASE.replace('type="decimal" expected="56.00"', 'type="boolean" expected="false"')
    assert edited_problems(tmp_path, BASE, new) == []
    trace = '<trace id="t-code" step="s-invoice" channel="engine" pattern="1241763"/>'
    assert edited_problems(tmp_path / "b", trace, trace.replace("1241763", "x|")) == []


@pytest.mark.parametrize("word", ["oui", "1", "True", "yes", "non", "0"])
def test_a_boolean_the_comparison_reads_is_accepted(tmp_path: Path, word: str) -> None:
    new = BASE.replace('type="decimal" expected="56.00"', f'type="boolean" expected="{word}"')
    assert edited_problems(tmp_path, BASE, new) == []


@pytest.mark.parametrize("pattern", [r"^\s*$", r"^(?![\w\[&lt;{])", "^$"])
def test_an_absent_pattern_that_does_not_match_everything_is_accepted(tmp_path: Path, pattern: str) -> None:
    trace = f'<trace id="t-shape" channel="engine" pattern="{pattern}" absent="true"/>'
    assert edited_problems(tmp_path, BASE, trace + "\n        " + BASE) == []


def test_an_index_of_thousands_of_digits_is_past_the_last_line_not_an_internal_error(tmp_path: Path) -> None:
    """Python refuses to read an int of more than 4,300 digits: ``validate`` said « erreur interne » (units fix
    round, s25). Such an index is past every invoice's last line, said at its place."""
    index = "1" * 5000
    found = edited_problems(tmp_path, BASE, BASE.replace("lines[0]", f"lines[{index}]"))
    assert [(at, fr.endswith("la dernière : 0)")) for at, fr, _en in found] == [("89:45", True)]
