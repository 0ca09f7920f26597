"""The printed exam book keeps each heading with what it heads: a case's « Pièces » or the glossary's
« Attentes de trace » was left alone at a page's foot, its table on the next page."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_report_cover_cards import run_cases

from testbench.casebook.loader import load_casebook
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or PDFTOTEXT is None, reason="chromium and pdftotext (poppler-utils) needed"
)


def test_no_page_ends_on_a_heading(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    run_cases(session, tuple(case.id for case in load_casebook(CASEBOOKS_DIR / "demo.xml").cases))
    result = build_report(session, tmp_path / "r", BuildOptions(pdf=True, junit=False))
    assert result.pdf is not None
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    found = re.findall(r"<h[2-4][^>]*>(.*?)</h[2-4]>", page)
    headings = {html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found}
    assert {"Pièces", "Attentes de trace"} <= headings  # the headings that were left alone are in the book
    cmd = [str(PDFTOTEXT), "-layout", str(result.pdf), "-"]
    text = subprocess.run(cmd, capture_output=True, check=True, timeout=120).stdout.decode("utf-8")
    pages = [[line.strip() for line in p.splitlines() if line.strip()] for p in text.split("\f")]
    alone = [(number, lines[-1]) for number, lines in enumerate(pages, 1) if lines and lines[-1] in headings]
    assert alone == [], alone
