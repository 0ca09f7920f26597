"""Audit 13: a patient without a card is known by its casebook's fixtures, and redacted in every export.

In a degraded or SESAM-sans-Vitale case the patient's name, NIR and birth date are the casebook's
``<right>`` values: they reach the engine and the application, not an observation, so the report did not
know them and a case's title, a manual step's instruction or an attestation naming the patient was exported
as written. The campaign records each casebook's fixtures in the session (``fixtures:<sha256>``), once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import Scrubber
from testbench.store.read import FIXTURES_META, read_session

BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-012"]


def test_a_fixture_patients_rights_are_known_values(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    argv = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), *BENCH]
    assert main(argv) == 0
    assert main([*argv, "--rerun"]) == 0  # recorded once, not again
    with read_session(session) as view:
        (key,) = [k for k in view.meta if k.startswith(FIXTURES_META)]
        patients = json.loads(view.meta[key])["patients"]
        assert patients["p-degrade"]["name"] == "PATIENTE DEMO DEGRADE"
        scrub = Scrubber.for_sessions(view)
        nir, birth = patients["p-degrade"]["nir"], patients["p-degrade"]["birth-date"]
        line = f"titre : facture de PATIENTE DEMO DEGRADE (Patiente Demo Degrade), NIR {nir}, née {birth}"
        masked = scrub(line)
    assert "DEMO DEGRADE" not in masked.upper() and nir not in masked and birth not in masked, masked
    assert masked.count("‹NOM›") == 2, masked


def test_the_report_of_a_degraded_case_names_no_fixture_patient(tmp_path: Path) -> None:
    casebook = tmp_path / "demo.xml"
    shutil.copytree(CASEBOOKS_DIR / "cards", tmp_path / "cards")
    text = (CASEBOOKS_DIR / "demo.xml").read_text(encoding="utf-8")
    title = text.index("<title>", text.index('<case id="DEMO-FSE-012"'))
    casebook.write_text(text[: title + 7] + "Mme PATIENTE DEMO DEGRADE : " + text[title + 7 :], encoding="utf-8")
    session, report = tmp_path / "s.tbsession", tmp_path / "report"
    assert main(["run", str(casebook), "--session", str(session), *BENCH, "--report", str(report)]) == 0
    for name in ("index.html", "report.json", "junit.xml"):
        assert "DEMO DEGRADE" not in (report / name).read_text(encoding="utf-8").upper(), name
