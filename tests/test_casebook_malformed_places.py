"""Malformed XML is placed at the start of what is wrong, and one slip gives one problem (audit s21, 3).

libxml2 gives the column just after the token it stopped on; after a tag mismatch its idea of what is
open is off, and every closing tag after it used to be one more « balise fermante » error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from testbench.casebook.loader import check_casebook

MINIMAL = (Path(__file__).resolve().parent / "data" / "casebooks" / "minimal.xml").read_text(encoding="utf-8")


def _problems(tmp_path: Path, old: str, new: str) -> tuple[str, list[str]]:
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    path = tmp_path / "c.xml"
    path.write_text(text, encoding="utf-8")
    casebook, problems = check_casebook(path)
    assert casebook is None
    return text, [f"{p.source.line}:{p.source.col}: {p.message}" for p in problems]


def _place(text: str, needle: str, nth: int = 1) -> str:
    offset = -1
    for _ in range(nth):
        offset = text.index(needle, offset + 1)
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


@pytest.mark.parametrize(
    ("old", "new", "needle", "nth"),
    [
        ("<title>Lit médical</title>", "<title>Lit médical</titl>", "</titl>", 1),
        ("<title>Lit médical</title>", "<title>Lit &amp médical</title>", "&amp", 1),
        ("<title>Lit médical</title>", "<title>Lit&nbsp;médical</title>", "&nbsp;", 1),
        ("<title>Lit médical</title>", "<title>Lit &#1; médical</title>", "&#1;", 1),
        ('<secure id="s-secure"/>', '<secure id="s-secure" ald/>', "ald", 1),
        ('<read-cps id="s-cps"/>', '<read-cps id="s-cps" id="x"/>', 'id="x"', 1),
        ('<read-cps id="s-cps"/>', '<read-cps id="s < x"/>', "< x", 1),
    ],
)
def test_at_the_start_of_the_token(tmp_path: Path, old: str, new: str, needle: str, nth: int) -> None:
    text, said = _problems(tmp_path, old, new)
    assert said[0].startswith(_place(text, needle, nth) + ": XML mal formé")


def test_a_missing_slash_is_one_problem(tmp_path: Path) -> None:
    text, said = _problems(tmp_path, '<secure id="s-secure"/>', '<secure id="s-secure">')
    where = _place(text, "</steps>")
    assert said == [f"{where}: XML mal formé : balise fermante </steps> alors que <secure> (ligne 35) est ouvert"]
