"""The demo casebook's exam books in French and English, built once for the tests that read them as a reviewer
does (``test_report_explain.py``, ``test_report_comments.py``), and the helpers that read their page.

Real sessions of the demo casebook (in-process cards and engine: the book is under test, not the bench).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report

DEMO = CASEBOOKS_DIR / "demo.xml"
ATTESTATIONS = CASEBOOKS_DIR / "demo-attestations.json"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


@pytest.fixture(scope="session")
def demo_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo: 21 passed, DEMO-FSE-099 failed (AMO 163.80, 163.00 expected)."""
    path = tmp_path_factory.mktemp("demo") / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(path), *BENCH, "--attestations", str(ATTESTATIONS)]) == 1
    return path


@pytest.fixture(scope="session")
def demo_books(demo_session: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo session's report folder in each language."""
    root = tmp_path_factory.mktemp("books")
    return {lang: build_report(demo_session, root / lang, BuildOptions(lang=lang)).folder for lang in ("fr", "en")}


def parse(html: str) -> etree._Element:
    """The page, a line break read as a space (as a person reads the cell)."""
    return etree.HTML(html.replace("<br>", " <br>"))


def page(folder: Path) -> etree._Element:
    return parse((folder / "index.html").read_text(encoding="utf-8"))


def case_section(dom: etree._Element, case_id: str) -> etree._Element:
    (found,) = dom.xpath(f"//section[@class='case'][@data-case='{case_id}']")
    return found
