"""The printed cover holds on its own page: its cards table splits no longer pushes it over several pages, and
each card's ATR reads on one line (it wrapped a byte per line in a narrow column)."""

from __future__ import annotations

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


def page_text(pdf: Path, page: int) -> str:
    cmd = [str(PDFTOTEXT), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout.decode("utf-8")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_printed_cover_holds_on_one_page_with_whole_atrs(tmp_path: Path, lang: str) -> None:
    session = tmp_path / "s.tbsession"
    run_cases(session, tuple(case.id for case in load_casebook(CASEBOOKS_DIR / "demo.xml").cases))
    result = build_report(session, tmp_path / "r", BuildOptions(lang=lang, pdf=True, junit=False))
    assert result.pdf is not None
    cover, after = page_text(result.pdf, 1), page_text(result.pdf, 2)
    cards = re.findall(r"^\s*(?:cps|vitale)\s+(?:cps|vitale)-\S+", cover, re.MULTILINE)
    assert len(cards) >= 4, cover  # the cover's cards are on its first page…
    last_line = "Chaîne du journal" if lang == "fr" else "Journal chain"
    assert last_line in cover  # …and so is its last line
    assert re.match(r"\s*(Synthèse|Summary)\b", after), after[:300]  # the summary starts the next page
    atrs = re.findall(r"\b3B(?: [0-9A-F]{2}){8,}", cover)
    assert len(atrs) == len(cards), cover  # every ATR whole, on one line
