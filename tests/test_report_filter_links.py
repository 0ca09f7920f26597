"""Filter links of the exam book in a real browser (headless Chromium, as ``test_report_browser.py``).

A hand-written link may name a verdict by its words (« échec », "failed") or a domain by its label (« FSE »): it
selects the filter it means. A name the book does not know is ignored, and said to be, with every case shown:
never an empty selection that reads as « no failure ». And the printed page holds every case whatever the filter.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load
from test_report_build import campaign

from testbench.report.build import build_report
from testbench.report.pdf import HEADLESS_FLAGS

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")

ALL = ["KO-1", "OK-1", "OK-2"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("filters")
    return build_report(campaign(tmp, case_ids=("OK-1", "KO-1", "OK-2"), hostile=False), tmp / "r").folder


def shown(book: Path, query: str, work: Path) -> tuple[list[str], etree._Element]:
    dom = load(f"{(book / 'index.html').as_uri()}?{query}", work / re.sub(r"\W", "_", query)).dom
    rows = dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]/@data-case")
    assert rows == dom.xpath("//section[@class='case'][not(@hidden)]/@data-case")
    assert dom.findtext(".//span[@id='f-count']") == str(len(rows))
    return rows, dom


@pytest.mark.parametrize("query", ["verdict=%C3%A9chec", "verdict=failed", "verdict=Echec", "verdict=fail"])
def test_a_verdict_named_by_its_words_selects_its_filter(book: Path, tmp_path: Path, query: str) -> None:
    rows, dom = shown(book, query, tmp_path)
    assert rows == ["KO-1"]
    assert dom.xpath("//select[@id='f-verdict']/option[.='échec']/@value") == ["fail"]  # no second, fake option
    assert dom.xpath("//p[@id='f-unknown']/@hidden") == [""]


def test_a_domain_named_by_its_label_selects_its_filter(book: Path, tmp_path: Path) -> None:
    rows, dom = shown(book, "domain=FSE", tmp_path)
    assert sorted(rows) == ALL
    assert dom.xpath("//select[@id='f-domain']/option/@value") == ["", "fse"]
    assert dom.xpath("//p[@id='f-unknown']/@hidden") == [""]


@pytest.mark.parametrize("query", ["verdict=bogus", "domain=facturation", "verdict=recorded:nope"])
def test_an_unknown_value_is_ignored_and_said(book: Path, tmp_path: Path, query: str) -> None:
    rows, dom = shown(book, query, tmp_path)
    assert sorted(rows) == ALL  # every case, not « 0 / 3 cas »
    (notice,) = dom.xpath("//p[@id='f-unknown']")
    assert notice.get("hidden") is None
    said = "".join(notice.itertext())
    assert said.startswith(f"Filtre inconnu ignoré : {query} — valeurs reconnues : ")
    name = query.split("=")[1]
    assert name not in dom.xpath("//select/option/@value") and name not in dom.xpath("//select/option/text()")


def test_a_recorded_verdict_link_gets_its_words(book: Path, tmp_path: Path) -> None:
    rows, dom = shown(book, "verdict=recorded:fail", tmp_path)
    assert rows == ["KO-1"]
    assert dom.xpath("//select[@id='f-verdict']/option[@value='recorded:fail']/text()") == ["échec (enregistré)"]


def test_a_known_verdict_no_case_has_shows_none(book: Path, tmp_path: Path) -> None:
    rows, dom = shown(book, "verdict=pending", tmp_path)
    assert rows == []  # a true answer: no case is pending
    assert dom.xpath("//select[@id='f-verdict']/option[@value='pending']/text()") == ["en attente"]
    assert dom.xpath("//p[@id='f-unknown']/@hidden") == [""]


def _pages(url: str, work: Path) -> int:
    work.mkdir(parents=True, exist_ok=True)
    target = work / "out.pdf"
    cmd = [str(CHROMIUM), *HEADLESS_FLAGS, f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer",
           "--virtual-time-budget=2000", f"--print-to-pdf={target}", url]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0 and target.is_file(), proc.stderr.decode(errors="replace")[-2000:]
    pdf = target.read_bytes()
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def test_printing_a_filtered_page_prints_every_case(book: Path, tmp_path: Path) -> None:
    url = (book / "index.html").as_uri()
    whole = _pages(url, tmp_path / "all")
    assert _pages(f"{url}?verdict=fail", tmp_path / "fail") == whole
    assert _pages(f"{url}?q=nothing-matches", tmp_path / "none") == whole
