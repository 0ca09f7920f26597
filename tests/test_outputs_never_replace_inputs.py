"""Audit 13: an output option never replaces what the command reads, a session or a casebook.

``diff A B --html A`` turned the session A into an HTML page, ``report S --junit S`` the session it had just
read into JUnit, ``run --junit casebook.xml`` the casebook: a slip of the keyboard destroyed the record of an
exam. Each is refused before anything is written, the file left byte for byte; an output is still rewritten
from one run to the next (a CI's ``junit.xml``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.exits import EXIT_USAGE

BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "DEMO-FSE-001"]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo casebook and its cards, and two sessions of one case: a.tbsession, b.tbsession."""
    folder = tmp_path_factory.mktemp("outputs")
    shutil.copytree(CASEBOOKS_DIR / "cards", folder / "cards")
    shutil.copytree(CASEBOOKS_DIR / "examples", folder / "examples")
    shutil.copyfile(CASEBOOKS_DIR / "demo.xml", folder / "demo.xml")
    assert main(["run", str(folder / "demo.xml"), "--session", str(folder / "a.tbsession"), *BENCH]) == 0
    shutil.copyfile(folder / "a.tbsession", folder / "b.tbsession")
    return folder


@pytest.fixture
def work(recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(recorded, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


RUN = ["run", "demo.xml", *BENCH]
EXPORT = ["export", "a.tbsession", "--document", "examples/cahier-exemple.csv"]
EXPORT += ["--mapping", "examples/cahier-exemple.mapping.toml", "--to"]


@pytest.mark.parametrize(
    ("argv", "kept", "reason"),
    [
        (["diff", "a.tbsession", "b.tbsession", "--html", "a.tbsession"], "a.tbsession", "reads"),
        (["diff", "a.tbsession", "b.tbsession", "--json", "b.tbsession"], "b.tbsession", "reads"),
        (["report", "a.tbsession", "-o", "rep", "--junit", "a.tbsession"], "a.tbsession", "reads"),
        (["report", "a.tbsession", "-o", "rep", "--junit", "b.tbsession"], "b.tbsession", "session"),
        ([*RUN, "--session", "c.tbsession", "--junit", "demo.xml"], "demo.xml", "reads"),
        ([*RUN, "--session", "c.tbsession", "--junit", "b.tbsession"], "b.tbsession", "session"),
        ([*RUN, "--session", "c.tbsession", "--junit", "cards/cps4-nurse.xml"], "cards/cps4-nurse.xml", "testbench"),
        (
            [*RUN, "--session", "c.tbsession", "--junit", "examples/cahier-exemple.fixtures.xml"],
            "examples/cahier-exemple.fixtures.xml",
            "testbench",
        ),
        ([*EXPORT, "a.tbsession"], "a.tbsession", "reads"),
        ([*EXPORT, "examples/cahier-exemple.mapping.toml"], "examples/cahier-exemple.mapping.toml", "reads"),
        ([*EXPORT, "b.tbsession"], "b.tbsession", "session"),
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_output_onto_an_input_a_session_or_a_casebook_is_refused(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], kept: str, reason: str, lang: str
) -> None:
    before = (work / kept).read_bytes()
    assert main(["--lang", lang, *argv]) == EXIT_USAGE
    said = capsys.readouterr().err
    assert (work / kept).read_bytes() == before
    assert not (work / "c.tbsession").exists() and not (work / "rep").exists()  # nothing ran
    expected = {
        ("fr", "reads"): f"{kept} est un fichier que la commande lit : écrivez dans un autre fichier",
        ("en", "reads"): f"{kept} is a file the command reads: write to another file",
        ("fr", "session"): f"{kept} est une session ou une base SQLite, jamais remplacée par une sortie",
        ("en", "session"): f"{kept} is a session or an SQLite database, never replaced by an output",
        ("fr", "testbench"): f"{kept} est un fichier de testbench (cahier de tests, profil de carte…)",
        ("en", "testbench"): f"{kept} is a testbench file (casebook, card profile…), never replaced by an output",
    }[lang, reason]
    assert expected in said, said


def test_a_session_about_to_be_created_is_no_output_either(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*RUN, "--session", "c.tbsession", "--junit", "./c.tbsession"]) == EXIT_USAGE
    assert "c.tbsession est un fichier que la commande lit" in capsys.readouterr().err
    assert not (work / "c.tbsession").exists()


def test_an_output_of_an_earlier_run_is_rewritten(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for again in ([], ["--rerun"]):
        assert main(["report", "a.tbsession", "-o", "rep", "--junit", "junit.xml"]) == 0
        assert main(["diff", "a.tbsession", "b.tbsession", "--html", "d.html", "--json", "d.json"]) == 0
        assert main([*RUN, "--session", "c.tbsession", "--junit", "run.xml", *again]) == 0
    assert b"<testsuite" in (work / "junit.xml").read_bytes() and b"<testsuite" in (work / "run.xml").read_bytes()
