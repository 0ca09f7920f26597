"""``pytest --casebook`` given a file that is not one, or the same cases twice, is refused clearly, as ``run``
refuses it: a missing casebook was pytest's English « file or directory not found », a folder collected nothing
(« no tests ran », exit 5), and a casebook given twice (``demo.xml`` and ``./demo.xml``) or two casebooks sharing
a case id made every case an error with a database traceback (``sqlite3.IntegrityError``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_pytest_plugin import ATTESTATIONS, DEMO, pytest_in

BENCH = ("--casebook-engine", "inprocess", "--casebook-cards", "inprocess")


@pytest.mark.parametrize(
    ("lang", "missing_said", "folder_said"),
    [
        ("fr", "fichier introuvable", "est un dossier, pas un fichier de cahier de tests"),
        ("en", "file not found", "is a folder, not a casebook file"),
    ],
)
def test_a_casebook_that_is_no_file_is_a_usage_error(
    tmp_path: Path, lang: str, missing_said: str, folder_said: str
) -> None:
    for given, said in ((tmp_path / "absent.xml", missing_said), (tmp_path, folder_said)):
        done = pytest_in(tmp_path, "--casebook", str(given), *BENCH, "--casebook-lang", lang)
        assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
        assert f"{given}:1:1: {said}" in done.stderr, done.stderr
        assert "not found" not in done.stderr.replace(missing_said, "")  # pytest's own words are not there
        assert "Traceback" not in done.stdout + done.stderr
        assert not list(tmp_path.glob("*.tbsession*"))  # no session name taken


def test_a_casebook_given_twice_runs_its_cases_once(tmp_path: Path) -> None:
    session = tmp_path / "s.tbsession"
    twice = str(DEMO.parent / "." / DEMO.name)
    done = pytest_in(
        tmp_path, "--casebook", str(DEMO), "--casebook", twice, *BENCH,
        "--casebook-attestations", str(ATTESTATIONS), "--casebook-session", str(session),
    )  # fmt: skip
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert "1 failed, 21 passed" in done.stdout, done.stdout  # not 44 errors
    assert "IntegrityError" not in done.stdout


def test_two_casebooks_sharing_a_case_id_are_refused_at_collection(tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(DEMO, other / "demo.xml")
    shutil.copytree(DEMO.parent / "cards", other / "cards")
    session = tmp_path / "s.tbsession"
    done = pytest_in(
        tmp_path, "--casebook", str(DEMO), "--casebook", str(other / "demo.xml"), *BENCH,
        "--casebook-attestations", str(ATTESTATIONS), "--casebook-session", str(session),
    )  # fmt: skip
    assert done.returncode == pytest.ExitCode.INTERRUPTED, done.stdout + done.stderr  # a collection error
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '"DEMO-FSE-099"' in text)
    assert f"{other / 'demo.xml'}:{line}:5: identifiant de cas « DEMO-FSE-099 » déjà utilisé en {DEMO}:{line}:5" in (
        done.stdout
    ), done.stdout
    assert "IntegrityError" not in done.stdout and "Traceback" not in done.stdout
    assert not session.exists()  # nothing ran


def test_a_case_collected_twice_runs_once(tmp_path: Path) -> None:
    """``pytest demo.xml::CASE demo.xml::CASE --casebook demo.xml``: pytest collects the case twice; it runs once."""
    session = tmp_path / "s.tbsession"
    case = f"{DEMO}::DEMO-FSE-001"
    done = pytest_in(
        tmp_path, case, case, "--casebook", str(DEMO), *BENCH,
        "--casebook-attestations", str(ATTESTATIONS), "--casebook-session", str(session),
    )  # fmt: skip
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert "1 failed, 21 passed, 1 deselected" in done.stdout, done.stdout
    assert "IntegrityError" not in done.stdout
