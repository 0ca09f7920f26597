"""The exam book's filter (audit s36). Its text is read as the CLI's ``-k`` does: accents, case and spacing aside, and
across the index row's cells (« fse degrade » finds a row whose domain cell reads FSE and mode cell « dégradé »), as its
verdict and domain links already did. A link to a case the filter hides (a timeline mark, the coverage page, a
``?verdict=fail#CASE`` address) shows that case rather than nothing. Real headless Chromium, as
``test_report_browser.py``."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load
from test_report_build import campaign

from testbench.report.build import BuildOptions, build_report

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("accents")
    session = campaign(tmp, case_ids=("OK-1", "KO-1"), hostile=False)  # both FSE, mode dégradé; KO-1 fails
    return {lang: build_report(session, tmp / lang, BuildOptions(lang=lang)).folder for lang in ("fr", "en")}


def shown(book: Path, query: str, work: Path) -> list[str]:
    url = f"{(book / 'index.html').as_uri()}?q={urllib.parse.quote(query)}"
    dom = load(url, work / re.sub(r"\W", "_", query)).dom
    return sorted(dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]/@data-case"))


def test_a_link_to_a_case_the_filter_hides_shows_it(books: dict[str, Path], tmp_path: Path) -> None:
    book = books["fr"] / "index.html"
    [anchor] = etree.HTML(book.read_bytes()).xpath("//section[@data-case='OK-1']/@id")
    dom = load(f"{book.as_uri()}?verdict=fail#{anchor}", tmp_path / "link").dom
    assert dom.xpath("//section[not(@hidden)]/@data-case") == ["KO-1", "OK-1"]  # the failure, and the case linked
    assert dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]/@data-case") == ["KO-1"]  # the filter stays


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("fr", "echec", ["KO-1"]),  # « échec » typed without its accent
        ("fr", "FSE  Degrade", ["KO-1", "OK-1"]),  # two cells, another case, a double space
        ("en", "fse degrade failed", ["KO-1"]),
    ],
)
def test_the_text_filter_ignores_accents_case_and_cells(
    books: dict[str, Path], tmp_path: Path, lang: str, query: str, expected: list[str]
) -> None:
    assert shown(books[lang], query, tmp_path) == expected
