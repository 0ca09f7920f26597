"""A command line argparse refuses (an unknown option, a value outside the choices, a missing value) and a
``testbench report`` refused for its session (damaged, unreadable, missing) never leave an earlier run's JUnit at
``--junit`` for CI to publish as this result: replaced by a JUnit whose one error testcase, « exécution refusée »,
gives the reason — only when the line names one ``--junit`` clearly, never over a file the command reads, never
creating a file. Run as CI runs it: the real command line, in its own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli.outputs import RUN_REFUSED, named_junit

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
#: an earlier run's JUnit, green: what CI must not publish as a refused command's result
GREEN = b'<testsuite tests="1" failures="0" errors="0"><testcase name="old"/></testsuite>'


def _cli(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``testbench`` as CI starts it, in ``folder`` with a throw-away HOME."""
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *argv], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def _green(junit: Path) -> Path:
    junit.write_bytes(GREEN)
    return junit


def _refusal(junit: Path) -> tuple[str, str]:
    """The refused command's JUnit: its one testcase's name and its error's message (anything else fails)."""
    root = etree.parse(str(junit)).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    (case,) = root.iter("testcase")
    (error,) = case.iter("error")
    assert error.get("type") == RUN_REFUSED
    return case.get("name", ""), error.get("message", "")


@pytest.mark.parametrize(
    ("lang", "case", "reason", "replaced"),
    [
        ("fr", "exécution refusée", "argument --cards : « nosuchchoice » n'est pas une valeur permise",
         "testbench run : j.xml : remplacé par un JUnit qui dit l'exécution refusée et pourquoi"),
        ("en", "run refused", "argument --cards: “nosuchchoice” is not an allowed value",
         "testbench run: j.xml: replaced by a JUnit that says the run was refused and why"),
    ],
)
def test_a_value_outside_the_choices_replaces_the_earlier_junit(
    tmp_path: Path, lang: str, case: str, reason: str, replaced: str
) -> None:
    junit = _green(tmp_path / "j.xml")
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", "--junit", "j.xml", "--cards", "nosuchchoice",
                "--lang", lang)
    assert proc.returncode == 3, proc.stderr
    assert replaced in proc.stderr.splitlines(), proc.stderr
    name, message = _refusal(junit)
    assert name == case and message.startswith(reason), message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.xml"]  # no session, nothing beside it


@pytest.mark.parametrize(
    "refused",
    [
        pytest.param(["--junit=j.xml", "--bogus"], id="unknown-option-junit-equals"),
        pytest.param(["--junit", "j.xml", "--workers"], id="missing-value"),
        pytest.param(["--junit", "j.xml", "--workers", "deux"], id="not-a-number"),
    ],
)
def test_every_refusal_of_argparse_replaces_it(tmp_path: Path, refused: list[str]) -> None:
    junit = _green(tmp_path / "j.xml")
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", *refused)
    assert proc.returncode == 3, proc.stderr
    assert _refusal(junit)[0] == "exécution refusée"


def test_no_junit_is_created_nor_a_folder(tmp_path: Path) -> None:
    for junit in ("j.xml", "absent/j.xml"):
        proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", "--junit", junit, "--bogus")
        assert proc.returncode == 3 and "remplacé" not in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(["run", "j.xml", "--session", "s.tbsession", "--junit", "j.xml", "--bogus"], id="casebook"),
        pytest.param(["run", str(DEMO), "--session", "j.xml", "--junit", "j.xml", "--bogus"], id="session"),
        pytest.param(["run", str(DEMO), "--session", "s", "--junit", "j.xml", "--junit", "k.xml", "--bogus"],
                     id="junit-twice"),
        pytest.param(["run", str(DEMO), "--session", "s", "--junit", "--bogus", "j.xml"], id="junit-no-value"),
        pytest.param(["run", str(DEMO), "--session", "s", "--bogus", "--", "--junit", "j.xml"], id="after-dashes"),
        pytest.param(["merge", "a", "b", "-o", "c", "--junit", "j.xml"], id="merge-takes-none"),
        pytest.param(["report", "j.xml", "-o", "book", "--junit", "j.xml", "--bogus"], id="report-session"),
    ],
)
def test_a_file_the_line_does_not_clearly_name_as_its_junit_is_left(tmp_path: Path, line: list[str]) -> None:
    """An input of the command, a ``--junit`` given twice or without a value, a word after ``--``, a command that
    takes no ``--junit``: which file would it be? None is touched."""
    junit = _green(tmp_path / "j.xml")
    proc = _cli(tmp_path, *line)
    assert proc.returncode == 3, proc.stderr
    assert junit.read_bytes() == GREEN and "remplacé" not in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.xml"]


