"""A rootdir widened by an option's value is refused only when it harms (audit s26 verify R1): a CI job's report
folder outside the test folder, with no ini file anywhere, moves pytest's rootdir up but the case ids still exist
— the run goes on."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_pytest_plugin_rootdir import DEMO, pytest_in

from testbench.paths import CASEBOOKS_DIR


def test_a_report_folder_outside_the_tests_does_not_refuse_the_run(tmp_path: Path) -> None:
    cwd = tmp_path / "tests"
    cwd.mkdir()
    shutil.copy(DEMO, cwd / "demo.xml")
    shutil.copytree(CASEBOOKS_DIR / "cards", cwd / "cards")
    report = tmp_path / "artifacts" / "report"
    report.mkdir(parents=True)  # as CI jobs mkdir their artifact folders
    done = pytest_in(cwd, "--casebook", "demo.xml", "--casebook-report", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dossier racine" not in done.stderr, done.stderr
    assert done.stdout.splitlines()[0].endswith("demo.xml::DEMO-FSE-001"), done.stdout
