"""Text hidden by a STYLE in a Word table is not read: Word neither shows nor prints it, as text hidden by its own
``w:vanish``. It was read as shown — a team's « Note masquée » character style applied to a remark naming a NIR went
into the casebook's title, and ``testbench export`` copied it, visible, into the XLSX file it wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from lxml import etree

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping
from testbench.office.tables import read_table

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"
TITLE = "Lit médical loué 4 semaines, assuré standard, sans AMC"


def _document(tmp_path: Path) -> Path:
    """The sample's Word table, EX-FSE-001's title (row 5) followed by: a run of a hidden character style, a run of
    a style based on it that shows it again, and a paragraph of a paragraph style based on a hidden one."""
    word = docx.Document(str(EXAMPLES / "cahier-exemple.docx"))
    hidden = word.styles.add_style("NoteMasquee", WD_STYLE_TYPE.CHARACTER)
    hidden.font.hidden = True
    shown = word.styles.add_style("NoteVisible", WD_STYLE_TYPE.CHARACTER)
    shown.base_style = hidden
    shown.font.hidden = False
    hidden_paragraph = word.styles.add_style("ParaMasque", WD_STYLE_TYPE.PARAGRAPH)
    hidden_paragraph.font.hidden = True
    based = word.styles.add_style("ParaMasqueBis", WD_STYLE_TYPE.PARAGRAPH)
    based.base_style = hidden_paragraph
    cell = word.tables[0].cell(4, 1)
    title = cell.paragraphs[0]
    title.add_run(" NIR 180019999900168", style="NoteMasquee")
    title.add_run(" (v2)", style="NoteVisible")
    direct = title.add_run(" [montré]", style="NoteMasquee")
    etree.SubElement(direct._r.get_or_add_rPr(), qn("w:vanish")).set(qn("w:val"), "0")  # direct formatting wins
    cell.add_paragraph("Paul ESSAI né le 15/01/1980", style="ParaMasqueBis")
    path = tmp_path / "cahier.docx"
    word.save(str(path))
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)
    return path


def test_text_hidden_by_a_style_is_neither_imported_nor_copied_by_export(tmp_path: Path) -> None:
    document = _document(tmp_path)
    mapping = load_mapping(MAPPING)

    done = import_document(document, mapping)

    text = done.xml.decode("utf-8")
    assert f"<title>{TITLE} (v2) [montré]</title>" in text
    assert "180019999900168" not in text and "ESSAI" not in text
    cells = [cell.text for row in read_table(document, mapping).rows for cell in row]  # what export copies
    assert f"{TITLE} (v2) [montré]" in cells
    assert not any("180019999900168" in cell or "ESSAI" in cell for cell in cells)
