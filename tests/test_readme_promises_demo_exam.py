"""README § Quick start, « Exam day on a demo application »: `testbench demo --exam` (headless here) writes its
report to ``demo-exam/`` in the user's data folder, its session beside it and the application's folder
(``…-app/``) beside both, says where, and leaves the current folder empty; the application writes its own French
log in cp1252 (``logs/demo-erp.log``), its FSE XML and its B2-like lot files; the 25 cases of
``casebooks/exam-demo.xml`` pass as shipped. ``bash scripts/demo.sh --exam`` sends the report to
``reports/demo-exam/`` (an ``--output`` of the person's own wins). Real processes; the script with stand-ins for
what it calls, as tests/test_scripts.py does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from demo_exams import GROUP, Rehearsal
from test_scripts import _run_copy


@pytest.mark.slow
@GROUP
def test_demo_exam_writes_to_the_user_data_folder_with_the_application_beside(demo_exam: Rehearsal) -> None:
    """The suite's shipped rehearsal is this command: a ``testbench`` process from an empty folder, a home of its
    own, no --output (tests/demo_exams.py)."""
    assert demo_exam.code == 0, demo_exam.stderr  # « Prêt pour le pré-examen : oui » as shipped
    data = demo_exam.cwd.with_name("home") / ".local" / "share" / "testbench"
    book, session, app = data / "demo-exam", data / "demo-exam.tbsession", data / "demo-exam-app"
    assert f"rapport : {book / 'index.html'}" in demo_exam.stderr, demo_exam.stderr  # the paths are printed
    assert str(session) in demo_exam.stderr
    assert session.is_file() and (book / "junit.xml").is_file()
    assert list(demo_exam.cwd.iterdir()) == []  # never in the current folder
    report = json.loads((book / "report.json").read_text(encoding="utf-8"))
    assert len(report["cases"]) == 25 and {c["verdict"] for c in report["cases"]} == {"pass"}
    assert report["coverage"]["ready"] is True
    raw = (app / "logs" / "demo-erp.log").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # not UTF-8: the application's own encoding
    assert "Démarrage de Démo ERP PSAD" in raw.decode("cp1252")  # French, cp1252
    assert sorted(p.suffix for p in (app / "out" / "fse").iterdir()) == [".xml"] * 25
    lots = list((app / "out" / "lots").iterdir())
    assert lots and all(p.read_bytes().startswith(b"000TB-B2-LIKE") for p in lots)


def test_demo_script_exam_reports_into_reports_demo_exam(tmp_path: Path) -> None:
    proc, calls = _run_copy(tmp_path / "exam", "--exam", "--headless", STUB_PGREP="0")
    assert proc.returncode == 0, proc.stderr
    assert calls[-1] == "testbench demo --output reports/demo-exam --exam --headless"
    proc, calls = _run_copy(tmp_path / "own", "--exam", "--output", "ailleurs", STUB_PGREP="0")
    assert proc.returncode == 0, proc.stderr
    assert calls[-1] == "testbench demo --exam --output ailleurs"  # given twice would be refused
