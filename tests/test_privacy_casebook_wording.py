"""A card persona named like a word of the language leaves that word in the casebook's own text.

The bench's personas are named ESSAI, EXEMPLE, MODELE, FICTIF, CLAIRE…; a one-word known name is masked wherever it
is written as a name (in capitals, or capitalised), so a case titled « Essai de lecture » or « Exemple de facture »
lost its first word in the exam book as soon as the session had read that persona's card. In the casebook's own
text (a case's title, objective, comment, a step's instruction, an expectation's comment, the casebook's title) a
one-word name is now a name only in capitals as a card writes it (« Cahier de ESSAI ») or after a civility (« Mme
Essai »); a whole name (« Paul Essai ») in any case, NIRs and dates as everywhere. Trace lines keep the wider rule.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cards.profile import load_profile
from testbench.report.personal import Scrubber
from testbench.traces.known import KnownValues
from testbench.traces.redact import Redactor

REPO = Path(__file__).resolve().parents[1]
HOLDER = load_profile(REPO / "casebooks" / "cards" / "vitale2-adult-standard.xml")
NAME = HOLDER.beneficiaries[0].name  # ESSAI
FIRST = HOLDER.beneficiaries[0].first_name  # PAUL
NIR = HOLDER.holder_nir
WORD = NAME.capitalize()  # « Essai »: the language's word


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Exemple de facture LPP", "Exemple de facture LPP"),
        ("Essai de lecture, Claire et nette", "Essai de lecture, Claire et nette"),
        ("Cahier de ESSAI : démonstration", "Cahier de ‹NOM› : démonstration"),  # in capitals, as a card writes it
        ("Assuré Mme Essai, M. Exemple, Dr Claire", "Assuré Mme ‹NOM›, M. ‹NOM›, Dr ‹NOM›"),  # after a civility
        ("Lecture de la carte de Paul Essai", "Lecture de la carte de ‹NOM›"),  # a whole name, any case
        ("Essai de lecture : NIR 1 80 01 99 999 001 68", "Essai de lecture : NIR ‹NIR›"),
    ],
)
def test_a_one_word_name_in_a_casebook_text(text: str, said: str) -> None:
    names = ["ESSAI", "EXEMPLE", "CLAIRE", "PAUL ESSAI"]
    assert Redactor(names=names, wording=True).redact(text) == said


def test_trace_text_keeps_the_wider_rule() -> None:
    """In a trace (an application's log) a capitalised known name is the holder's: « patient Essai » is masked."""
    redactor = Redactor(names=["ESSAI"])
    assert redactor.redact("Essai de lecture : patient Essai") == "‹NOM› de lecture : patient ‹NOM›"
    assert Redactor(names=["ESSAI"], wording=True).redact("essai ESSAI") == "essai ‹NOM›"


def test_the_scrubber_says_a_casebook_text_apart_and_counts_what_it_hid() -> None:
    known = KnownValues()
    known.add_card_fields({"name": NAME, "first_name": FIRST, "nir": NIR})
    scrub = Scrubber(True, known)
    assert scrub.wording(f"{WORD} de lecture") == f"{WORD} de lecture"
    assert scrub(f"{WORD} de lecture") == "‹NOM› de lecture"  # the same text in a trace line
    assert scrub.wording(f"{WORD} pour Mme {WORD}") == f"{WORD} pour Mme ‹NOM›"
    assert scrub.counts["name"] == 2
    assert Scrubber(False, known).wording(f"{NAME} PIN=4719") == f"{NAME} PIN=‹PIN›"  # --no-redact: PINs still go


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "testbench", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "TESTBENCH_LANG": "fr", "HOME": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo casebook whose texts use the persona's name as a word and as a name, run once with its report."""
    root = tmp_path_factory.mktemp("casebook-wording")
    text = (REPO / "casebooks" / "demo.xml").read_text(encoding="utf-8")
    text = text.replace("<title>Démonstration", f"<title>{WORD} à blanc : démonstration", 1)
    start = text.index('<case id="DEMO-FSE-001"')
    case = text[start : text.index("</case>", start)]
    edited = case.replace(
        "<title>Lit médical", f"<title>{WORD} de facturation pour Mme {WORD} ({NAME}, {FIRST} {NAME}) : lit médical", 1
    ).replace("<objective>", f"<objective>{WORD} de lecture de la carte de {FIRST.capitalize()} {WORD}. ", 1)
    (root / "demo.xml").write_text(text.replace(case, edited), encoding="utf-8")
    (root / "cards").symlink_to(REPO / "casebooks" / "cards")
    run = cli("run", "demo.xml", "-k", "DEMO-FSE-001", "--session", "a.tbsession", "--cards", "inprocess",
              "--report", "rep", cwd=root)  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return root / "rep"


def test_the_exam_book_keeps_the_word_and_hides_the_name(report: Path) -> None:
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    assert data["cover"]["casebooks"][0]["title"].startswith(f"{WORD} à blanc : démonstration")
    (case,) = [c for c in data["cases"] if c["key"]["case_id"] == "DEMO-FSE-001"]
    # « ESSAI, PAUL ESSAI » reads as « ESSAI, PAUL » (surname first) then « ESSAI »: names either way
    assert case["title"].startswith(f"{WORD} de facturation pour Mme ‹NOM› (‹NOM› ‹NOM›) : lit médical")
    assert case["objective"].startswith(f"{WORD} de lecture de la carte de ‹NOM›. ")
    html = (report / "index.html").read_text(encoding="utf-8")
    assert f"{WORD} à blanc" in html and f"{WORD} de facturation pour Mme ‹NOM›" in html
    assert NAME not in html and f"Mme {WORD}" not in html and f"{FIRST.capitalize()} {WORD}" not in html
