"""README § Exit codes: « A standard output the disk refuses (`> /dev/full`, a full disk, an I/O error) loses what
the command prints, not its work: the command goes to its end (a merge, a report, a JUnit are written whole), then
says on stderr « sortie standard perdue (disque plein) : la commande est allée au bout (code 0) … » with the code it
would have given, and exits 2 (a refusal keeps its 3) — whichever command it is, never « erreur interne ». A reader
gone (`| head`) is no failure: the command ends with its own code. »

Each command of README's blocks that prints (and ``run``, which prints nothing on its standard output) runs as a
real process three times, in a fresh folder each: its standard output a file (its own code and files), ``/dev/full``,
and a pipe whose reader is gone. The session they read is the demo's, run once for the module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASEBOOKS = ROOT / "casebooks"
EXAMPLES = CASEBOOKS / "examples"
BENCH = ["--cards", "inprocess", "--engine", "inprocess"]

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a disk that is full)")


def _testbench(argv: list[str], cwd: Path, stdout: int, home: Path) -> subprocess.CompletedProcess[bytes]:
    dropped = {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "TESTBENCH_CONFIG_DIR", "TESTBENCH_LANG", "TESTBENCH_SIGNING_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(HOME=str(home), TMPDIR=str(home))
    return subprocess.run(
        [sys.executable, "-m", "testbench", *argv], cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE,
        timeout=180, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's session (one case built to fail) and its book, as an exam leaves them."""
    world = tmp_path_factory.mktemp("world")
    made = world / "exam.tbsession"
    argv = ["run", str(CASEBOOKS / "demo.xml"), "--session", str(made), *BENCH, "--report", str(world / "book"),
            "--attestations", str(CASEBOOKS / "demo-attestations.json")]  # fmt: skip
    with open(os.devnull, "wb") as null:
        done = _testbench(argv, world, null.fileno(), world)
    assert done.returncode == 1, done.stderr.decode()
    return made


def _prepare_new_case(folder: Path) -> None:
    shutil.copy(CASEBOOKS / "demo.xml", folder / "cahier.xml")
    (folder / "cards").symlink_to(CASEBOOKS / "cards")


def _prepare_import(folder: Path) -> None:
    for name in ("cahier-exemple.xlsx", "cahier-exemple.mapping.toml", "cahier-exemple.fixtures.xml"):
        shutil.copy(EXAMPLES / name, folder / name)
    cards = folder.parent / "cards"  # the example's fixtures name ../cards/
    if not cards.exists():
        cards.symlink_to(CASEBOOKS / "cards")


def _nothing(folder: Path) -> None:
    """No file to lay out beforehand."""


def _reference_copy(folder: Path) -> None:
    """The session's copy for ``diff`` to compare it with (one file given twice is refused)."""
    shutil.copy(folder / "S", folder / "A.tbsession")


RUN = ["run", str(CASEBOOKS / "demo.xml"), "--session", "r.tbsession", "-k", "DEMO-FSE-00", *BENCH]
MAPPING = "cahier-exemple.mapping.toml"
NEW_CASE = ["new", "case", "--domain", "fse", "--mode", "securise", "--id", "FSE-042"]

#: name → (argv, with S the session copied into the folder; what to lay out in the folder first)
COMMANDS: dict[str, tuple[list[str], Callable[[Path], None]]] = {
    "validate": (["validate", str(CASEBOOKS / "demo.xml"), str(CASEBOOKS / "billing.xml")], _nothing),
    "run": ([*RUN, "--junit", "junit.xml", "--report", "ci"], _nothing),
    "report": (["report", "S", "-o", "book", "--junit", "junit.xml"], _nothing),
    "coverage": (["coverage", "S", "--plan", str(CASEBOOKS / "plans" / "demo-plan.toml")], _nothing),
    "verify": (["verify", "BOOK"], _nothing),
    "diff": (["diff", "A.tbsession", "S", "--html", "diff.html"], _reference_copy),
    "merge": (["merge", "S", "-o", "all.tbsession"], _nothing),
    "cover": (["cover", "S", "--sut", "MonLogiciel", "--operator", "Camille Martin"], _nothing),
    "keys init": (["keys", "init"], _nothing),
    "new case": ([*NEW_CASE, "--casebook", "cahier.xml"], _prepare_new_case),
    "import": (["import", "cahier-exemple.xlsx", "--mapping", MAPPING, "-o", "cahier.xml"], _prepare_import),
    "engine check": (["engine", "check", "--", sys.executable, "-m", "testbench", "engine", "serve"], _nothing),
}


