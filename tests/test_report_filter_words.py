"""The filter notice of the exam book lists the values in the book's own words, not the page's internal codes,
and a misspelt parameter (``?verdikt=fail``) is said too, every case shown (audit s24, 5). Real headless Chromium,
as ``test_report_browser.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load
from test_report_build import campaign

from testbench.report.build import BuildOptions, build_report

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("words")
    session = campaign(tmp, case_ids=("OK-1", "KO-1"), hostile=False)
    return {lang: build_report(session, tmp / lang, BuildOptions(lang=lang)).folder for lang in ("fr", "en")}


def notice(book: Path, query: str, work: Path) -> tuple[str, int]:
    dom: etree._Element = load(f"{(book / 'index.html').as_uri()}?{query}", work / re.sub(r"\W", "_", query)).dom
    (said,) = dom.xpath("//p[@id='f-unknown']")
    assert said.get("hidden") is None
    return "".join(said.itertext()), len(dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]"))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Filtre inconnu ignoré : verdict=bogus — valeurs reconnues : tout sauf réussi, échec, réussi"),
        ("en", "Unknown filter ignored: verdict=bogus — recognised values: all but passed, failed, passed"),
    ],
)
def test_the_values_are_the_book_s_words(books: dict[str, Path], tmp_path: Path, lang: str, expected: str) -> None:
    said, rows = notice(books[lang], "verdict=bogus", tmp_path)
    assert said == expected and rows == 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Paramètre de filtre inconnu ignoré : verdikt=fail — paramètres reconnus : verdict, domain, q"),
        ("en", "Unknown filter parameter ignored: verdikt=fail — recognised parameters: verdict, domain, q"),
    ],
)
def test_a_misspelt_parameter_is_said(books: dict[str, Path], tmp_path: Path, lang: str, expected: str) -> None:
    said, rows = notice(books[lang], "verdikt=fail", tmp_path)
    assert said == expected and rows == 2
