"""A failure a review overrode stays findable: the book keeps it beside the failures, says its recorded verdict
(``data-recorded``) and its filter selects on it; the filter never offers a verdict that matches no case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from test_report_browser import CHROMIUM, load
from test_report_build import campaign

from testbench.cli.main import main
from testbench.report.build import BuildOptions, build_report
from testbench.signing import init_key


def overridden(tmp_path: Path) -> Path:
    """KO-1 and KO-2 failed; a reviewer passes KO-1 (recorded: échec, retained: réussi)."""
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1", "KO-1", "OK-2", "KO-2"))
    key = tmp_path / "k.pem"
    init_key(key)
    args = ["review", str(session), "KO-1", "--override", "pass", "--reason", "relu", "--key", str(key)]
    assert main(args) == 0
    return session


def test_an_overridden_failure_follows_the_failures_with_its_recorded_verdict(tmp_path: Path) -> None:
    page = etree.HTML(build_report(overridden(tmp_path), tmp_path / "r").folder.joinpath("index.html").read_bytes())
    rows = page.xpath("//table[@id='index']/tbody/tr")
    assert [(r.get("data-case"), r.get("data-verdict"), r.get("data-recorded")) for r in rows] == [
        ("KO-2", "fail", "fail"),
        ("KO-1", "pass", "fail"),  # right after the failures, not among the passed cases
        ("OK-1", "pass", "pass"),
        ("OK-2", "pass", "pass"),
    ]
    sections = page.xpath("//section[@class='case']")
    assert [(s.get("data-case"), s.get("data-recorded")) for s in sections] == [
        ("KO-2", "fail"),
        ("KO-1", "fail"),
        ("OK-1", "pass"),
        ("OK-2", "pass"),
    ]
    options = {o.get("value"): "".join(o.itertext()) for o in page.xpath("//select[@id='f-verdict']/option")}
    assert options == {
        "": "tous les verdicts",
        "!pass": "tout sauf réussi",
        "fail": "échec",
        "pass": "réussi",
        "recorded:fail": "échec (enregistré)",
    }


def test_the_filter_offers_no_verdict_that_matches_nothing(tmp_path: Path) -> None:
    session = campaign(tmp_path, hostile=False, case_ids=("OK-1", "KO-1"))
    key = tmp_path / "k.pem"
    init_key(key)
    assert main(["review", str(session), "KO-1", "--override", "pass", "--reason", "relu", "--key", str(key)]) == 0
    page = etree.HTML(build_report(session, tmp_path / "r").folder.joinpath("index.html").read_bytes())
    values = page.xpath("//select[@id='f-verdict']/option/@value")
    assert "fail" not in values  # no case is retained failed: « échec » would list none
    assert "recorded:fail" in values
    rows = page.xpath("//table[@id='index']/tbody/tr")
    for value in values:
        if value in ("", "!pass"):
            continue
        attribute, verdict = ("data-recorded", value[9:]) if value.startswith("recorded:") else ("data-verdict", value)
        assert any(r.get(attribute) == verdict for r in rows), value
    en = etree.HTML(build_report(session, tmp_path / "en", BuildOptions(lang="en")).html.read_bytes())
    assert en.xpath("//select[@id='f-verdict']/option[@value='recorded:fail']/text()") == ["failed (recorded)"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")
def test_the_browser_lists_every_recorded_failure_overridden_or_not(tmp_path: Path) -> None:
    url = build_report(overridden(tmp_path), tmp_path / "r").folder.joinpath("index.html").as_uri()

    def visible(query: str) -> list[str]:
        dom = load(f"{url}?{query}", tmp_path / re.sub(r"\W", "_", query)).dom
        rows = dom.xpath("//table[@id='index']/tbody/tr[not(@hidden)]/@data-case")
        assert rows == dom.xpath("//section[@class='case'][not(@hidden)]/@data-case")
        assert dom.find("body").get("data-filtered") == str(len(rows))
        return rows

    assert visible("verdict=recorded:fail") == ["KO-2", "KO-1"]  # every recorded failure, the overridden one too
    assert visible("verdict=fail") == ["KO-2"]  # the failures retained
    assert visible("verdict=!pass") == ["KO-2"]
    assert visible("verdict=recorded:pass") == ["OK-1", "OK-2"]
    assert visible("verdict=recorded:fail&q=ko-1") == ["KO-1"]
