"""Where ``report``, ``cards`` and ``ui`` write: a folder that exists yet refuses new files (Linux's /proc) is said
so, not « introuvable », by the one check every command uses; and a file's path typed as a folder
(``report --junit test-results/``) is refused, not written as a file named as the folder."""

from __future__ import annotations

import errno
import tempfile
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR
from testbench.tools.outputs import write_problem


def _code(argv: list[str]) -> int:
    """The exit code of the command line ``argv`` (argparse's refusals exit too)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def _refuses_new_files(folder: Path) -> bool:
    """Whether ``folder`` exists and answers « not found » to a new file in it (Linux's /proc)."""
    if not folder.is_dir():
        return False
    try:
        with tempfile.TemporaryFile(dir=folder):
            return False
    except OSError as exc:
        return exc.errno == errno.ENOENT


NO_PROC = pytest.mark.skipif(not _refuses_new_files(Path("/proc")), reason="no /proc refusing new files")
SAID = "the folder /proc exists, but the system refuses any new file in it"


@NO_PROC
@pytest.mark.parametrize(
    "argv",
    [
        ["report", "{tmp}/s.tbsession", "-o", "/proc/r"],
        ["report", "{tmp}/s.tbsession", "-o", "/proc/a/b"],  # a folder to create under /proc: /proc is said
        ["report", "{tmp}/s.tbsession", "-o", "{tmp}/r", "--junit", "/proc/j.xml"],
        ["cards", "record", "--out", "/proc/x.jsonl"],
    ],
)
def test_a_folder_refusing_new_files_is_not_called_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert _code([word.format(tmp=tmp_path) for word in argv] + ["--lang", "en"]) == 3
    err = capsys.readouterr().err
    assert SAID in err and "not found" not in err, err
    assert not (tmp_path / "r").exists()


@NO_PROC
def test_the_shared_check_names_the_folder_that_refuses(tmp_path: Path) -> None:
    problem = write_problem(Path("/proc/nothere/x.xml"))
    assert problem is not None
    said = problem(lambda text: text, None)
    assert said.startswith("/proc/nothere/x.xml : écriture impossible ici (le dossier /proc existe,"), said
    assert write_problem(tmp_path / "x.xml") is None


@pytest.mark.parametrize(
    ("argv", "example"),
    [
        (["report", "{tmp}/s.tbsession", "-o", "{tmp}/r", "--junit", "{tmp}/out/"], "junit.xml"),
        (["ui", str(CASEBOOKS_DIR / "demo.xml"), "--session", "{tmp}/out/"], "campagne.tbsession"),
        (["cards", "record", "--out", "{tmp}/out/"], "carte.jsonl"),
        (["cards", "replay", "{tmp}/rec.jsonl", "--export-scriptor", "{tmp}/out/"], "carte.scriptor"),
        (["cards", "emulate", "{tmp}/card.xml", "--trace", "{tmp}/out/"], "apdu.jsonl"),
        (["diff", "{tmp}/a.tbsession", "{tmp}/b.tbsession", "--html", "{tmp}/out/"], "comparaison.html"),
        (["diff", "{tmp}/a.tbsession", "{tmp}/b.tbsession", "--json", "{tmp}/out/"], "comparaison.json"),
        (["import", "{tmp}/c.xlsx", "--mapping", "{tmp}/m.toml", "-o", "{tmp}/out/"], "cahier.xml"),
        (["sut", "init", "--output", "{tmp}/out/"], "sut.toml"),
        (["export", "{tmp}/s.tbsession", "--to", "{tmp}/out/"], "export.xlsx"),
    ],
)
def test_a_file_typed_as_a_folder_is_refused_not_written_under_the_folders_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], example: str
) -> None:
    assert _code([word.format(tmp=tmp_path) for word in argv] + ["--lang", "en"]) == 3
    err = capsys.readouterr().err
    folder = f"{tmp_path / 'out'}/"
    assert f"“{folder}” ends with “/”: it is a folder, a file is expected" in err, err
    assert f"for example {folder}{example}" in err, err
    assert not (tmp_path / "out").exists() and not (tmp_path / "r").exists()
