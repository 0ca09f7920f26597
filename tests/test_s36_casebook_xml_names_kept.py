"""A malformed casebook whose element is named like a word of the message catalogue (a French author's
``<cahier>``) was said in English with that name translated: « closing tag </casebook> while <casebook> (line 2)
is open » for ``<cahier>`` — the very name to fix hidden. Names are kept as written, in both languages."""

from __future__ import annotations

from pathlib import Path

from testbench.casebook.loader import check_casebook

BOOK = """<?xml version="1.0" encoding="UTF-8"?>
<cahier xmlns="urn:testbench:casebook:1" format-version="1">
</casebook>
"""


def test_a_mismatched_tag_keeps_its_names_in_english(tmp_path: Path) -> None:
    path = tmp_path / "c.xml"
    path.write_text(BOOK, encoding="utf-8")
    _casebook, problems = check_casebook(path)
    assert [p.text("en") for p in problems] == [
        f"{path}:3:1: malformed XML: closing tag </casebook> while <cahier> (line 2) is open"
    ]
    assert [p.text("fr") for p in problems] == [
        f"{path}:3:1: XML mal formé : balise fermante </casebook> alors que <cahier> (ligne 2) est ouvert"
    ]
