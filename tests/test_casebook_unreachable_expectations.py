"""Expectations that can never pass are refused at load: a boolean written otherwise than true/false, a line
index past the invoice's <line>s, an absent trace pattern that matches the empty text (so every trace)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

ROOT = Path(__file__).resolve().parents[1]
BASE = '<value id="e-base" step="s-invoice" path="invoice.lines[0].base" type="decimal" expected="56.00"'


def _problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    """demo.xml with one edit: each problem's place, French and English."""
    text = (ROOT / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    assert old in text
    shutil.copytree(ROOT / "casebooks" / "cards", tmp_path / "cards")
    path = tmp_path / "demo.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _casebook, problems = check_casebook(path)
    where = f"{path}:"
    return [(f"{p.source.line}:{p.source.col}", p.message, p.text("en").removeprefix(where)) for p in problems]


@pytest.mark.parametrize(
    ("old", "new", "where", "french", "english"),
    [
        (
            BASE,
            BASE.replace('type="decimal" expected="56.00"', 'type="boolean" expected="True"'),
            "89:89",
            "valeur attendue « True » invalide pour le type boolean",
            'expected value "True" is not valid for type boolean',
        ),
        (
            BASE,
            BASE.replace("lines[0]", "lines[5]"),
            "89:45",
            "« invoice.lines[5].base » : la facture n'a que 1 ligne(s) <line>, numérotées à partir de 0",
            '"invoice.lines[5].base": the invoice has only 1 <line> line(s), numbered from 0',
        ),
        (
            '<trace id="t-code" step="s-invoice" channel="engine" pattern="1241763"/>',
            '<trace id="t-code" step="s-invoice" channel="engine" pattern="x|" absent="true"/>',
            "96:62",
            "motif « x| » attendu absent, mais il reconnaît le texte vide : il est dans toute trace",
            'pattern "x|" expected absent, but it matches the empty text: it is in every trace',
        ),
    ],
)
def test_an_expectation_that_can_never_pass_is_refused(
    tmp_path: Path, old: str, new: str, where: str, french: str, english: str
) -> None:
    found = _problems(tmp_path, old, new)
    assert [(at, fr) for at, fr, _en in found] == [(where, french)]
    assert found[0][2] == f"{where}: {english}"


def test_the_last_line_and_a_present_empty_pattern_stay_valid(tmp_path: Path) -> None:
    new = BASE.replace('type="decimal" expected="56.00"', 'type="boolean" expected="false"')
    assert _problems(tmp_path, BASE, new) == []
    trace = '<trace id="t-code" step="s-invoice" channel="engine" pattern="1241763"/>'
    assert _problems(tmp_path / "b", trace, trace.replace("1241763", "x|")) == []
