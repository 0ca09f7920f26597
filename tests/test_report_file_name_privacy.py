"""A patient's NIR in the name of a file the application writes never leaves in an export (SUT audit, item A).

The application names its FSE after its patient (``FSE_299990000000042_F0001.xml``) and its log says where it
wrote it. The list of the case's files masked the name, but every « observé … — FSE_2999…_F0001.xml, ligne 6 »
and each value's ``provenance.source`` in report.json kept it. A value's provenance now goes out redacted whole
(its file's path, excerpt, locator, a correction's reason), in the exam book and in a diff of two sessions, and
so do the profile's paths on the cover: the whole export folder — HTML, JSON, JUnit, evidence, the PDF's text and
attachments — holds the patient's NIR, name and birth date in no text, hexadecimal or base64 form. The sessions
are made by a real campaign on real files, the book and the diff by the real command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sut_standin import NIR, Application, cli, patient_leaks, run_exam

MASKED = "FSE_‹NIR›_F0001.xml"


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same case twice: the application right, then with a wrong AMO (a diff shows both files), installed in a
    folder of the patient's (the cover names the profile's log and folders)."""
    tmp = tmp_path_factory.mktemp("file-names")
    right, right_result = run_exam(tmp / "a", Application(tmp / "a" / "GestPSAD", fse_name=f"FSE_{NIR}_F0001.xml"))
    wrong_app = Application(tmp / "b" / f"Patient {NIR}", fse_name=f"FSE_{NIR}_F0001.xml", amo="33.00")
    wrong, wrong_result = run_exam(tmp / "b", wrong_app)
    assert right_result.verdicts == {"AUD-1": "pass"} and wrong_result.verdicts == {"AUD-1": "fail"}
    return right, wrong


def test_the_exam_book_names_the_file_without_its_patients_nir(sessions: tuple[Path, Path], tmp_path: Path) -> None:
    session, _ = sessions
    out = tmp_path / "export"
    done = cli("report", session, "-o", out / "report", "--pdf", "--junit", out / "junit.xml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (out / "report" / "report.pdf").is_file()  # read by pdftotext and pdfdetach below
    report = json.loads((out / "report" / "report.json").read_text(encoding="utf-8"))
    (case,) = report["cases"]
    amo = next(o for o in case["observations"] if o["path"] == "invoice.totals.amo")
    assert amo["origin"].startswith(f"observé 33,60\u00a0€ — {MASKED}, ligne 4, octet "), amo["origin"]
    assert Path(amo["provenance"]["source"]).name == MASKED
    assert "‹NIR›" in amo["provenance"]["excerpt"] and "‹NOM›" in amo["provenance"]["excerpt"]
    assert [e["name"] for e in case["evidence"]] == [MASKED]
    page = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert f"— {MASKED}, ligne 4" in page
    done = cli("report", sessions[1], "-o", out / "report-b", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    cover = json.loads((out / "report-b" / "report.json").read_text(encoding="utf-8"))["cover"]["sut_profile"]
    assert "/Patient ‹NIR" in cover["logs"][0] and "/Patient ‹NIR" in cover["outputs"]["fse"]
    assert patient_leaks([out]) == []


def test_a_diff_names_the_file_of_each_side_without_the_nir(sessions: tuple[Path, Path], tmp_path: Path) -> None:
    right, wrong = sessions
    out = tmp_path / "diff"
    out.mkdir()
    done = cli("diff", right, wrong, "--html", out / "diff.html", "--json", out / "diff.json", cwd=tmp_path)
    assert (out / "diff.json").is_file(), done.stderr
    (out / "diff.txt").write_text(done.stdout + done.stderr, encoding="utf-8")  # what the screen shows
    diff = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    (case,) = diff["cases"]
    (value,) = [v for v in case["values"] if v["path"] == "invoice.totals.amo"]
    assert f"— {MASKED}, ligne 4" in value["origin_before"] and f"— {MASKED}, ligne 4" in value["origin_after"]
    assert patient_leaks([out]) == []