def _invoke(name: str, session: Path, folder: Path, stdout: Callable[[], int]) -> subprocess.CompletedProcess[bytes]:
    """``name`` run in ``folder`` (made fresh: its own home, its own copy of the session) with ``stdout``."""
    argv, prepare = COMMANDS[name]
    folder.mkdir(parents=True)
    shutil.copy(session, folder / "S")
    prepare(folder)
    argv = [{"S": str(folder / "S"), "BOOK": str(session.parent / "book")}.get(word, word) for word in argv]
    fd = stdout()
    try:
        return _testbench(argv, folder, fd, folder)
    finally:
        os.close(fd)


def _written(folder: Path) -> set[str]:
    """What the command left in its folder, the folder's own home aside (a key, caches)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.relative_to(folder).parts[0]
            .startswith(".")}  # fmt: skip


def _to_file(path: Path) -> Callable[[], int]:
    return lambda: os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)


def _to_dev_full() -> int:
    return os.open("/dev/full", os.O_WRONLY)


def _to_a_pipe_nobody_reads() -> int:
    read, write = os.pipe()
    os.close(read)  # `| head` gone before the first line
    return write


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_full_disk_under_stdout_loses_the_lines_not_the_work(name: str, session: Path, tmp_path: Path) -> None:
    shown = tmp_path / "stdout.txt"
    plain = _invoke(name, session, tmp_path / "plain", _to_file(shown))
    own, printed = plain.returncode, shown.read_bytes()
    assert own in (0, 1, 2), plain.stderr.decode()  # the command itself works here
    assert bool(printed) == (name != "run"), printed  # every other command prints: there is something to lose
    full = _invoke(name, session, tmp_path / "full", _to_dev_full)
    err = full.stderr.decode("utf-8", "replace")
    assert "interne" not in err and "Traceback" not in err, err
    if printed:
        assert full.returncode == 2, err
        lost = f"testbench {name.split()[0]} : sortie standard perdue (disque plein) : la commande est allée au bout"
        assert f"{lost} (code {own})" in err, err
    else:  # nothing to lose (run's lines go to stderr): its own code
        assert full.returncode == own, err
    assert _written(tmp_path / "full") == _written(tmp_path / "plain")  # the work done whole
    if name == "keys init":  # « no empty key »: the key is whole
        key = tmp_path / "full" / ".config" / "testbench" / "signing-key.pem"
        assert key.read_bytes().startswith(b"-----BEGIN"), key


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_reader_gone_is_no_failure(name: str, session: Path, tmp_path: Path) -> None:
    plain = _invoke(name, session, tmp_path / "plain", _to_file(tmp_path / "stdout.txt"))
    gone = _invoke(name, session, tmp_path / "gone", _to_a_pipe_nobody_reads)
    err = gone.stderr.decode("utf-8", "replace")
    assert gone.returncode == plain.returncode, err
    assert "interne" not in err and "Traceback" not in err and "perdue" not in err, err
    assert _written(tmp_path / "gone") == _written(tmp_path / "plain")


def test_a_refusal_under_a_full_stdout_keeps_its_3(session: Path, tmp_path: Path) -> None:
    """« (a refusal keeps its 3) »: a second ``keys init`` refuses to replace the key, whatever its stdout."""
    folder = tmp_path / "keys"
    first = _invoke("keys init", session, folder, _to_file(tmp_path / "first.txt"))
    assert first.returncode == 0, first.stderr.decode()
    with open("/dev/full", "wb") as full:
        again = _testbench(["keys", "init"], folder, full.fileno(), folder)
    err = again.stderr.decode("utf-8", "replace")
    assert again.returncode == 3, err
    assert "une clé existe déjà" in err and "perdue" not in err and "interne" not in err
