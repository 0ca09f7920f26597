"""Every French text the import shows a person has its English in the catalogue.

The import's problems are worded from templates (``Problem.of(place, "montant illisible « {text} »")``)
that Babel's extractor does not see, since they are not ``t("…")`` literals: this test finds them in the
office modules' code and checks each against the English catalogue."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from testbench.i18n import translator
from testbench.locale import plurals
from testbench.office.diff import FIELD_WORDS
from testbench.office.problems import Problem
from testbench.office.tables import Place

PACKAGE = Path(__file__).resolve().parents[1] / "testbench"
MODULES = (
    "office/mapping.py",
    "office/tables.py",
    "office/importer.py",
    "office/convert.py",
    "office/diff.py",
    "cli/import_cmd.py",
)
#: French texts: an accented letter, French quotes, or a word the English catalogue would not keep.
FRENCH = re.compile(r"[éèêàçùô«»]|\b(de|du|des|le|la|les|un|une|aucun|aucune|introuvable|illisible|inconnu|vide)\b")
#: Literals that never reach a person (the XML comment written into the casebook is the casebook's text).
NOT_SHOWN = {
    "sécurisé",
    "dégradé",
    "Cahier importé par testbench import depuis ",
    ") avec ",
    ". Modifiez le document d'origine puis ré-importez.",
    "version précédente conservée : la ligne du document a une erreur",
    "version précédente conservée : une ligne du document a un identifiant en doute",
}


def french_literals(source: str) -> set[str]:
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = set()
    for node in ast.walk(tree):
        literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        if literal and FRENCH.search(node.value):
            found.add(node.value)
    return found - NOT_SHOWN


@pytest.mark.parametrize("module", MODULES)
def test_every_french_text_of_the_import_has_its_english(module: str) -> None:
    english = translator("en", "cli")  # the command's help texts are read in the cli context first
    texts = french_literals((PACKAGE / module).read_text(encoding="utf-8"))
    assert texts, "the scan finds the module's texts"
    counted = {form for singular, (plural, _) in plurals("testbench", "en").items() for form in (singular, plural)}
    missing = sorted(text for text in texts if english(text) == text and text not in counted)  # tn()'s forms
    assert missing == []


def test_the_scan_sees_a_template_without_english() -> None:
    source = 'Problem.of(place, "colonne fantôme « {x} »", x=1)\n'
    assert french_literals(source) == {"colonne fantôme « {x} »"}
    assert translator("en")("colonne fantôme « {x} »") == "colonne fantôme « {x} »"


def test_a_problem_reads_in_one_language_at_a_time() -> None:
    problem = Problem.of(Place("2", 7, 18, "table"), "entier illisible « {text} »", text="4,5")
    assert problem.text("fr") == "tableau 2, ligne 7, colonne 18: entier illisible « 4,5 »"
    assert problem.text("en") == "table 2 row 7, column 18: unreadable integer “4,5”"
    assert str(Place("Feuille1", 14, 4, "sheet")) == "Feuille1!D14"
    assert str(Place("Cahier de tests", 4, 0, "sheet")) == "'Cahier de tests'!4:4"
    assert all(translator("en")(word) != word or word in ("mode", "fixtures") for word in FIELD_WORDS.values())
