"""A name a person of the bench declares about themselves — the attesting operator, the reviewer, a correction's
operator — is redacted by one rule everywhere (book, report.json, PDF, ``verify``): the pattern rules and a card
holder's full name are masked, a lone first name a holder happens to share is not (audit s26, A1 and A2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.report.personal import PersonalValues, Scrubber
from testbench.signing import init_key

NIR = "1 85 05 78 006 084 91"


def test_a_person_keeps_a_first_name_a_holder_shares() -> None:
    known = PersonalValues()
    known.add_card_fields({"first_name": "JEAN", "name": "EXEMPLE", "nir": "185057800608491"})
    scrub = Scrubber(True, known)
    assert scrub("Jean Testeur") == "‹NOM› Testeur"  # free text: the holder's first name, written as a name
    assert scrub.person("Jean Testeur") == "Jean Testeur"
    assert scrub.person("Jean Exemple") == "‹NOM›"  # the holder's full name
    assert scrub.person(f"Dr {NIR}") == "Dr ‹NIR›"  # the pattern rules
    assert Scrubber(False, known).person("Jean Exemple") == "Jean Exemple"  # --no-redact
    corrected = {"excerpt": "", "correction": {"operator": f"Jean Testeur {NIR}", "reason": "r", "extracted": "1"}}
    assert scrub.provenance(corrected)["correction"]["operator"] == "Jean Testeur ‹NIR›"  # a correction's operator


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two demo cases (holders PAUL ESSAI, MARIE ESSAI, JULIE FICTIF), attested by an operator who typed a NIR in
    their name, DEMO-FSE-001 accepted by a reviewer who did too."""
    work = tmp_path_factory.mktemp("declared-names")
    attestations = work / "att.json"
    attestations.write_text(
        json.dumps(
            {
                "operator": f"Op {NIR} Paul",
                "DEMO-FSE-030/m-paper": {
                    "confirmed": True,
                    "values": {"manual.paper_printed": "true", "manual.paper_total": "5.90"},
                },
            }
        ),
        encoding="utf-8",
    )
    path, key = work / "s.tbsession", work / "k.pem"
    run = ["run", str(CASEBOOKS_DIR / "demo.xml"), "--session", str(path), "--cards", "inprocess"]
    assert main([*run, "-k", "id:DEMO-FSE-030 or id:DEMO-FSE-001", "--attestations", str(attestations)]) != 3
    init_key(key)
    review = ["review", str(path), "DEMO-FSE-001", "--accept", "--reason", "r", "--key", str(key)]
    assert main([*review, "--reviewer", f"Dr {NIR} Paul"]) == 0
    return path


def test_the_book_redacts_the_reviewer_and_the_attesting_operator(session: Path) -> None:
    folder = session.parent / "rep"
    assert main(["report", str(session), "-o", str(folder)]) == 0
    html = (folder / "index.html").read_text(encoding="utf-8")
    data = (folder / "report.json").read_text(encoding="utf-8")
    for text in (html, data):
        assert NIR not in text
    assert "<td>Dr ‹NIR› Paul</td>" in html  # « Paul » alone is no holder: kept, as the free text would not
    assert "Op ‹NIR› Paul — " in html
    cases = {c["key"]["case_id"]: c for c in json.loads(data)["cases"]}
    assert [a["reviewer"] for a in cases["DEMO-FSE-001"]["annotations"]] == ["Dr ‹NIR› Paul"]
    operators = {s["attestation"]["operator"] for s in cases["DEMO-FSE-030"]["steps"] if s["attestation"]}
    assert operators == {"Op ‹NIR› Paul"}


def test_verify_names_a_reviewer_as_the_book_does(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder, key = session.parent / "before", session.parent / "k.pem"
    assert main(["report", str(session), "-o", str(folder)]) == 0
    review = ["review", str(session), "DEMO-FSE-030", "--accept", "--reason", "r", "--key", str(key)]
    assert main([*review, "--reviewer", f"Paul Martin {NIR}"]) == 0
    capsys.readouterr()
    main(["verify", str(folder), "--session", str(session)])
    out = capsys.readouterr().out
    assert NIR not in out
    assert "« Paul Martin ‹NIR› »" in out, out
