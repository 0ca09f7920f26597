"""A case whose verdict a review overrode — made worse as well as better — gives the review's reason, redacted,
in the index's « Motif » cell and on its verdict line (audit s26, A3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key

NIR = "1 85 05 78 006 084 91"


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DEMO-FSE-001 (passed) overridden to error, its reason naming a NIR."""
    work = tmp_path_factory.mktemp("override-reason")
    session, key = work / "s.tbsession", work / "k.pem"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*run, "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]) != 3
    init_key(key)
    review = ["review", str(session), "DEMO-FSE-001", "--override", "erreur", "--reason", f"banc {NIR}"]
    assert main([*review, "--key", str(key)]) == 0
    return session


def _text(element: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


@pytest.mark.parametrize(
    ("lang", "cell", "line"),
    [
        ("fr", "Motif de la revue : banc ‹NIR›", "après revue : erreur — Motif de la revue : banc ‹NIR›"),
        ("en", "Review reason: banc ‹NIR›", "after review: error — Review reason: banc ‹NIR›"),
    ],
)
def test_the_review_reason_is_said(reviewed: Path, lang: str, cell: str, line: str) -> None:
    """In the index's « Motif » cell and on the case's verdict line."""
    folder = reviewed.parent / lang
    assert main(["report", str(reviewed), "-o", str(folder), "--lang", lang]) == 0
    page = etree.HTML((folder / "index.html").read_text(encoding="utf-8"))
    (row,) = page.xpath('//table[@id="index"]//tr[@data-case="DEMO-FSE-001"]')
    assert _text(row.xpath("./td")[4]) == cell
    (section,) = page.xpath('//section[@class="case"][@data-case="DEMO-FSE-001"]')
    assert _text(section.xpath("./p[1]")[0]).endswith(line)
