"""The exam book read whole, one language at a time: no French word of ours in the English book outside recorded
data and the domain's French terms, no English word of ours in the French book.

One guard over everything a person reads in index.html (text, tooltips, the filter's messages, the trace rows the
page renders when a case is opened) and in report.json's words, on a real campaign: the demo casebook with its
plan and attestations (a failure, a manual step), téléservices and NOEMIE returns, reviews (an override, an
accept, a comment). What the casebook, the cards, the engine or a reviewer wrote is data, quoted as written; the
French names of the glossary's terms (tiers payant, ticket modérateur, agrément…) are the domain's words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load

from testbench.cli.main import main
from testbench.domain.glossary import glossary
from testbench.fmt import MODE_LABELS
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key

#: one xdist worker runs this module, so that its module fixture (the books) is built once
pytestmark = pytest.mark.xdist_group("report_book_words_one_language")

#: French words that never read in English prose (English homographs left out: « on », « pour », « lot »…)
FRENCH = re.compile(
    r"[éèàçêâôûùîœ]|\b(?:le|la|les|du|des|aux|et|avec|sans|est|sont|une|pas|dans|sur|cas|carte|cartes|facture|"
    r"factures|montant|attendu|observé|étape|moteur|refus|oui|non|renseigné|aucun|aucune|ligne|lignes|fichier|"
    r"tentative|motif|relecteur|réussi|échec|erreur|heures|jours|semaines|selon|lecteur)\b",
    re.IGNORECASE,
)
#: English words of ours that never read in a French book (lower-case: a case id « CARD-READ-004 » is no word)
ENGLISH = re.compile(
    r"\b(?:the|and|with|without|passed|failed|expected|observed|attempts?|review|reviewer|recorded|unsigned|"
    r"waiting|pending|yes|none|true|false|steps?|cases?|card|reader|invoice|error|skipped|refused|accepted|lines?)\b"
)
#: The domain's French words an English book keeps (besides the glossary's names and the modes' labels)
DOMAIN = ("tiers payant intégral", "Assurance Maladie", "nature d'assurance", "grand régime", "caisse")
#: report.json's values that are recorded data (what the casebook, a card, the engine or a person wrote)
DATA_KEYS = frozenset(
    {"title", "objective", "comment", "instruction", "observe", "note", "text", "value", "evidence", "product"}
    | {"source", "path", "tags", "found", "requirements", "plan_id", "name", "excerpt"}
)
#: an identifier of a casebook's patient, card or scenario: lower-case words joined by hyphens
IDENTIFIER = re.compile(r"(?<![\w-])[a-z0-9_]+(?:-[a-z0-9_.]+)+(?![\w-])")
#: an address, a file's path or an XPath in the product's file (« /f:fse/f:lignes/f:ligne/@amo »): data
PATH = re.compile(r"\S*/\S*")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-text", "data-param", "data-recorded-label", "data-gap")



@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("book-words")
    session, key = work / "s.tbsession", work / "k.pem"
    casebooks = [str(CASEBOOKS_DIR / name) for name in ("demo.xml", "psad-teleservices.xml", "psad-lots-retours.xml")]
    attestations, plan = CASEBOOKS_DIR / "demo-attestations.json", CASEBOOKS_DIR / "plans" / "demo-plan.toml"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "--attestations", str(attestations), "--plan", str(plan)]
    assert main(["run", *casebooks, "--session", str(session), *bench]) == 1  # DEMO-FSE-099 fails, on purpose
    init_key(key)
    for case, action in (("DEMO-FSE-099", ["--override", "pass"]), ("DEMO-FSE-001", ["--accept"]),
                         ("DEMO-CARDS-002", ["--comment"])):  # fmt: skip
        assert main(["review", str(session), case, *action, "--reason", "vu en séance", "--key", str(key)]) == 0
    return session


def _book(session: Path, lang: str) -> Path:
    folder = session.parent / lang
    assert main(["report", str(session), "-o", str(folder), "--lang", lang]) == 0
    return folder


@pytest.fixture(scope="module")
def book(session: Path) -> Path:
    return _book(session, "en")


def _data(node: Any, key: str = "", within: str = "", out: set[str] | None = None) -> set[str]:
    """Every recorded string of report.json (``DATA_KEYS``; a reason a reviewer or the plan gave, not the one the
    bench composed), each line apart (a comment reads line by line)."""
    out = set() if out is None else out
    if isinstance(node, str):
        if key in DATA_KEYS or (key == "reason" and within in ("annotations", "out_of_scope")):
            out.update(line.strip() for line in node.splitlines() if len(line.strip()) > 1)
    elif isinstance(node, dict):
        for k, v in node.items():
            _data(v, k, within, out)
    elif isinstance(node, list):
        for v in node:
            _data(v, key, key, out)
    return out


def _visible(folder: Path, doc: etree._Element | None = None) -> list[str]:
    """What a person reads in the page: its text, its tooltips and messages, the rows rendered on demand."""
    doc = etree.HTML((folder / "index.html").read_text(encoding="utf-8")) if doc is None else doc
    for hidden in doc.xpath("//script|//style"):
        hidden.getparent().remove(hidden)
    said = [t for t in doc.xpath("//body//text()")]
    said += [el.get(a) for el in doc.iter() if isinstance(el.tag, str) for a in ATTRIBUTES if el.get(a)]
    for lazy in doc.xpath("//details[@data-lines]"):  # the page's script splits these into cells
        said += [field for row in lazy.get("data-lines").split("\n") for field in row.split("\t")]
    return [s.strip() for s in said if s.strip()]


def _leftovers(said: list[str], data: set[str], words: re.Pattern[str] = FRENCH) -> list[str]:
    """The texts that say one of ``words`` (ours, in the other language): not data (a text within a recorded
    string, or its part split by the glossary's links), once the data, the domain's French terms (in any case),
    identifiers, paths and addresses are taken out, the longest first (« franchise médicale » whole, though a tag
    says « franchise »)."""
    blob = "\n".join(data)
    terms = {n for term in glossary() for n in term.names} | set(MODE_LABELS.values()) | set(DOMAIN)
    names = {**{d: re.escape(d) for d in data}, **{n: f"(?i:{re.escape(n)})" for n in terms}}
    alternatives = "|".join(names[n] for n in sorted(names, key=len, reverse=True))
    quoted = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")  # standing alone, not inside a word or an id
    found = []
    for text in dict.fromkeys(said):
        if text in blob:
            continue
        rest = IDENTIFIER.sub(" ", PATH.sub(" ", quoted.sub(" ", text)))
        if words.search(rest):
            found.append(f"{text!r} → {rest!r}")
    return found


def test_the_english_book_has_no_french_word_outside_data_and_domain_terms(book: Path) -> None:
    report = json.loads((book / "report.json").read_text(encoding="utf-8"))
    data = _data(report)
    assert _leftovers(_visible(book), data) == []


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")
def test_the_page_chromium_renders_with_a_passed_case_opened_has_no_french_word(book: Path, tmp_path: Path) -> None:
    """The page as the browser lays it out, its script run: a passed case opened renders its trace's rows."""
    report = json.loads((book / "report.json").read_text(encoding="utf-8"))
    case = next(c for c in report["cases"] if c["verdict"] == "pass" and c["trace"]["excerpt"])
    rendered = load(f"{(book / 'index.html').as_uri()}#{case['anchor']}", tmp_path / "chromium")
    assert rendered.dom.xpath(f"//section[@id='{case['anchor']}']//details[@data-rendered]//td")  # rows laid out
    assert _leftovers(_visible(book, rendered.dom), _data(report)) == []


def test_report_json_words_are_english(book: Path) -> None:
    """Its person-facing words (verdict labels, reasons the bench composed, step details, notes), not its data."""
    report = json.loads((book / "report.json").read_text(encoding="utf-8"))
    data = _data(report)
    words: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, str) and key not in DATA_KEYS:
            words.append(node)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)

    walk(report)
    assert _leftovers(words, data) == []


def test_the_french_book_has_no_english_word_outside_data(session: Path) -> None:
    french = _book(session, "fr")
    report = json.loads((french / "report.json").read_text(encoding="utf-8"))
    assert _leftovers(_visible(french), _data(report), ENGLISH) == []


def test_the_scans_catch_a_word_of_the_other_language_outside_data() -> None:
    said = ["passed — expected €3.54", "échec — valeur absente", "Lit médical loué 4 semaines", "tiers payant AMO"]
    assert _leftovers(said, {"Lit médical loué 4 semaines"}) == ["'échec — valeur absente' → 'échec — valeur absente'"]
    said = ["réussi — attendu 3,54 €", "step s-invoice not run", "CARD-READ-004 (tentative 1)", "canal engine"]
    assert _leftovers(said, set(), ENGLISH) == ["'step s-invoice not run' → 'step   not run'"]
