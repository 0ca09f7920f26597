"""``pip install testbench`` for a Python user: the wheel carries the bundled casebooks, ``testbench demo``
and a bare ``testbench`` work from any directory, nothing is written into site-packages, and messages
name system packages rather than the repository's scripts.

The slow test builds the wheel, installs it into a fresh virtualenv outside the checkout and runs the
demo from an empty directory: what CI checks for every change.
"""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: the vpcd tests' xdist worker runs this module (one of its tests takes the readers, tests/conftest.py), so
#: that its module fixture (the wheel and its virtualenv) is built once
pytestmark = pytest.mark.xdist_group("vpcd")

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "testbench"
CASEBOOKS = REPO / "casebooks"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def _data_folders(root: Path) -> Iterator[Path]:
    """Every folder under ``root`` (itself included) that holds a file, caches aside."""
    for folder in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if "__pycache__" not in folder.parts and any(f.is_file() for f in folder.iterdir()):
            yield folder


def test_every_folder_of_the_package_and_of_casebooks_is_packaged() -> None:
    """pyproject lists the packages (a mapping cannot be found automatically): a new folder must be added."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"testbench.bundled": "casebooks"}
    expected = {".".join(("testbench", *f.relative_to(PACKAGE).parts)) for f in _data_folders(PACKAGE)}
    expected |= {".".join(("testbench.bundled", *f.relative_to(CASEBOOKS).parts)) for f in _data_folders(CASEBOOKS)}
    assert set(config["packages"]) == expected
    patterns = config["package-data"]["*"]
    for file in CASEBOOKS.rglob("*"):
        if file.is_file():
            assert any(file.match(p) for p in patterns), f"{file} would be left out of the wheel"


def test_installed_layout_reads_the_casebooks_from_the_package(tmp_path: Path) -> None:
    """In site-packages there is no checkout beside the package: the bundled copy is used."""
    site = tmp_path / "site"
    (site / "testbench" / "bundled" / "cards").mkdir(parents=True)
    (site / "testbench" / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(PACKAGE / "paths.py", site / "testbench" / "paths.py")
    code = "from testbench import paths; print(paths.CASEBOOKS_DIR); print(paths.CARD_PROFILES_DIR)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(site / "testbench" / "bundled"), str(site / "testbench" / "bundled" / "cards")]


def test_checkout_reads_the_top_level_casebooks() -> None:
    from testbench.paths import CARD_PROFILES_DIR, CASEBOOKS_DIR

    assert CASEBOOKS_DIR == CASEBOOKS
    assert CARD_PROFILES_DIR == CASEBOOKS / "cards"


def _message_strings(path: Path) -> Iterator[tuple[int, str]]:
    """String constants of a module that can reach a person: docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_points_a_pip_user_at_the_repository() -> None:
    """A pip user has no scripts/ folder and no .venv: messages name the system packages instead."""
    found = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in _message_strings(path)
        if any(marker in text for marker in ("setup.sh", "scripts/", ".venv"))
    ]
    assert found == []
    from testbench.cards.pcsc import INSTALL_HINT

    for package in ("pcscd", "vsmartcard-vpcd", "libpcsclite-dev", "pcsc-lite"):
        assert package in INSTALL_HINT


def _demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory and a private home: where the demo writes is then visible."""
    cwd = tmp_path / "anywhere"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TESTBENCH_CONFIG_DIR", str(tmp_path / "config"))
    return cwd


def test_demo_writes_to_the_user_data_folder_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from testbench.cli.main import main

    cwd = _demo_env(monkeypatch, tmp_path)
    package_files = {p for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts}
    code = main(["demo", "--headless", "--cards", "inprocess", "--engine", "inprocess"])
    assert code == 0  # the demo's one failing case is the demo working
    data = tmp_path / "data" / "testbench"
    assert (data / "demo" / "index.html").is_file()
    assert (data / "demo.tbsession").is_file()
    assert f"rapport {data / 'demo' / 'index.html'}" in capsys.readouterr().err
    assert list(cwd.iterdir()) == []
    assert {p for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts} == package_files


def test_headless_demo_leaves_a_session_open_elsewhere_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workstation (a bare ``testbench``) may have the demo session open: it is not deleted under it."""
    from testbench.cli.demo_cmd import DEMO_META, demo_paths
    from testbench.cli.main import main
    from testbench.store.session import SessionStore

    _demo_env(monkeypatch, tmp_path)
    session = demo_paths()[1]
    store = SessionStore.open(session)
    store.set_meta(DEMO_META, "testbench demo")
    try:
        assert main(["demo", "--headless", "--cards", "inprocess", "--engine", "inprocess"]) == 3
        assert "ouverte par un autre processus" in capsys.readouterr().err
        assert session.is_file()
    finally:
        store.close()


