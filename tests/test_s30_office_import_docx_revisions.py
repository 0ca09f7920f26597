"""A Word table's cell is read as Word shows it: python-docx reads only a paragraph's own runs, so text typed with
revisions on (``w:ins``) or inside a content control (``w:sdt``) was dropped without a word — a reviewer's « 33,61 »
typed over « 33,60 » read as « 3,60 », a title lost its added words. Deleted text (``w:del``) is not read."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

from testbench.office.importer import import_document
from testbench.office.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "casebooks" / "examples"
MAPPING = EXAMPLES / "cahier-exemple.mapping.toml"


def _run(paragraph: etree._Element, text: str, tag: str = "w:t") -> etree._Element:
    """A copy of the paragraph's first run holding only ``text`` (in ``w:delText`` for deleted text)."""
    run = copy.deepcopy(paragraph.find(qn("w:r")))
    for child in list(run):
        if child.tag != qn("w:rPr"):
            run.remove(child)
    etree.SubElement(run, qn(tag)).text = text
    return run


def _revision(paragraph: etree._Element, kind: str, text: str, ident: int) -> None:
    mark = etree.SubElement(paragraph, qn(kind), {qn("w:id"): str(ident), qn("w:author"): "Relecteur"})
    mark.append(_run(paragraph, text, "w:delText" if kind == "w:del" else "w:t"))


def test_inserted_and_controlled_text_is_read_deleted_text_is_not(tmp_path: Path) -> None:
    word = docx.Document(str(EXAMPLES / "cahier-exemple.docx"))
    table = word.tables[0]
    title = table.cell(4, 1).paragraphs[0]._p  # EX-FSE-001's title, row 5 of the table
    _revision(title, "w:ins", " (révisé)", 1)
    _revision(title, "w:del", " (ancien)", 2)
    objective = table.cell(4, 2)._tc  # its objective, as a content control (a form's field)
    sdt = etree.SubElement(objective, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    for paragraph in objective.findall(qn("w:p")):
        content.append(paragraph)
    etree.SubElement(objective, qn("w:p")).append(_run(content[0], "Ajouté sous le contrôle."))
    document = tmp_path / "cahier.docx"
    word.save(str(document))
    shutil.copy(EXAMPLES / "cahier-exemple.fixtures.xml", tmp_path)

    done = import_document(document, load_mapping(MAPPING))

    assert done.problems == [], [problem.text("fr") for problem in done.problems]
    text = done.xml.decode("utf-8")
    assert "<title>Lit médical loué 4 semaines, assuré standard, sans AMC (révisé)</title>" in text
    assert "(ancien)" not in text
    assert "<objective>Part AMO et reste à charge d'une location LPP hebdomadaire.\nAjouté sous le contrôle." in text