def test_a_testbench_file_given_as_junit_is_never_touched(tmp_path: Path) -> None:
    casebook = tmp_path / "cahier.xml"
    shutil.copyfile(DEMO, casebook)
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", "--junit", "cahier.xml", "--bogus")
    assert proc.returncode == 3 and "remplacé" not in proc.stderr, proc.stderr
    assert casebook.read_bytes() == DEMO.read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="a name in another encoding than UTF-8: POSIX only")
def test_the_refusals_before_parsing_replace_it_too(tmp_path: Path) -> None:
    """An argument that is no UTF-8 text, a path the system cannot name: refused before the command runs."""
    junit = _green(tmp_path / "j.xml")
    other = os.fsdecode(b"c\xff.xml")
    proc = _cli(tmp_path, "run", other, "--session", "s.tbsession", "--junit", "j.xml")
    assert proc.returncode == 3, proc.stderr
    assert "n'est pas du texte UTF-8" in _refusal(junit)[1]
    _green(junit)
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s" * 300, "--junit", "j.xml")
    assert proc.returncode == 3, proc.stderr
    assert _refusal(junit)[1].startswith("s" * 300)
    named = tmp_path / os.fsdecode(b"k\xff.xml")  # a JUnit named so cannot be said: left
    named.write_bytes(GREEN)
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", "--junit", str(named))
    assert proc.returncode == 3 and named.read_bytes() == GREEN, proc.stderr


def test_a_refused_report_line_replaces_it(tmp_path: Path) -> None:
    junit = _green(tmp_path / "j.xml")
    proc = _cli(tmp_path, "report", "s.tbsession", "-o", "book", "--junit", "j.xml", "--excerpt", "x")
    assert proc.returncode == 3, proc.stderr
    assert "testbench report : j.xml : remplacé par un JUnit qui dit l'exécution refusée et pourquoi" in (
        proc.stderr.splitlines()
    ), proc.stderr
    assert _refusal(junit)[1] == "argument --excerpt : « x » n'est pas un nombre entier"


def test_an_option_given_twice_to_report_replaces_it(tmp_path: Path) -> None:
    """The central refusal of an option given twice, for a command other than ``run``."""
    junit = _green(tmp_path / "j.xml")
    proc = _cli(tmp_path, "report", "s.tbsession", "-o", "book", "--junit", "j.xml", "--excerpt", "3", "--excerpt", "4")
    assert proc.returncode == 3, proc.stderr
    assert _refusal(junit)[1].startswith("--excerpt est donné plusieurs fois")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session of one passed case, recorded by a real run."""
    folder = tmp_path_factory.mktemp("run")
    proc = _cli(folder, "run", str(DEMO), "--session", "s.tbsession", *BENCH)
    assert proc.returncode == 0, proc.stderr
    return folder / "s.tbsession"


def _damaged(session: Path, copy: Path) -> Path:
    """A copy of ``session`` whose pages past SQLite's header are overwritten: it opens, its tables do not read."""
    shutil.copyfile(session, copy)
    with copy.open("r+b") as file:
        file.seek(100)
        file.write(b"\xff" * 4000)
    return copy