def test_the_demo_replaces_only_its_own_session_and_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo --output DIR`` starts afresh in a folder of its own; an exam session ``DIR.tbsession`` (made by
    ``run``, of any casebook) or a folder holding another session's report is refused, both left as they were."""
    from testbench.cli.main import main

    cwd = _demo_env(monkeypatch, tmp_path)
    bench = ["--cards", "inprocess", "--engine", "inprocess"]
    exam, book = cwd / "exam.tbsession", cwd / "exam"
    assert main(["run", str(CASEBOOKS / "demo.xml"), "-k", "DEMO-FSE-001", "--session", str(exam),
                 "--report", str(book), *bench]) == 0  # fmt: skip
    before = {p.name: p.read_bytes() for p in (exam, book / "report.json")}
    capsys.readouterr()
    refused = (("fr", " : ce fichier n'est pas une session de la démo"), ("en", ": this file is not a session"))
    for lang, said in refused:
        assert main(["demo", "--headless", "--output", str(book), "--lang", lang, *bench]) == 3
        assert f"{exam}{said}" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (exam, book / "report.json")} == before
    mine = cwd / "mine"
    assert main(["demo", "--headless", "--output", str(mine), *bench]) == 0
    first = (mine / "report.json").read_bytes()
    assert main(["demo", "--headless", "--output", str(mine), *bench]) == 0  # its own: afresh
    assert (mine / "report.json").read_bytes() != first  # a new session's book
    (cwd / "mine.tbsession").unlink()  # the book left without its session: whose it is cannot be told
    capsys.readouterr()
    assert main(["demo", "--headless", "--output", str(mine), *bench]) == 3
    assert "le rapport d'une autre session" in capsys.readouterr().err


# ---- the wheel, installed as a user would ------------------------------------------------------------


@dataclass
class Installed:
    wheel: Path
    venv: Path
    site: Path  # the fresh virtualenv's site-packages
    seconds: float  # build, virtualenv and install


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if "__pycache__" not in p.parts}


def _user_env(home: Path) -> dict[str, str]:
    """A user of the installed program: own home, no checkout on the path, no test overrides."""
    dropped = {
        "PYTHONPATH",
        "VIRTUAL_ENV",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "TESTBENCH_CONFIG_DIR",
        "COLUMNS",
        "LINES",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(HOME=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"), TEXTUAL_ANIMATIONS="none")
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from the project's files, installed with its dependencies into a fresh virtualenv."""
    started = time.monotonic()
    root = tmp_path_factory.mktemp("wheel")
    # build from a copy: the checkout gets no build/ or egg-info, and the build sees only the project's files
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, source / name)
    for name in ("testbench", "casebooks"):
        shutil.copytree(REPO / name, source / name, ignore=IGNORED)
    pip = ["-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([sys.executable, *pip, "wheel", "--no-deps", "-w", str(root / "dist"), str(source)], check=True)
    (wheel,) = (root / "dist").glob("testbench-*.whl")
    venv = root / "venv"  # a real fresh virtualenv: no system site-packages, not the checkout's .venv
    # installed into by this pip (``--python``): no pip of its own to set up (ensurepip, 4 s of CPU)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = _bin(venv, "python")
    subprocess.run([sys.executable, *pip, "--python", str(python), "install", str(wheel)], check=True)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib], capture_output=True, text=True, check=True).stdout.strip()
    return Installed(wheel, venv, Path(site), time.monotonic() - started)


