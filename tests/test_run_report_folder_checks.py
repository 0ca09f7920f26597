"""``run --report`` keeps the rules ``testbench report`` keeps (verification audit of session 20): a ``--junit``
inside the report folder is refused before any case runs (the folder's manifest covers it: a signed book then
failed ``verify``), and a rerun over a signed book says the signature is not kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.integrity.manifest import SIGNATURE
from testbench.paths import CASEBOOKS_DIR
from testbench.signing import init_key

DEMO = str(CASEBOOKS_DIR / "demo.xml")
ONE = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TESTBENCH_LANG", "fr")


def test_a_junit_inside_the_report_folder_is_refused_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, folder = tmp_path / "s.tbsession", tmp_path / "rep"
    outputs = ["--report", str(folder), "--junit", str(folder / "j.xml")]
    code = main(["run", DEMO, "--session", str(session), *ONE, *outputs])
    assert code == 3
    assert "est dans le dossier du rapport" in capsys.readouterr().err
    assert not session.exists() and not folder.exists()


def test_a_rerun_over_a_signed_book_says_the_signature_is_not_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, folder, key = tmp_path / "s.tbsession", tmp_path / "rep", tmp_path / "k.pem"
    init_key(key)
    os.chmod(key, 0o600)
    assert main(["run", DEMO, "--session", str(session), *ONE]) == 0
    assert main(["report", str(session), "-o", str(folder), "--key", str(key)]) == 0
    assert (folder / SIGNATURE).exists()
    capsys.readouterr()
    assert main(["run", DEMO, "--session", str(session), *ONE, "--rerun", "--report", str(folder)]) == 0
    err = capsys.readouterr().err
    assert f"la signature du rapport précédent ({SIGNATURE}) n'est pas conservée" in err, err


def test_the_report_s_own_junit_path_is_accepted_and_verifies(tmp_path: Path) -> None:
    """The demo's way: ``--junit REPORT/junit.xml`` is the file the book writes again and lists in its manifest."""
    session, folder = tmp_path / "s.tbsession", tmp_path / "rep"
    outputs = ["--report", str(folder), "--junit", str(folder / "junit.xml")]
    assert main(["run", DEMO, "--session", str(session), *ONE, *outputs]) == 0
    assert main(["verify", str(folder), "--session", str(session)]) == 0
