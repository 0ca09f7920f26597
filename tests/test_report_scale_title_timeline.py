"""A campaign of many casebooks and hundreds of cases: the book's title names its first plan and how many others
(the cover lists them all), and its timeline draws columns of time instead of marks under a unit wide."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report import svg
from testbench.report.html import book_title

PDFINFO = shutil.which("pdfinfo")
PLANS = ("demo", "billing", "nurse-ngap", "psad-lots-retours")


def run_four(session: Path) -> Path:
    """One case of each of four casebooks."""
    books = [str(CASEBOOKS_DIR / f"{name}.xml") for name in PLANS]
    pick = "id:DEMO-FSE-001 or id:TB-LPP-001 or id:IDE-NGAP-001 or id:PSAD-LOT-001"
    argv = ["run", *books, "--session", str(session), "--cards", "inprocess", "--engine", "inprocess", "-k", pick]
    assert main(argv) != 3
    return session


def test_a_book_of_four_casebooks_names_the_first_and_the_others_count(tmp_path: Path) -> None:
    session = run_four(tmp_path / "s.tbsession")
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 0
    page = etree.parse(str(tmp_path / "r" / "index.html"), etree.HTMLParser())
    (h1,) = page.xpath("//header/h1")
    (title,) = page.xpath("/html/head/title")
    heading = "".join(h1.itertext())
    assert re.fullmatch(r"Cahier d'examen pré-validé — \S+ et 3 autres cahiers", heading), heading
    assert title.text == heading  # the PDF's Title
    cover = "".join(page.xpath('//section[@id="cover"]')[0].itertext())
    for plan in ("PDT-DEMO-001", "TB-FACT-LPP-001", "TB-IDE-NGAP-001", "TB-PSAD-LOT-001"):
        assert plan in cover
    # each term's definition is the title of its first link in a case; every link still leads to the glossary
    repeated = 0
    for section in page.xpath('//section[@class="case"]'):
        hrefs = [a.get("href") for a in section.xpath(".//a[@class='term']")]
        titled = [a.get("href") for a in section.xpath(".//a[@class='term'][@title]")]
        assert sorted(titled) == sorted(set(hrefs))
        repeated += len(hrefs) - len(titled)
    assert repeated  # some term did repeat in a case


def test_up_to_three_casebooks_are_all_named() -> None:
    def data(*plans: str) -> dict:
        return {"title": ", ".join(plans), "cover": {"casebooks": [{"plan_id": p} for p in plans]}}

    assert book_title(data("A", "B", "C"), "fr") == "A, B, C"
    assert book_title(data("A", "B", "C", "D", "E"), "fr") == "A et 4 autres cahiers"
    assert book_title(data("A", "B", "C", "D", "E"), "en") == "A and 4 other casebooks"


def _cases(count: int, failing: int) -> list[dict]:
    out = []
    for i in range(count):
        verdict = "fail" if i == failing else "pass"
        attempt = {"run_id": 1, "started_wall": 1000.0 + i * 2, "duration_ms": 1500, "verdict": verdict, "number": 1}
        out.append({"key": {"case_id": f"C-{i:03d}"}, "anchor": f"cas-{i}", "attempts": [attempt]})
    return out


def _timeline(cases: list[dict]) -> etree._Element:
    drawn = svg.timeline(cases, lambda v: v, "Déroulement", lambda t: f"{t:.0f}", "fr")
    return etree.fromstring(drawn.encode())


def test_a_large_campaign_s_timeline_is_columns_each_wide_enough_to_click() -> None:
    ns = {"s": "http://www.w3.org/2000/svg"}
    chart = _timeline(_cases(754, failing=500))
    links = chart.xpath("//s:a", namespaces=ns)
    assert len(links) <= svg.TIMELINE_COLUMNS
    widths = {float(r.get("width")) for r in chart.xpath("//s:a//s:rect", namespaces=ns)}
    assert min(widths) >= 5
    (failed,) = [a for a in links if a.xpath(".//s:rect/@fill", namespaces=ns)[0] == svg.COLORS["fail"]]
    assert failed.get("href") == "#cas-500"  # a column links to its worst case
    tip = failed.xpath(".//s:title", namespaces=ns)[0].text
    assert re.fullmatch(r"C-\d{3} … C-\d{3} — \d+ tentatives — fail 1, pass \d+", tip), tip


def test_a_small_campaign_keeps_a_mark_per_attempt() -> None:
    ns = {"s": "http://www.w3.org/2000/svg"}
    chart = _timeline(_cases(10, failing=3))
    links = chart.xpath("//s:a", namespaces=ns)
    assert [a.get("href") for a in links] == [f"#cas-{i}" for i in range(10)]


@pytest.mark.skipif(CHROMIUM is None or PDFINFO is None, reason="chromium and pdfinfo (scripts/setup.sh)")
def test_the_pdf_s_title_is_short_and_its_stage_promises_no_figure(tmp_path: Path, capsys) -> None:
    session = run_four(tmp_path / "s.tbsession")
    capsys.readouterr()
    assert main(["report", str(session), "-o", str(tmp_path / "r"), "--pdf"]) == 0
    err = capsys.readouterr().err
    assert "impression PDF par Chromium (jusqu'à quelques dizaines de secondes pour des centaines de cas)" in err
    assert "10 s" not in err
    info = subprocess.run([PDFINFO, str(tmp_path / "r" / "report.pdf")], capture_output=True, check=True, text=True)
    (title,) = [line for line in info.stdout.splitlines() if line.startswith("Title:")]
    assert re.fullmatch(r"Title:\s+Cahier d'examen pré-validé — \S+ et 3 autres cahiers", title), title
