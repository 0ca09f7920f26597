"""A refused ``run`` (exit 3) never leaves an earlier run's JUnit at its ``--junit`` for CI to publish as this one:
the file is replaced by a JUnit whose one error testcase, « exécution refusée », says why — or, when it cannot or
must not be (a read-only mount, the report folder's own file), stderr says an earlier JUnit stays there. A path
that is the refusal's own subject (a casebook given as ``--junit``) is never touched, and no file is created
where none was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from testbench.cli import outputs
from testbench.cli.main import main
from testbench.cli.outputs import RUN_REFUSED

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]


def _cli(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``testbench`` as CI starts it, in ``folder`` with a throw-away HOME."""
    env = {**os.environ, "HOME": str(folder), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    return subprocess.run(
        [sys.executable, "-m", "testbench", *argv], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )


def _green(junit: Path) -> None:
    """An earlier run's JUnit that passed."""
    session = junit.parent / "old.tbsession"
    assert main(["run", str(DEMO), "--session", str(session), *BENCH, "--junit", str(junit)]) == 0
    root = etree.parse(str(junit)).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "0")


def _refusal(junit: Path) -> tuple[str, str]:
    """The refused run's JUnit: its one testcase's name and its error's message (anything else fails)."""
    root = etree.parse(str(junit)).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    (case,) = root.iter("testcase")
    (error,) = case.iter("error")
    assert error.get("type") == RUN_REFUSED
    return case.get("name", ""), error.get("message", "")


@pytest.mark.parametrize(
    ("lang", "case", "said", "replaced"),
    [
        ("fr", "exécution refusée", "--watch ne sert qu'en mode opérateur",
         "testbench run : j.xml : remplacé par un JUnit qui dit l'exécution refusée et pourquoi"),
        ("en", "run refused", "--watch is for operator mode only",
         "testbench run: j.xml: replaced by a JUnit that says the run was refused and why"),
    ],
)
def test_a_contradiction_replaces_the_earlier_green_junit(
    tmp_path: Path, lang: str, case: str, said: str, replaced: str
) -> None:
    junit = tmp_path / "j.xml"
    _green(junit)
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", *BENCH, "--watch", ".", "--junit", "j.xml",
                "--lang", lang)
    assert proc.returncode == 3, proc.stderr
    assert replaced in proc.stderr.splitlines(), proc.stderr
    name, message = _refusal(junit)
    assert name == case and message.startswith(said), message
    assert not (tmp_path / "s.tbsession").exists()


def test_a_malformed_casebook_replaces_it_too(tmp_path: Path) -> None:
    """The campaign's own refusal (exit 3 before any case ran), not only the command line's."""
    junit, broken = tmp_path / "j.xml", tmp_path / "broken.xml"
    _green(junit)
    broken.write_text("<casebook", encoding="utf-8")
    proc = _cli(tmp_path, "run", "broken.xml", "--session", "s.tbsession", *BENCH, "--junit", "j.xml")
    assert proc.returncode == 3, proc.stderr
    name, message = _refusal(junit)
    assert name == "exécution refusée" and message.startswith("broken.xml:") and "XML mal formé" in message


def test_a_check_of_the_outputs_replaces_it_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--resume`` of a session that is not there: refused with the outputs' checks, before the campaign."""
    junit = tmp_path / "j.xml"
    _green(junit)
    missing = tmp_path / "missing.tbsession"
    assert main(["run", str(DEMO), "--session", str(missing), *BENCH, "--resume", "--junit", str(junit)]) == 3
    assert "remplacé par un JUnit qui dit l'exécution refusée" in capsys.readouterr().err
    assert "rien à reprendre" in _refusal(junit)[1]


def test_a_repeated_option_replaces_it_but_a_repeated_junit_touches_neither(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit, other = tmp_path / "j.xml", tmp_path / "other.xml"
    _green(junit)
    session = str(tmp_path / "s.tbsession")
    assert main(["run", str(DEMO), "--session", session, *BENCH, "--workers", "1", "--workers", "2",
                 "--junit", str(junit)]) == 3
    assert "--workers est donné plusieurs fois" in _refusal(junit)[1]
    junit.write_bytes(b'<testsuite tests="1" failures="0" errors="0"><testcase name="old"/></testsuite>')
    before = junit.read_bytes()
    capsys.readouterr()
    assert main(["run", str(DEMO), "--session", session, *BENCH, "--junit", str(junit), "--junit", str(other)]) == 3
    assert junit.read_bytes() == before and not other.exists()
    assert "remplacé" not in capsys.readouterr().err


def test_no_junit_is_created_by_a_refusal(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "run", str(DEMO), "--session", "s.tbsession", *BENCH, "--watch", ".", "--junit", "j.xml")
    assert proc.returncode == 3 and "remplacé" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_casebook_given_as_junit_is_never_touched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The refusal's own subject: an input given as ``--junit`` is said, and stays as it was."""
    casebook = tmp_path / "cahier.xml"
    casebook.write_bytes(DEMO.read_bytes())
    session = str(tmp_path / "s.tbsession")
    assert main(["run", str(casebook), "--session", session, *BENCH, "--junit", str(casebook), "--resume"]) == 3
    assert casebook.read_bytes() == DEMO.read_bytes()
    assert "remplacé" not in capsys.readouterr().err


def test_the_report_folders_own_junit_is_left_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its manifest covers it: rewritten, the earlier exam book would fail ``verify``."""
    book = tmp_path / "book"
    junit = book / "junit.xml"
    session = str(tmp_path / "s.tbsession")
    args = ["run", str(DEMO), "--session", session, *BENCH, "--junit", str(junit), "--report", str(book)]
    assert main(args) == 0
    before = junit.read_bytes()
    capsys.readouterr()
    assert main([*args, "--watch", str(tmp_path), "--lang", "en"]) == 3
    assert junit.read_bytes() == before
    assert (
        f"testbench run: {junit}: an earlier run's JUnit stays there (it is part of the report {book}); it does not"
        " tell this run, which was refused: do not publish it"
    ) in capsys.readouterr().err.splitlines()


def _folder_refuses_new_files(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` refuses new files (a folder of another user: root writes through permissions, so faked)."""
    real_replace = os.replace

    def replace(src: object, dst: object, *args: object, **kwargs: object) -> None:
        if Path(str(dst)).parent == folder:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


def test_a_junit_that_cannot_be_rewritten_is_said_to_stay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    junit = tmp_path / "j.xml"
    junit.write_text('<testsuite tests="1" failures="0" errors="0"><testcase name="old"/></testsuite>')
    before = junit.read_bytes()
    _folder_refuses_new_files(monkeypatch, tmp_path)
    said = outputs.refused_junit(junit, ["refusée"], "en", [DEMO])
    monkeypatch.undo()
    assert said == (
        f"{junit}: an earlier run's JUnit stays there (access denied (insufficient rights)); it does not tell this"
        " run, which was refused: do not publish it"
    )
    assert junit.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["j.xml"]  # nothing left beside it


def test_a_link_to_the_earlier_junit_keeps_the_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As a run writes it: the file the link names is replaced, the link stays."""
    real, link = tmp_path / "results" / "j.xml", tmp_path / "j.xml"
    real.parent.mkdir()
    _green(real)
    link.symlink_to(real)
    assert main(["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), *BENCH, "--watch", str(tmp_path),
                 "--junit", str(link)]) == 3
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert _refusal(real)[0] == "exécution refusée"
