"""``testbench import`` says an unknown domain or mode, and an Exo (exonération) the casebook cannot take, in the
sheet's words at its cell: the column's header, the domains or modes as the mapping's [values] writes them (else
by their names, « e-prescription », never the code « eprescription »), and what an Exo is — never the schema's
« ne respecte pas le motif « [0-9A-Z] » ». Each domain and mode listed is one the import takes (audit s28)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from testbench.office.importer import write_import
from testbench.office.mapping import load_mapping

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "casebooks" / "examples"
SHEET = "'Cahier de tests'"
# row 5 is EX-FSE-001's (an FSE case, secured); V is its Exo column, D its Domaine, E its Mode
DOMAINS = "FSE, DRE, ADRi, ApCV, INSi, e-prescription, Lot, Cartes"
MODES = "Sécurisé, Dégradé, SESAM sans Vitale, Sans objet"


def edited(tmp_path: Path, cells: dict[str, str]) -> Path:
    """The sample workbook with ``cells`` rewritten, beside a copy of its mapping, fixtures and card profiles."""
    folder = tmp_path / "casebooks" / "examples"
    if not folder.exists():
        shutil.copytree(EXAMPLES, folder)
        shutil.copytree(REPO / "casebooks" / "cards", tmp_path / "casebooks" / "cards")
    book = openpyxl.load_workbook(EXAMPLES / "cahier-exemple.xlsx")
    for ref, value in cells.items():
        book["Cahier de tests"][ref] = value
    book.save(folder / "edited.xlsx")
    return folder


def said(tmp_path: Path, cells: dict[str, str], lang: str) -> list[str]:
    folder = edited(tmp_path, cells)
    done = write_import(folder / "edited.xlsx", load_mapping(folder / "cahier-exemple.mapping.toml"), folder / "c.xml")
    return [problem.text(lang) for problem in done.problems]


def test_an_unknown_domain_mode_or_exo_is_said_in_the_sheets_words(tmp_path: Path) -> None:
    cells = {"D5": "FSEE", "E5": "Sécurisée", "V7": "ZZ"}
    assert said(tmp_path, cells, "fr") == [
        f"{SHEET}!D5: colonne « Domaine » : « FSEE » n'est pas un domaine connu (domaines : {DOMAINS})",
        f"{SHEET}!E5: colonne « Mode » : « Sécurisée » n'est pas un mode connu (modes : {MODES})",
        f"{SHEET}!V7: colonne « Exo » : « ZZ » n'est pas un code d'exonération (un seul caractère, chiffre ou"
        " lettre majuscule, 4 par exemple)",
    ]
    assert said(tmp_path, cells, "en") == [
        f"{SHEET}!D5: column “Domaine”: “FSEE” is not a known domain (domains: {DOMAINS})",
        f"{SHEET}!E5: column “Mode”: “Sécurisée” is not a known mode (modes: {MODES})",
        f"{SHEET}!V7: column “Exo”: “ZZ” is not an exoneration code (a single character, a digit or a capital"
        " letter, 4 for instance)",
    ]


@pytest.mark.parametrize(("ref", "words"), [("D5", DOMAINS), ("E5", MODES)], ids=["domain", "mode"])
def test_each_word_listed_is_one_the_import_takes(tmp_path: Path, ref: str, words: str) -> None:
    for word in words.split(", "):
        problems = said(tmp_path, {ref: word}, "fr")
        assert not any(problem.startswith(f"{SHEET}!{ref}:") for problem in problems), (word, problems)
