"""A path option given an empty value (a CI variable not set: ``--junit "$JUNIT"``) is said empty, exit 3, as an
empty ``-k`` is — not read as the current folder « . » (audit s26 C3); ``--junit -`` is refused, not a file named
« - » (C4); the pytest plugin refuses an empty path or engine as pytest's usage error (exit 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main
from testbench.paths import CASEBOOKS_DIR

DEMO = CASEBOOKS_DIR / "demo.xml"
EMPTY = "est vide (une variable de la CI non définie ?) : un chemin attendu"


@pytest.mark.parametrize("option", ["--junit", "--report", "--attestations", "--plan", "--sut-profile"])
def test_run_says_an_empty_path_is_empty(option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", str(DEMO), "--session", str(tmp_path / "s.tbsession"), option, ""])
    assert exited.value.code == 3
    assert f"argument {option} : {option} {EMPTY}" in capsys.readouterr().err
    assert not (tmp_path / "s.tbsession").exists()


@pytest.mark.parametrize(
    "command",
    [["verify", ""], ["verify", "rep", "--session", ""], ["verify", "rep", "--key", ""], ["merge", "", "-o", "m"]],
)
def test_verify_and_merge_say_an_empty_path_is_empty(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 3
    assert EMPTY in capsys.readouterr().err


def test_merge_output_empty_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["merge", str(tmp_path / "a.tbsession"), "-o", "", "--lang", "en"])
    assert "--output is empty (a CI variable not set?): a path expected" in capsys.readouterr().err


def test_junit_dash_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chdir(tmp_path)
    args = ["run", str(DEMO), "--session", "s.tbsession", "--cards", "inprocess", "-k", "DEMO-FSE-001", "--junit", "-"]
    assert main(args) == 3
    assert "- : la sortie standard n'est pas acceptée" in capsys.readouterr().err
    assert not (tmp_path / "-").exists() and not (tmp_path / "s.tbsession").exists()


def plugin(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(tmp_path), "TESTBENCH_LANG": "fr"}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)]
    command += ["--casebook", str(DEMO), "--casebook-cards", "inprocess", "-k", "DEMO-FSE-001", *args]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("option", ["--casebook-session", "--casebook-report", "--casebook-attestations"])
def test_the_plugin_refuses_an_empty_path(option: str, tmp_path: Path) -> None:
    done = plugin(tmp_path, option, "")
    assert done.returncode == 4, done.stdout + done.stderr
    assert f"{option} {EMPTY}" in done.stderr
    assert not list(tmp_path.glob("*.tbsession"))


def test_the_plugin_refuses_an_empty_engine_as_run_does(tmp_path: Path) -> None:
    done = plugin(tmp_path, "--casebook-engine", "")
    assert done.returncode == 4, done.stdout + done.stderr
    assert "argument --casebook-engine: commande du moteur vide" in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["run", str(DEMO), "--session", ""],
        ["report", "", "-o", "rep"],
        ["report", "s.tbsession", "-o", ""],
        ["report", "s.tbsession", "-o", "rep", "--junit", ""],
        ["export", "", "--to", "x.xlsx", "--document", "d.xlsx", "--mapping", "m.toml"],
        ["export", "s.tbsession", "--to", "", "--document", "d.xlsx", "--mapping", "m.toml"],
    ],
)
def test_session_report_and_export_paths_say_an_empty_path_is_empty(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 3
    assert EMPTY in capsys.readouterr().err
