"""``testbench run`` and ``merge`` as a developer's CI meets them: a ``TERM=dumb`` terminal gets plain progress
lines, a selection refused carries « testbench run: » as the command's other refusals do, an output folder that
exists but refuses new files (Linux's /proc) is not called « introuvable », and an ``--engine`` program whose path
holds a space is refused with the quoted form before anything runs — and runs, quoted."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest
from fakes import make_case

from testbench import cmdline
from testbench.cli.main import main
from testbench.cli.progress import Progress
from testbench.domain.verdict import Outcome, Verdict
from testbench.i18n import use_language
from testbench.paths import CASEBOOKS_DIR
from testbench.runner.events import CaseFinished, CaseStarted

DEMO = CASEBOOKS_DIR / "demo.xml"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]


def _code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's refusal
        return int(exc.code or 0)


def test_a_dumb_terminal_gets_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    pty = pytest.importorskip("pty")  # a real terminal: POSIX
    from test_progress_failures_on_a_terminal import read_all

    monkeypatch.setenv("TERM", "dumb")
    master, slave = pty.openpty()
    out = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115 — closed below
    try:
        with use_language("fr"):
            progress = Progress(out)
        ok, ko = make_case("OK-1", ()), make_case("KO-1", ())
        for n, (case, outcome) in enumerate(((ok, Outcome(Verdict.PASS, "")), (ko, Outcome(Verdict.FAIL, "écart"))), 1):
            progress(CaseStarted(case, n - 1, 2, n))
            progress(CaseFinished(case, n - 1, 2, outcome, n))
        progress.release()
        out.close()
        text = read_all(master, time.monotonic() + 5).replace("\r\n", "\n")  # the terminal's own line ends
    finally:
        os.close(master)
        if not out.closed:
            out.close()
    assert "\x1b" not in text and "\r" not in text, repr(text)
    assert text.splitlines() == ["[1/2] OK-1 : réussi", "[2/2] KO-1 : échec — écart"], repr(text)


@pytest.mark.parametrize(
    ("selection", "lang", "said"),
    [
        (["-k", "nosuch"], "fr", "aucun cas ne correspond à la sélection"),
        (["--tag", "nosuch"], "en", "no case matches the selection"),
        (["-k", "lpp and"], "fr", "expression -k invalide"),
    ],
)
def test_a_selection_refused_carries_the_commands_prefix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], selection: list[str], lang: str, said: str
) -> None:
    session = tmp_path / "s.tbsession"
    assert _code(["run", str(DEMO), "--session", str(session), *BENCH, *selection, "--lang", lang]) == 3
    (line,) = [line for line in capsys.readouterr().err.splitlines() if said in line]
    assert line.startswith("testbench run"), line
    assert not session.exists()


def test_a_casebooks_problem_keeps_its_place_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "bad.xml"
    book.write_text("<x>", encoding="utf-8")
    assert _code(["run", str(book), "--session", str(tmp_path / "s.tbsession"), *BENCH]) == 3
    assert capsys.readouterr().err.startswith(f"{book}:1:"), "file:line:col first, where an editor reads it"


def _refuses_new_files(folder: Path) -> bool:
    """Whether ``folder`` exists and answers « not found » to a new file in it (Linux's /proc)."""
    if not folder.is_dir():
        return False
    try:
        with tempfile.TemporaryFile(dir=folder):
            return False
    except OSError as exc:
        return exc.errno == errno.ENOENT


@pytest.mark.skipif(not _refuses_new_files(Path("/proc")), reason="no /proc refusing new files")
@pytest.mark.parametrize(
    ("lang", "said", "folder"),
    [
        ("fr", "le dossier /proc existe, mais le système y refuse tout nouveau fichier", "introuvable"),
        ("en", "the folder /proc exists, but the system refuses any new file in it", "not found"),
    ],
)
def test_a_junit_in_a_folder_refusing_new_files_is_not_called_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str, folder: str
) -> None:
    session = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), *BENCH, "-k", "DEMO-FSE-001", "--lang", lang]
    assert _code([*argv, "--junit", "/proc/j.xml"]) == 3
    err = capsys.readouterr().err
    assert said in err and folder not in err, err
    assert not session.exists()  # before any case ran


@pytest.mark.parametrize(
    ("option", "example"),
    [("--junit", "junit.xml"), ("--session", "campagne.tbsession"), ("merge -o", "campagne.tbsession")],
)
def test_a_file_written_as_a_folder_is_refused_not_written_under_the_folders_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, example: str
) -> None:
    folder = f"{tmp_path / 'out'}/"
    session = str(tmp_path / "s.tbsession")
    run = ["run", str(DEMO), *BENCH, "-k", "id:DEMO-FSE-001"]
    if option == "merge -o":
        assert _code([*run, "--session", session]) == 0
        argv = ["merge", session, "-o", folder]
    elif option == "--session":
        argv = [*run, "--session", folder]
    else:
        argv = [*run, "--session", session, "--junit", folder]
    capsys.readouterr()
    assert _code([*argv, "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"“{folder}” ends with “/”: it is a folder, a file is expected" in err, err
    assert f"for example {folder}{example}" in err, err
    assert not (tmp_path / "out").exists()


def test_merge_expands_a_pattern_the_shell_left_and_says_one_that_matches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n, case in enumerate(("DEMO-FSE-001", "DEMO-FSE-002"), 1):
        session = tmp_path / f"shard-{n}.tbsession"
        assert _code(["run", str(DEMO), "--session", str(session), *BENCH, "-k", f"id:{case}"]) == 0
    capsys.readouterr()
    merged = tmp_path / "m.tbsession"
    assert _code(["merge", str(tmp_path / "shard-*.tbsession"), "-o", str(merged)]) == 0  # as Windows' shells pass it
    assert "2 sessions, 2 cas" in capsys.readouterr().out
    nothing = tmp_path / "nothing-*.tbsession"
    assert _code(["merge", str(nothing), "-o", str(tmp_path / "n.tbsession"), "--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert f"{nothing}: no file matches this pattern; are the shards' sessions in this folder" in err, err


@pytest.mark.skipif(os.name == "nt", reason="a shell script as the engine's program")
def test_an_engine_path_with_a_space_is_refused_bare_and_runs_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "mon moteur" / "moteur.sh"
    program.parent.mkdir()
    program.write_text(f'#!/bin/sh\nexec {cmdline.join([sys.executable])} -m testbench engine serve "$@"\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    session = tmp_path / "s.tbsession"
    argv = ["run", str(DEMO), "--session", str(session), "--cards", "inprocess", "-k", "id:DEMO-FSE-001"]
    assert _code([*argv, "--engine", str(program)]) == 3  # bare: split, its first word is no file
    err = capsys.readouterr().err
    quoted = cmdline.join([str(program)])
    assert f"« {tmp_path / 'mon'} » n'existe pas" in err and err.rstrip().endswith(quoted), err
    assert not session.exists()  # refused before anything runs, not a bench that cannot start (exit 2)
    assert _code([*argv, "--engine", quoted]) == 0, capsys.readouterr().err  # the form the refusal gives
