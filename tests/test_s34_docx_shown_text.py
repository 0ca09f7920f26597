"""A Word cell is read as Word shows it (docs/office-import.md), in two rarer shapes of the CNDA's Word exam books.

``mc:AlternateContent`` holds the same content twice, for two versions of Word: a ``mc:Choice`` (a 2010 feature)
and its ``mc:Fallback``. Both were read: a quantity « 5 » written so read « 55 », a row so wrapped imported twice.
Word shows one branch: the Choice whose ``Requires`` it reads, else the Fallback. Hidden text (``w:vanish``,
``w:specVanish``: Ctrl+Maj+H, a note kept out of sight) was read into the cell; Word shows it not, nor prints it.
Moved-away text (``w:moveFrom``, a tracked move) is not read, its new place (``w:moveTo``) is.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree
from test_fuzz_docx import W, _casebook, _cells, _edited, _set_text, book, sample  # noqa: F401  (fixtures)

from testbench.office.mapping import load_mapping
from testbench.office.tables import Table, read_table

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
UNKNOWN = "urn:example:a-later-word"
QTE, TITLE = 15, 1  # the « Qté » and « Intitulé » columns (0-based)
FSE_001 = 4  # EX-FSE-001's row in the table (0-based)


def _read(folder: Path, data: bytes) -> Table:
    (folder / "cahier.docx").write_bytes(data)
    return read_table(folder / "cahier.docx", load_mapping(folder / "cahier-exemple.mapping.toml"))


def _run(text: str, *props: str, val: str | None = None) -> etree._Element:
    """A run holding ``text``, with the on/off run properties ``props`` (``w:val`` = ``val`` when given)."""
    run = etree.Element(f"{W}r")
    if props:
        rpr = etree.SubElement(run, f"{W}rPr")
        for prop in props:
            etree.SubElement(rpr, f"{W}{prop}", {} if val is None else {f"{W}val": val})
    t = etree.SubElement(run, f"{W}t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _paragraph(cell: etree._Element, text: str = "") -> etree._Element:
    _set_text(cell, text)
    p = cell.find(f"{W}p")
    assert p is not None
    return p


def _alternate(
    choice: list[etree._Element], fallback: list[etree._Element], requires: str = "w14", uri: str = W14
) -> etree._Element:
    """An ``mc:AlternateContent``: ``choice`` requiring the prefixes ``requires`` (the last one declared as ``uri``),
    then ``fallback``."""
    alternate = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC})
    branch = etree.SubElement(alternate, f"{{{MC}}}Choice", {"Requires": requires}, nsmap={requires.split()[-1]: uri})
    branch.extend(choice)
    etree.SubElement(alternate, f"{{{MC}}}Fallback").extend(fallback)
    return alternate


def test_alternate_content_in_a_cell_is_read_once_its_choice_when_word_reads_it(book: Path) -> None:  # noqa: F811
    def twice(table: etree._Element, rows: list[etree._Element]) -> None:
        _paragraph(_cells(rows[FSE_001])[QTE]).append(_alternate([_run("5")], [_run("5")]))

    assert _read(book, _edited(twice)).rows[0][QTE].text == "5"  # was « 55 »


def test_alternate_content_whose_choice_word_does_not_read_is_read_as_its_fallback(book: Path) -> None:  # noqa: F811
    def later(table: etree._Element, rows: list[etree._Element]) -> None:
        p = _paragraph(_cells(rows[FSE_001])[QTE])
        p.append(_alternate([_run("7")], [_run("6")], requires="x99", uri=UNKNOWN))
        p.append(_alternate([_run("1")], [_run("9")], requires="x99 w14", uri=W14))  # x99 not declared: unknown

    assert _read(book, _edited(later)).rows[0][QTE].text == "69"


def test_a_row_in_alternate_content_is_imported_once(
    book: Path,  # noqa: F811
    sample: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    def wrapped(table: etree._Element, rows: list[etree._Element]) -> None:
        row = rows[FSE_001]
        alternate = _alternate([copy.deepcopy(row)], [copy.deepcopy(row)])
        row.addprevious(alternate)
        table.remove(row)

    done, lines = _casebook(book, _edited(wrapped), capsys)
    assert done.code == 0, done.err
    assert lines == sample  # both branches were skipped: the case dropped unsaid


def test_hidden_text_is_not_read_shown_text_is(book: Path) -> None:  # noqa: F811
    def hide(table: etree._Element, rows: list[etree._Element]) -> None:
        cells = _cells(rows[FSE_001])
        p = _paragraph(cells[QTE], "4")
        p.append(_run(" (ancienne valeur 3)", "vanish"))
        p.append(_run("0", "vanish", val="false"))  # turned off: shown (« 40 »)
        title = _paragraph(cells[TITLE], "Lit médical")
        title.append(_run(" — à revoir", "specVanish"))
        title.append(_run(" loué", "vanish", val="off"))
        title.append(_run(" note", "vanish", val="1"))

    row = _read(book, _edited(hide)).rows[0]
    assert row[QTE].text == "40"
    assert row[TITLE].text == "Lit médical loué"


def test_moved_away_text_is_not_read_its_new_place_is(book: Path) -> None:  # noqa: F811
    def move(table: etree._Element, rows: list[etree._Element]) -> None:
        p = _paragraph(_cells(rows[FSE_001])[TITLE], "Lit")
        mark = {f"{W}id": "95", f"{W}author": "Relecteur"}
        etree.SubElement(p, f"{W}moveFrom", mark).append(_run(" loué"))
        p.append(_run(" médical"))
        etree.SubElement(p, f"{W}moveTo", {**mark, f"{W}id": "96"}).append(_run(" loué"))

    assert _read(book, _edited(move)).rows[0][TITLE].text == "Lit médical loué"