@pytest.mark.parametrize(
    ("given", "lang", "reason"),
    [
        ("damaged", "fr", "damaged.tbsession : fichier de session endommagé ou illisible (base SQLite endommagée)"),
        ("damaged", "en", "damaged.tbsession: session file damaged or unreadable (damaged SQLite database)"),
        ("garbage", "fr", "garbage.tbsession : n'est pas un fichier de session lisible (pas une base SQLite)"),
        ("missing", "en", "missing.tbsession: session file not found"),
    ],
)
def test_a_report_refused_for_its_session_replaces_it(
    tmp_path: Path, session: Path, given: str, lang: str, reason: str
) -> None:
    junit = _green(tmp_path / "j.xml")
    if given == "damaged":
        _damaged(session, tmp_path / "damaged.tbsession")
    elif given == "garbage":
        (tmp_path / "garbage.tbsession").write_text("garbage\n", encoding="utf-8")
    proc = _cli(tmp_path, "report", f"{given}.tbsession", "-o", "book", "--junit", "j.xml", "--lang", lang)
    assert proc.returncode == 3, proc.stderr
    replaced = {"fr": "testbench report : j.xml : remplacé par un JUnit qui dit l'exécution refusée et pourquoi",
                "en": "testbench report: j.xml: replaced by a JUnit that says the run was refused and why"}[lang]
    assert replaced in proc.stderr.splitlines(), proc.stderr
    name, message = _refusal(junit)
    assert name == {"fr": "exécution refusée", "en": "run refused"}[lang]
    assert message == reason


def test_a_report_refused_keeps_the_books_own_junit_and_says_so(tmp_path: Path, session: Path) -> None:
    """The book's junit.xml is covered by its manifest: rewritten, the earlier book would fail ``verify``; so it is
    said, not replaced."""
    book = tmp_path / "book"
    assert _cli(tmp_path, "report", str(session), "-o", "book").returncode == 0
    before = (book / "junit.xml").read_bytes()
    _damaged(session, tmp_path / "damaged.tbsession")
    proc = _cli(tmp_path, "report", "damaged.tbsession", "-o", "book", "--junit", "book/junit.xml")
    assert proc.returncode == 3, proc.stderr
    assert (book / "junit.xml").read_bytes() == before
    assert "ne le publiez pas" in proc.stderr and "il fait partie du rapport book" in proc.stderr, proc.stderr


def test_a_refused_run_line_keeps_its_report_folders_junit_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    junit = _green(tmp_path / "book" / "junit.xml")
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", "--report", "book", "--junit",
                "book/junit.xml", "--bogus", "--lang", "en")
    assert proc.returncode == 3, proc.stderr
    assert junit.read_bytes() == GREEN
    assert (
        f"testbench run: {Path('book', 'junit.xml')}: an earlier run's JUnit stays there (it is part of the report"
        " book); it does not tell this run, which was refused: do not publish it"
    ) in proc.stderr.splitlines(), proc.stderr


def test_the_line_names_its_junit_as_argparse_reads_it() -> None:
    """``--junit PATH`` or ``--junit=PATH`` once, the report folder by each of its spellings; the other words kept
    as what the command may read."""
    assert named_junit(["--lang", "en", "run", "c.xml", "--junit=j.xml", "--report", "b"]) == (
        "run", Path("j.xml"), Path("b"), [Path("--lang"), Path("en"), Path("run"), Path("c.xml"), Path("--report"),
                                          Path("b")]
    )
    for folder in (["-ob"], ["-o", "b"], ["--output=b"], ["--output", "b"]):
        named = named_junit(["report", "s", *folder, "--junit", "j"])
        assert named is not None and named[:3] == ("report", Path("j"), Path("b")), folder
    for unclear in (
        ["report", "s", "-o", "b", "-o", "c", "--junit", "j"],  # which folder is the book?
        ["run", "--junit", "-"],
        ["run", "--junit", ""],
        ["run", "--junit"],
        ["run", "--junit", "a", "--junit=b"],
        ["run", "--", "--junit", "j"],
        ["merge", "--junit", "j"],
        ["--junit", "j", "run"],
    ):
        assert named_junit(unclear) is None, unclear
