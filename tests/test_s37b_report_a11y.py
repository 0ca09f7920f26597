"""The exam book and the diff page as a screen reader and a low-vision reviewer meet them, in a real Chromium:

- the casebook's and the exam plan's own texts are in their language, French unless the casebook's root says
  otherwise (``xml:lang``): an English book marks them ``lang="fr"`` (a screen reader would read a French title with
  English sounds), a French book of a French casebook adds no markup, a French book marks an English casebook's;
- the charts' verdict colours have a contrast of 3:1 or more against what they are drawn on (WCAG 1.4.11);
- the ``testbench diff --html`` page has a ``main`` landmark and a title that names the two sessions.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from test_report_browser import CHROMIUM
from test_s37_report_a11y import DevTools, named

from testbench.casebook.errors import CasebookError
from testbench.casebook.loader import load_casebook
from testbench.paths import CASEBOOKS_DIR
from testbench.report import svg
from testbench.report.build import BuildOptions, build_report
from testbench.report.diff import CaseDiff, SessionDiff, to_html
from testbench.runner.campaign import record_casebooks
from testbench.store.session import SessionStore

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or sys.platform == "win32",
    reason="chromium not installed (scripts/setup.sh installs it), or Windows (the DevTools pipe: descriptors 3, 4)",
)
DEMO, PLAN = CASEBOOKS_DIR / "demo.xml", CASEBOOKS_DIR / "plans" / "demo-plan.toml"
ROOT = b'<casebook xmlns="urn:testbench:casebook:1"'
#: texts of the demo casebook (cover, index, titles, objective, comments, a manual step's instruction and the labels
#: of what it asks to note) and of its exam plan (a requirement's title and source, an exclusion's reason)
THEIRS = (
    "Démonstration du format testbench (pas un document CNDA)",
    "Lit médical loué 4 semaines, assuré standard, sans AMC",
    "Calcul de la part",
    "Taux LPP standard 60 %",
    "RG_VF670, taux 60 %",
    "éditez la feuille de soins papier",
    "Feuille de soins papier éditée (oui/non)",
)
PLANS = (
    "Base de remboursement : tarif × quantité × coefficient",
    "FIDES ACE (établissements), par analogie",
    "cas construit pour échouer",
)
#: each text node holding one of the texts, and the language Chromium gives it (its nearest ``lang``)
LANGUAGES = """(texts => texts.map(text => {
  const found = new Set(), walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walk.nextNode());)
    if (node.data.includes(text)) found.add(node.parentElement.closest('[lang]').getAttribute('lang'));
  return [...found].sort();
}))(%s)"""


def _session(tmp: Path, casebook: Path) -> Path:
    """A session of ``casebook`` as loaded from its file, its cases not run yet (they show all they expect)."""
    cb = load_casebook(casebook)
    session = tmp / "s.tbsession"
    with SessionStore.open(session) as store:
        record_casebooks(store, [cb])
        store.set_selection([(cb.sha256, c.id) for c in cb.cases])
    return session


def _in_english(tmp: Path) -> Path:
    """The demo casebook, its root saying that its texts are in English (its card profiles beside it)."""
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp / "cards")
    copy = tmp / "demo-en.xml"
    copy.write_bytes(DEMO.read_bytes().replace(ROOT, b'<casebook xml:lang="en"' + ROOT[9:], 1))
    return copy


def _languages(page: Path, texts: tuple[str, ...], tmp: Path) -> list[list[str]]:
    browser = DevTools(tmp / "profile")
    try:
        browser.open(page.as_uri())
        return browser.value(LANGUAGES % json.dumps(texts))
    finally:
        browser.close()


def _book(session: Path, folder: Path, lang: str) -> Path:
    return build_report(session, folder, BuildOptions(lang=lang, plan=PLAN)).html


@needs_chromium
def test_an_english_book_says_the_french_casebook_s_texts_in_french(tmp_path: Path) -> None:
    session = _session(tmp_path, DEMO)
    english = _book(session, tmp_path / "en", "en")
    said = _languages(english, (*THEIRS, *PLANS, "Objective", "Expected / observed"), tmp_path)
    assert said == [["fr"]] * (len(THEIRS) + len(PLANS)) + [["en"], ["en"]]  # the book's own words stay English
    french = _book(session, tmp_path / "fr", "fr").read_text(encoding="utf-8")
    assert french.count(' lang="') == 1  # <html lang="fr"> alone: a French book of a French casebook


@needs_chromium
def test_a_french_book_says_an_english_casebook_s_texts_in_english(tmp_path: Path) -> None:
    session = _session(tmp_path, _in_english(tmp_path))
    french = _book(session, tmp_path / "fr", "fr")
    said = _languages(french, (*THEIRS, *PLANS, "Objectif"), tmp_path)
    assert said == [["en"]] * len(THEIRS) + [["fr"]] * (len(PLANS) + 1)  # the exam plan is written in French


def test_a_casebook_s_language_is_its_root_s_xml_lang_french_without_it(tmp_path: Path) -> None:
    assert load_casebook(DEMO).identity.lang == "fr"
    assert load_casebook(_in_english(tmp_path)).identity.lang == "en"
    wrong = tmp_path / "demo-wrong.xml"
    wrong.write_bytes(DEMO.read_bytes().replace(ROOT, b'<casebook xml:lang="fr FR"' + ROOT[9:], 1))
    with pytest.raises(CasebookError) as refused:
        load_casebook(wrong)
    (problem,) = refused.value.problems
    line = DEMO.read_bytes()[: DEMO.read_bytes().index(ROOT)].count(b"\n") + 1
    assert (problem.source.line, problem.source.col) == (line, len("<casebook ") + 1)  # on the attribute
    assert problem.text("en").endswith("xml:lang “fr FR”: malformed language tag; write the language of the "
                                       "casebook’s texts (fr, en, fr-FR…) or remove the attribute (French by default)")


def _contrast(one: str, other: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_verdict_colour_stands_out_at_3_to_1_and_from_the_others() -> None:
    weak = {
        (verdict, ground): round(_contrast(colour, ground), 2)
        for verdict, colour in svg.COLORS.items()
        for ground in ("#ffffff", svg.LANE)  # the page, a run's lane in the timeline
        if _contrast(colour, ground) < 3
    }
    assert weak == {}
    assert set(svg.COLORS) >= set(svg.ORDER) and svg.UNKNOWN in svg.COLORS.values()
    assert len(set(svg.COLORS.values())) == len(svg.COLORS)  # hues apart (green, red, purple, amber, blue)…
    assert _contrast(svg.COLORS["none"], svg.COLORS["skipped"]) >= 1.5  # …and the two greys by lightness
    bars = svg.stacked_bars({"FSE": {"pass": 2, "none": 1, "skipped": 1}}, str, "Verdicts")
    assert bars.count(svg.OUTLINE) == 3  # each segment edged: two neighbours never read as one


@needs_chromium
def test_the_diff_page_has_a_main_landmark_and_names_the_sessions(tmp_path: Path) -> None:
    diff = SessionDiff("/runs/a.tbsession", "/runs/b.tbsession", [CaseDiff("PDT-1", "C-1", "un cas", "pass", "fail")])
    page = tmp_path / "diff.html"
    page.write_text(to_html(diff, lang="en"), encoding="utf-8")
    browser = DevTools(tmp_path / "profile", "--force-renderer-accessibility=complete")
    try:
        browser.open(page.as_uri())
        nodes = browser.call("Accessibility.getFullAXTree")["nodes"]
        title, lang = browser.value("[document.title, document.documentElement.lang]")
        in_main = browser.value("!!document.querySelector('main h1') && !!document.querySelector('main table')")
    finally:
        browser.close()
    assert len([n for n in nodes if n.get("role", {}).get("value") == "main"]) == 1
    assert named(nodes, "heading") == ["Campaign comparison"]
    assert (title, lang, in_main) == ("Campaign comparison — a.tbsession → b.tbsession", "en", True)
