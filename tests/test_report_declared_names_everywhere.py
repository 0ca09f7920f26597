"""The operator's declared name goes through one rule in the whole book (audit s26 verify R3): the cover and the
attestation said « Paul Testeur » while the runs' command line (``--operator 'Paul Testeur'``) and the trace's
« étape manuelle m-paper confirmée par Paul Testeur » masked the first name a card holder shares."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import PersonalValues, Scrubber

NIR = "1 85 05 78 006 084 91"


def scrubber() -> Scrubber:
    known = PersonalValues()
    known.add_card_fields({"first_name": "JEAN", "name": "EXEMPLE", "nir": "185057800608491"})
    return Scrubber(True, known)


def test_a_manual_step_line_names_its_operator_as_a_declared_name() -> None:
    scrub = scrubber()
    line = "étape manuelle m-paper confirmée par Jean Testeur : Jean Exemple absent"
    assert scrub.trace_line("bench", line) == "étape manuelle m-paper confirmée par Jean Testeur : ‹NOM› absent"
    assert scrub.trace_line("bench", "étape manuelle m-1 rejetée par Jean Exemple") == (
        "étape manuelle m-1 rejetée par ‹NOM›"  # a holder's full name stays masked
    )
    assert scrub.trace_line("app", "confirmée par Jean Testeur") == "confirmée par ‹NOM› Testeur"  # not the bench's


def test_a_command_line_s_declared_names_are_names() -> None:
    argv = ["run", "--operator", "Jean Testeur", f"--reviewer=Dr {NIR}", "--log", "Jean Testeur.log"]
    assert scrubber().argv(argv) == [
        "run", "--operator", "Jean Testeur", "--reviewer=Dr ‹NIR›", "--log", "‹NOM› Testeur.log"
    ]


def test_the_book_names_the_operator_alike_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attestations = tmp_path / "att.json"
    step = {"confirmed": True, "note": "vu", "values": {"manual.paper_printed": "true", "manual.paper_total": "5.90"}}
    attestations.write_text(json.dumps({"operator": "Paul Testeur", "DEMO-FSE-030/m-paper": step}), encoding="utf-8")
    session = tmp_path / "s.tbsession"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(session), "--cards", "inprocess"]
    run += ["-k", "id:DEMO-FSE-030 or id:DEMO-FSE-001", "--attestations", str(attestations)]
    run += ["--operator", "Paul Testeur"]
    monkeypatch.setattr(sys, "argv", ["testbench", *run])  # what the run records as its command line
    assert main(run) != 3
    folder = tmp_path / "rep"
    assert main(["report", str(session), "-o", str(folder)]) == 0
    data = (folder / "report.json").read_text(encoding="utf-8")
    assert "étape manuelle m-paper confirmée par Paul Testeur : vu" in data
    assert "‹NOM› Testeur" not in data
    argv = json.loads(data)["cover"]["runs"][0]["argv"]
    assert argv[argv.index("--operator") + 1] == "Paul Testeur"
