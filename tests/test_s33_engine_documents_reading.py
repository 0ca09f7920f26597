"""How the bench reads an engine's FSE and B2 lot (testbench.engines.protocol.documents), case by case: the first
problem placed and cut short, its English read back from the catalogue, what is not ours read only as far as the
documents say (docs/engine-protocol.md, « The documents an engine returns »). ``run`` and ``engine check`` with a
real engine process: tests/test_s33_engine_documents_run.py and tests/test_s33_engine_documents_check.py."""

from __future__ import annotations

import pytest

from testbench.engines.protocol.conformance import sample_request
from testbench.engines.protocol.documents import b2_problem, document_fault, fse_problem
from testbench.engines.reference.engine import ReferenceEngine
from testbench.i18n import english


@pytest.fixture(scope="module")
def documents() -> tuple[str, list[str]]:
    """The reference engine's FSE of example E1 and the records of its lot."""
    engine = ReferenceEngine()
    invoice = engine.create_invoice(sample_request("DOC-1"))
    engine.secure_invoice({"invoice_id": invoice["invoice_id"]})
    lot = engine.build_lot({"invoice_ids": [invoice["invoice_id"]]})
    return invoice["fse"], lot["b2"].split("\n")


def test_the_reference_engine_s_documents_read_well(documents: tuple[str, list[str]]) -> None:
    fse, records = documents
    assert fse_problem(fse) is None
    assert b2_problem("\n".join(records)) is None
    assert b2_problem("\n".join(records).rstrip("\n")) is None  # no line end after the last record


def test_a_control_character_in_a_malformed_fse_is_shown_and_placed() -> None:
    said = fse_problem('<?xml version="1.0"?>\n<fse>\n  <a>\x1b[31m</b></fse>')
    assert said is not None
    assert said.startswith("FSE mal formée, ligne 3, colonne "), said
    assert "⟨U+001B⟩" in said and "\x1b" not in said, said


def test_a_doctype_is_refused_whatever_the_root() -> None:
    assert fse_problem('<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>') == (
        "déclaration DOCTYPE refusée : une FSE ne doit contenir ni DTD ni entités"
    )


def test_a_huge_value_outside_the_xsd_is_cut(documents: tuple[str, list[str]]) -> None:
    fse, _ = documents
    said = fse_problem(fse.replace(' amo="', ' amo="' + "9" * 5000, 1))
    assert said is not None and len(said) < 400, said
    assert "attribut « amo »" in said and "…" in said, said


def test_an_fse_of_another_format_needs_only_be_well_formed() -> None:
    assert fse_problem('<FSE xmlns="urn:editeur:fse"><facture numero="1"/></FSE>') is None


def test_a_lot_of_another_format_is_read_as_b2_records() -> None:
    """Not our header: 128 characters of printable ASCII a line is what the bench asks of it."""
    assert b2_problem("A" * 128 + "\r\n" + "B" * 128 + "\r\n") is None
    assert b2_problem("A" * 128 + "\n" + "B" * 120 + "é" * 8) == (
        "lot B2, enregistrement 2, colonne 121 : caractère U+00E9 hors de l'ASCII imprimable"
    )
    assert b2_problem("A" * 128 + "\n\n" + "B" * 128) == (
        "lot B2, enregistrement 2 : 0 caractère au lieu de 128 : «  »"
    )
    assert b2_problem("\n") == "lot B2 vide"


def test_our_lot_follows_our_layout(documents: tuple[str, list[str]]) -> None:
    _, records = documents
    lot = "\n".join(records)
    unknown = lot.replace(records[3], "3Z9" + records[3][3:])
    assert b2_problem(unknown) == "lot B2, enregistrement 4 : type « 3Z9 » inconnu du format testbench"
    no_end = "\n".join(records[:-2])
    assert b2_problem(no_end) == (
        f"lot B2, enregistrement {len(records) - 2} : dernier enregistrement de type « 190 » au lieu de 999"
        " (lot tronqué ?)"
    )
    last = records[-2]
    miscounted = lot.replace(last, last[:6] + "000042" + last[12:])
    assert b2_problem(miscounted) == (
        f"lot B2, enregistrement {len(records) - 1} : l'enregistrement 999 en compte 42, le lot en a"
        f" {len(records) - 1}"
    )
    bad_date = lot.replace(records[1], records[1][:22] + "241340" + records[1][28:])
    assert b2_problem(bad_date) == (
        "lot B2, enregistrement 2, colonnes 23–28 : champ date_creation : « 241340 » n'est pas une date AAMMJJ"
    )


@pytest.mark.parametrize(
    ("french", "english_text"),
    [
        (
            "build_lot : lot B2, enregistrement 3 : 1 caractère au lieu de 128 : « X »",
            "build_lot: B2 lot, record 3: 1 character instead of 128: “X”",
        ),
        (
            "lot B2, enregistrement 2, colonnes 23–28 : champ date_creation : « 241340 » n'est pas une date AAMMJJ",
            "B2 lot, record 2, columns 23–28: field date_creation: “241340” is not a YYMMDD date",
        ),
        (
            "défaut du moteur (réponse invalide) : create_invoice : FSE mal formée, ligne 2, colonne 5 : erreur de"
            " syntaxe à cet endroit ; près de « <a> »",
            "engine defect (invalid answer): create_invoice: malformed FSE, line 2, column 5: syntax error at this"
            " place; near “<a>”",
        ),
    ],
)
def test_each_sentence_reads_back_in_english(french: str, english_text: str) -> None:
    assert english(french) == english_text


def test_only_the_fse_and_the_lot_are_read() -> None:
    assert document_fault("noemie", "n'importe quoi") is None
    fault = document_fault("fse", "<fse>")
    assert fault is not None and str(fault).startswith("create_invoice : FSE mal formée, ligne 1, colonne ")
