"""Assisted operator mode: only an FSE that stops before its end is « incomplète »; one wrong in its middle is
« invalide », whenever lxml says so (audit s25, R4).

A whole FSE naming an entity no DTD declares (« H&eacute;l&egrave;ne »), a mismatched tag or a bare « & » is the
product's malformed output, not one still being written when the wait ended; a document cut at any byte is.
"""

from __future__ import annotations

from pathlib import Path

from test_assisted_outputs import FSE_EXTRACTOR, HEAD, Application, fse, reason
from test_assisted_step_boundaries import run

from testbench.engines.operator.assisted import _cut_short
from testbench.extract.spec import ExtractorSpec

XML = ExtractorSpec(name="x", kind="xpath", applies_to=("create_invoice",), files="fse")
ENTITY = fse().replace("Hélène".encode("latin-1"), b"H&eacute;l&egrave;ne")


def test_a_whole_fse_with_an_undefined_entity_is_not_cut_short() -> None:
    assert not _cut_short(XML, ENTITY)
    assert not _cut_short(XML, "<FSE><C>Hé &eacute;</C></FSE>".encode())  # on the document's one line


def test_a_bare_ampersand_or_a_mismatched_tag_in_the_middle_is_not_cut_short() -> None:
    assert not _cut_short(XML, fse().replace(b"par", b"p&r"))
    assert not _cut_short(XML, "<FSE><C>Hé p&r</C><D>abc</D></FSE>".encode())
    assert not _cut_short(XML, fse().replace(b"</FSE>", b"</FSX>"))


def test_a_document_cut_at_any_byte_is_cut_short() -> None:
    whole = fse()
    assert all(_cut_short(XML, whole[:end]) for end in range(len(whole) - 2))  # « </FSE> » then CR LF
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>\n<FSE><C>Hélène éèà</C><C>Héé'.encode("utf-16")
    utf8_half_letter = '<?xml version="1.0" encoding="UTF-8"?>\n<FSE><C>Hélène é'.encode()[:-1]
    assert _cut_short(XML, utf16) and _cut_short(XML, utf8_half_letter)


def test_a_whole_fse_with_an_undefined_entity_is_invalid_output_not_incomplete(tmp_path: Path) -> None:
    target = tmp_path / "app" / "out" / "fse" / "FSE_F0001.xml"
    steps = {("ENT", "create_invoice"): lambda root: target.write_bytes(ENTITY)}
    session = run(tmp_path, HEAD + FSE_EXTRACTOR.format(files="fse"), Application(tmp_path, steps), "ENT")
    assert reason(session, "ENT").startswith(f"sortie du logiciel invalide : {target}:4:")