@pytest.mark.slow
def test_the_wheel_carries_the_bundled_casebooks_and_reads_them(installed: Installed, tmp_path: Path) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    # README: « Licence Apache-2.0 », whose text must travel with the program (its § 4)
    licences = [n for n in names if ".dist-info/" in n and n.rsplit("/", 1)[-1] == "LICENSE"]
    assert licences, sorted(n for n in names if ".dist-info/" in n)
    assert "Apache License" in zipfile.ZipFile(installed.wheel).read(licences[0]).decode("utf-8")
    for file in CASEBOOKS.rglob("*"):
        if file.is_file():
            assert f"testbench/bundled/{file.relative_to(CASEBOOKS).as_posix()}" in names
    code = "from testbench.paths import CASEBOOKS_DIR; print(CASEBOOKS_DIR)"
    where = subprocess.run(
        [str(_bin(installed.venv, "python")), "-c", code],
        cwd=tmp_path,
        env=_user_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where) == installed.site / "testbench" / "bundled"  # the installed copy, not the checkout
    print(f"wheel built and installed into a fresh virtualenv in {installed.seconds:.1f} s")


@pytest.mark.slow
def test_installed_demo_runs_headless_from_an_empty_directory(installed: Installed, tmp_path: Path) -> None:
    """CI's acceptance: exit 0 apart from the case built to fail, the report in the user's data folder."""
    from conftest_cards import _vpcd_lock  # the demo uses the vpcd readers when pcscd runs

    home, empty = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    empty.mkdir()
    before = _files(installed.site)
    started = time.monotonic()
    with _vpcd_lock():
        demo = subprocess.run(
            [str(_bin(installed.venv, "testbench")), "demo", "--headless"],
            cwd=empty,
            env=_user_env(home),
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert demo.returncode == 0, demo.stderr
    data = home / ".local" / "share" / "testbench"
    report = data / "demo" / "index.html"
    assert report.is_file()
    assert str(report) in demo.stderr  # said on screen
    junit = (data / "demo" / "junit.xml").read_text(encoding="utf-8")
    assert 'failures="1" errors="0"' in junit  # the one case built to fail, nothing else
    assert '<testcase classname="fse.securise" name="DEMO-FSE-099"' in junit
    assert list(empty.iterdir()) == []
    assert _files(installed.site) == before  # nothing written into site-packages
    print(f"installed demo ran in {time.monotonic() - started:.1f} s")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux absent")
def test_installed_bare_testbench_opens_the_demo_in_a_terminal(installed: Installed, tmp_path: Path) -> None:
    home, empty = tmp_path / "home", tmp_path / "empty"
    home.mkdir()
    empty.mkdir()
    before = _files(installed.site)
    socket = str(tmp_path / "tmux.sock")

    def tmux(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, timeout=10)

    env = _user_env(home)
    exports = " ".join(f"{k}={shlex.quote(env[k])}" for k in ("HOME", "TEXTUAL_ANIMATIONS"))
    unset = (
        "-u PYTHONPATH -u VIRTUAL_ENV -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u TESTBENCH_CONFIG_DIR -u COLUMNS -u LINES"
    )
    command = f"cd {shlex.quote(str(empty))} && exec env {unset} {exports} {_bin(installed.venv, 'testbench')}"
    tmux("new-session", "-d", "-s", "ui", "-x", "160", "-y", "48", command)
    try:
        deadline, screen = time.monotonic() + 30, ""
        while "DEMO-FSE-001" not in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = tmux("capture-pane", "-p", "-t", "ui").stdout
        assert "DEMO-FSE-001" in screen and "demo.tbsession" in screen, screen
        tmux("send-keys", "-t", "ui", "C-q")
        deadline = time.monotonic() + 10
        while tmux("has-session", "-t", "ui").returncode == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tmux("has-session", "-t", "ui").returncode != 0, "the workstation did not quit"
    finally:
        tmux("kill-server")
    assert (home / ".local" / "share" / "testbench" / "demo.tbsession").is_file()
    assert list(empty.iterdir()) == []
    assert _files(installed.site) == before
