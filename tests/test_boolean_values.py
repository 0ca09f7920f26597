"""A boolean expectation reads oui/non (yes/no) wherever a person sees it, never the casebook's ``true``."""

from __future__ import annotations

import json
from pathlib import Path

from testbench.casebook.loader import load_casebook
from testbench.cli.main import main
from testbench.tui.workstation import Workstation

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
ATTESTATIONS = ROOT / "casebooks" / "demo-attestations.json"


def _paper_comparison(report: Path) -> dict:
    cases = json.loads((report / "report.json").read_text())["cases"]
    case = next(c for c in cases if "DEMO-FSE-030" in json.dumps(c["key"]))
    return next(c for c in case["comparisons"] if c["path"] == "manual.paper_printed")


def test_a_boolean_reads_oui_non_in_the_report_and_yes_no_in_english(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    args = ["run", str(DEMO), "--session", str(session), "-k", "DEMO-FSE-030", "--attestations", str(ATTESTATIONS)]
    assert main([*args, "--cards", "inprocess", "--engine", "inprocess", "--report", str(tmp_path / "fr")]) == 0
    french = _paper_comparison(tmp_path / "fr")
    assert (french["expected"], french["observed"]) == ("oui", "oui")
    assert french["message"] == "attendu oui, observé oui (égal)"

    assert main(["report", str(session), "-o", str(tmp_path / "en"), "--lang", "en"]) == 0
    english = _paper_comparison(tmp_path / "en")
    assert (english["expected"], english["observed"]) == ("yes", "yes")
    assert "true" not in english["message"] and "oui" not in english["message"]
    html = (tmp_path / "en" / "index.html").read_text()
    assert ">true<" not in html


def test_the_attestation_hint_says_oui_not_true() -> None:
    casebook = load_casebook(DEMO)
    case = next(c for c in casebook.cases if c.id == "DEMO-FSE-030")
    step = next(s for s in case.steps if s.id == "m-paper")
    hints = dict((path, shown) for path, _, shown in Workstation.observe_hints(case, step))
    assert hints["manual.paper_printed"] == "oui"
