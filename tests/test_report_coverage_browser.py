"""The report's coverage page in headless Chromium, on real sessions of the demo casebook run with the demo
plan: the flag, the counts, the requirements with their cases linked to the case sections, the gaps — and
nothing logged or fetched. (Figures: 22 demo cases, DEMO-FSE-099 excluded by the plan: 21 in scope.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_browser import CHROMIUM, load

from testbench.cli.main import main
from testbench.i18n import translator
from testbench.paths import CASEBOOKS_DIR
from testbench.report.build import BuildOptions, build_report

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/setup.sh installs it)")

DEMO = CASEBOOKS_DIR / "demo.xml"
PLAN = CASEBOOKS_DIR / "plans" / "demo-plan.toml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def demo_session(tmp: Path, *extra: str) -> Path:
    session = tmp / "s.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, *extra]) in (
        0,
        1,
        2,
    )  # verdicts are not under test here
    return session


def texts(nodes: list) -> list[str]:
    return [" ".join("".join(n.itertext()).split()) for n in nodes]


def test_coverage_page_of_a_ready_scope_in_english(tmp_path: Path) -> None:
    session = demo_session(tmp_path, "--attestations", str(CASEBOOKS_DIR / "demo-attestations.json"))
    folder = build_report(session, tmp_path / "r", BuildOptions(lang="en", plan=PLAN)).folder  # report --plan
    result = load((folder / "index.html").as_uri(), tmp_path / "b")
    assert result.console == [] and result.requests == []
    dom = result.dom
    (section,) = dom.xpath("//section[@id='coverage']")
    assert section.get("data-ready") == "yes"
    assert texts(dom.xpath("//p[@id='coverage-ready']")) == ["Ready for the pre-exam: yes"]
    (services,) = dom.xpath("//table[@id='coverage-plan']//tr[th='Services chosen']/td")
    assert texts([services]) == ["ADRi"]  # the service in words, as the domains read (the plan writes « adri »)
    counts = {td.get("data-status"): td.text for td in dom.xpath("//table[@id='coverage-counts']//*[@data-status]")}
    assert counts == {"total": "21", "passed": "21", "accepted": "0", "open": "0", "not-run": "0", "out-of-scope": "1"}
    rows = {
        tr.get("data-requirement"): tr
        for tr in dom.xpath("//table[@id='coverage-requirements']//tr[@data-requirement]")
    }
    assert list(rows) == [f"RG_{n}" for n in ("VF644", "VF669", "VF670", "VF671", "VF674", "VF651", "VF630", "MF633")]
    assert {tr.get("data-status") for tr in rows.values()} == {"passed"}
    c2s = rows["RG_VF671"]
    assert texts(c2s.xpath("td[2]")) == ["covered, passed"]
    links = c2s.xpath("td[3]/a/@href")
    assert [link.lstrip("#") for link in links] == dom.xpath(
        "//section[@class='case'][@data-case='DEMO-FSE-004' or @data-case='DEMO-FSE-005']/@id"
    )
    assert texts(dom.xpath("//ul[@id='coverage-gaps']/li")) == ["nothing"]
    (out,) = texts(dom.xpath("//ul[@id='coverage-out']/li"))
    assert out.startswith("DEMO-FSE-099 excluded: ")
    page = "".join(section.itertext())
    assert "réussi" not in page and "Prêt" not in page  # one language at a time


def test_coverage_page_of_an_open_scope_from_the_plan_the_run_recorded(tmp_path: Path) -> None:
    session = demo_session(tmp_path, "--plan", str(PLAN), "-k", "not DEMO-LOT-001")
    folder = build_report(session, tmp_path / "r").folder  # no --plan: the session's
    result = load((folder / "index.html").as_uri(), tmp_path / "b")
    assert result.console == [] and result.requests == []
    dom = result.dom
    assert dom.xpath("//section[@id='coverage']/@data-ready") == ["no"]
    assert texts(dom.xpath("//p[@id='coverage-ready']")) == [
        "Prêt pour le pré-examen : non — 1 cas à reprendre, 1 cas jamais exécuté"
    ]
    counts = {td.get("data-status"): td.text for td in dom.xpath("//table[@id='coverage-counts']//*[@data-status]")}
    assert (counts["passed"], counts["open"], counts["not-run"]) == ("19", "1", "1")
    (mf633,) = dom.xpath("//tr[@data-requirement='RG_MF633']")
    assert mf633.get("data-status") == "open"  # DEMO-LOT-001 never ran
    assert mf633.xpath("td[3]//span[@class='mono']/text()") == ["DEMO-LOT-001"]  # no section to link to
    (vf644,) = dom.xpath("//tr[@data-requirement='RG_VF644']")
    assert "v v-pending" in vf644.xpath("td[3]/span/@class")  # DEMO-FSE-030 waits for its manual step
    assert texts(dom.xpath("//ul[@id='coverage-gaps']/li")) == ["cas DEMO-LOT-001 : jamais exécuté"]
    (fse,) = dom.xpath("//table[@id='coverage-domains']//tr[@data-domain='fse']")
    assert texts(fse.xpath("td"))[:3] == ["FSE", "18", "17"]  # the domain in words
    # a column of counts says so (English "Cases", not "Case")
    assert texts(dom.xpath("//table[@id='coverage-domains']//th"))[:2] == ["Domaine", "Nombre de cas"]
    assert translator("en")("Nombre de cas") == "Cases"


def test_a_session_without_plan_has_no_coverage_page(tmp_path: Path) -> None:
    session = demo_session(tmp_path, "-k", "DEMO-FSE-001")
    folder = build_report(session, tmp_path / "r").folder
    assert 'id="coverage"' not in (folder / "index.html").read_text(encoding="utf-8")
    assert main(["report", str(session), "-o", str(tmp_path / "r2"), "--plan", str(tmp_path / "absent.toml")]) == 3
