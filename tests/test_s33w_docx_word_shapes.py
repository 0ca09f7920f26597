"""The Word exam book as people really write it (docs/office-import.md): a header row repeated at a page break of
a document converted from a PDF, tracked changes (a reviewer's « 5 » over « 4 », a row deleted with revisions on),
hyperlinks, fields, soft line breaks and empty paragraphs in cells. ``testbench import`` reads what Word shows.

A header row repeated between a case's first row and its continuation line was read as a case « N° cas »: refused
(exit 3, « identifiant de cas invalide »), and the continuation line went with it — the case written with one of
its two lines, said nowhere. The repeated header row is read as headers now, and said.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from lxml import etree
from test_fuzz_docx import W, _casebook, _cells, _edited, _set_text, book, sample  # noqa: F401  (fixtures)
from test_fuzz_inputs import faults

QTE = 15  # the « Qté » column (0-based)
FSE_001, FSE_003, FSE_010 = 4, 6, 10  # their rows in the table (0-based: the header is row 4, the 4th)


def _case(lines: list[str], case_id: str) -> str:
    text = "\n".join(lines)
    found = re.search(rf'<case id="{case_id}".*?</case>', text, re.S)
    return found[0] if found else ""


def _repeat_header(table: etree._Element, rows: list[etree._Element]) -> None:
    rows[FSE_010].addnext(copy.deepcopy(rows[3]))  # between EX-FSE-010's first row and its second line


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ((), "tableau 1, ligne 12: ligne identique à celle des en-têtes (répétée à un saut de page) : lue comme"),
        (("--lang", "en"), "table 1 row 12: row identical to the header row (repeated at a page break): read as"),
    ],
)
def test_a_header_row_repeated_at_a_page_break_is_no_case_and_cuts_none(
    book: Path,  # noqa: F811
    sample: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    options: tuple[str, ...],
    said: str,
) -> None:
    done, lines = _casebook(book, _edited(_repeat_header), capsys, *options)
    assert done.code == 0 and not faults(done, {0}), done.err
    assert said in done.out + done.err
    assert _case(lines, "EX-FSE-010") == _case(sample, "EX-FSE-010")
    assert _case(lines, "EX-FSE-010").count("<line ") == 2
    assert lines == sample


def _tracked(cell: etree._Element, deleted: str, inserted: str) -> None:
    """``cell``'s text replaced with revisions on: ``deleted`` struck through, ``inserted`` underlined."""
    _set_text(cell, "")
    p = cell.find(f"{W}p")
    assert p is not None
    p.remove(p[0])
    gone = etree.SubElement(p, f"{W}del", {f"{W}id": "90", f"{W}author": "Relecteur"})
    etree.SubElement(etree.SubElement(gone, f"{W}r"), f"{W}delText").text = deleted
    added = etree.SubElement(p, f"{W}ins", {f"{W}id": "91", f"{W}author": "Relecteur"})
    etree.SubElement(etree.SubElement(added, f"{W}r"), f"{W}t").text = inserted


def test_a_tracked_change_reads_as_its_inserted_text_never_the_deleted(
    book: Path,  # noqa: F811
    sample: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    def revise(table: etree._Element, rows: list[etree._Element]) -> None:
        _tracked(_cells(rows[FSE_001])[QTE], "4", "5")

    done, lines = _casebook(book, _edited(revise), capsys)
    assert done.code == 0, done.err
    case = _case(lines, "EX-FSE-001")
    assert 'quantity="5"' in case and 'quantity="4"' not in case, case
    assert _case(sample, "EX-FSE-001").replace('quantity="4"', 'quantity="5"') == case


def test_a_row_deleted_with_revisions_on_is_not_imported(
    book: Path,  # noqa: F811
    sample: list[str],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    def delete(table: etree._Element, rows: list[etree._Element]) -> None:
        row = rows[FSE_003]
        props = row.find(f"{W}trPr")
        if props is None:
            props = etree.Element(f"{W}trPr")
            row.insert(0 if row.find(f"{W}tblPrEx") is None else 1, props)
        etree.SubElement(props, f"{W}del", {f"{W}id": "92", f"{W}author": "Relecteur"})
        for run in list(row.iter(f"{W}r")):
            parent = run.getparent()
            assert parent is not None
            gone = etree.Element(f"{W}del", {f"{W}id": "93", f"{W}author": "Relecteur"})
            parent.replace(run, gone)
            gone.append(run)
            for text in run.findall(f"{W}t"):
                text.tag = f"{W}delText"

    done, lines = _casebook(book, _edited(delete), capsys)
    assert done.code == 0, done.err
    assert _case(sample, "EX-FSE-003") and not _case(lines, "EX-FSE-003")
    assert "EX-FSE-003" not in "\n".join(lines)


def test_hyperlinks_fields_soft_breaks_and_empty_paragraphs_read_as_word_shows_them(book: Path) -> None:  # noqa: F811
    from testbench.office.mapping import load_mapping
    from testbench.office.tables import read_table

    def dress(table: etree._Element, rows: list[etree._Element]) -> None:
        cells = _cells(rows[FSE_001])
        ident = cells[0]
        _set_text(ident, "EX-FSE-001")
        p = ident.find(f"{W}p")
        assert p is not None
        link = etree.SubElement(p, f"{W}hyperlink", {"{http://schemas.openxmlformats.org/officeDocument/2006/"
                                                     "relationships}id": "rId99"})  # fmt: skip
        link.append(p[0])  # the id inside a hyperlink
        ident.insert(len(ident) - 1, etree.Element(f"{W}p"))  # an empty paragraph before it
        etree.SubElement(ident, f"{W}p")  # and one after
        quantity = cells[QTE]
        _set_text(quantity, "")
        q = quantity.find(f"{W}p")
        assert q is not None
        q.remove(q[0])
        for kind, text in (("begin", None), (None, " MERGEFIELD qte "), ("separate", None), (None, "4"), ("end", None)):
            run = etree.SubElement(q, f"{W}r")
            if kind:
                etree.SubElement(run, f"{W}fldChar", {f"{W}fldCharType": kind})
            elif text.startswith(" "):
                etree.SubElement(run, f"{W}instrText").text = text
            else:
                etree.SubElement(run, f"{W}t").text = text
        _set_text(cells[1], "Lit médical\nloué 4 semaines")  # a soft line break (w:br)

    (book / "cahier.docx").write_bytes(_edited(dress))
    read = read_table(book / "cahier.docx", load_mapping(book / "cahier-exemple.mapping.toml"))
    row = read.rows[0]
    assert row[0].text.strip() == "EX-FSE-001"
    assert row[QTE].text == "4"  # the field's result, never its instruction
    assert row[1].text == "Lit médical\nloué 4 semaines"
