"""A review's override decides the case's verdict in the book: the index's filter, the failures-first order, the
section's heading and the printed book follow the verdict retained, beside the one recorded."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report import html as report_html
from testbench.report.build import build_report
from testbench.report.content import gather
from testbench.signing import init_key
from testbench.store.read import read_session


def reviewed(tmp_path: Path) -> Path:
    """Three cases: OK-1 passed and a reviewer fails it; KO-1 failed and a reviewer passes it; OK-2 passed."""
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1", "KO-1", "OK-2"))
    key = tmp_path / "k.pem"
    init_key(key)
    for case, verdict in (("OK-1", "fail"), ("KO-1", "pass")):
        args = ["review", str(session), case, "--override", verdict, "--reason", "relu", "--key", str(key)]
        assert main(args) == 0
    return session


def test_the_retained_verdict_drives_the_filter_the_order_and_the_heading(tmp_path: Path) -> None:
    session = reviewed(tmp_path)
    page = etree.HTML(build_report(session, tmp_path / "r").folder.joinpath("index.html").read_bytes())
    rows = page.xpath("//table[@id='index']/tbody/tr")
    assert [(r.get("data-case"), r.get("data-verdict")) for r in rows] == [
        ("OK-1", "fail"),  # failed by the reviewer: with the failures, found by « verdict:échec »
        ("KO-1", "pass"),
        ("OK-2", "pass"),
    ]
    (section,) = page.xpath("//section[@class='case'][@data-case='OK-1']")
    assert section.get("data-verdict") == "fail"
    assert " ".join("".join(section.xpath("h2")[0].itertext()).split()).endswith("réussi → échec")


def test_the_printed_book_prints_in_full_a_case_a_review_changed(tmp_path: Path) -> None:
    session = reviewed(tmp_path)
    with read_session(session) as view:
        printed = etree.HTML(report_html.render_html(gather(view), for_print=True))
    sections = printed.xpath("//section[@class='case']")
    full = {s.get("data-case"): bool(s.xpath(".//table[@class='trace']")) for s in sections}
    assert full == {"OK-1": True, "KO-1": True, "OK-2": False}  # only a case passed and kept passed is brief
