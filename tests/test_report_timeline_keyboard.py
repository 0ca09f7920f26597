"""The campaign's timeline is one mark per attempt (700 in a campaign) before the filter and the index: its marks
stay clickable but are no tab stops, and a link before it skips to the case list (audit s26, A4)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

SVG = "{http://www.w3.org/2000/svg}"


def test_the_timeline_marks_are_no_tab_stops(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    assert main([*run, "--engine", "inprocess", "-k", "id:DEMO-FSE-001 or id:DEMO-FSE-099"]) != 3
    assert main(["report", str(session), "-o", str(tmp_path / "r")]) == 0
    page = etree.parse(str(tmp_path / "r" / "index.html"), etree.HTMLParser())
    marks = page.xpath('//svg[contains(@class, "chart")]//a')
    assert len(marks) == 2 and all(a.get("href", "").startswith("#") for a in marks)  # still links
    assert {a.get("tabindex") for a in marks} == {"-1"}
    (skip,) = page.xpath('//section[@id="summary"]//a[@href="#cases"]')  # not the « Sommaire » one
    timeline = page.xpath("//svg")[-1]  # the bars first, then the timeline
    following = skip.getparent().getnext()
    assert following is timeline and page.xpath('//section[@id="cases"]')
