"""``engine check``: the ``arret`` line says how the engine ended after ``shutdown`` (killed by the bench after its
grace period, with the signal named; its own exit code; a signal not the bench's), never a raw negative return
code nor « forced » for an engine that chose its exit code; the summary of the checks not run says the engine
could not be launched, or did not start, where no answer ever came; a lone word after ``--`` that names a file
is the program, spaces included (audit s34 H9 A1, A3, A4)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from testbench.cli.main import main

REPO = Path(__file__).resolve().parent.parent
SHUTDOWN = REPO / "tests" / "data" / "engines" / "shutdown_engine.py"
POSIX = pytest.mark.skipif(os.name != "posix", reason="signals and sh scripts are POSIX")


def _lines(out: str) -> dict[str, str]:
    """Each check's line of the text report, by its id."""
    return {re.split(r"\s{2,}", ln)[1]: ln for ln in out.splitlines() if re.match(r"[A-ZÉ ]+\s{2,}\S", ln)}


def _check(capsys: pytest.CaptureFixture[str], *argv: str, lang: str = "fr") -> tuple[int, str]:
    code = main(["--lang", lang, "engine", "check", "--", *argv])
    return code, capsys.readouterr().out


@POSIX
def test_an_engine_still_running_after_shutdown_is_said_killed_by_the_bench(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _check(capsys, sys.executable, str(SHUTDOWN), "--after-shutdown", "stay")
    arret = _lines(out)["arret"]
    assert code == 1 and arret.startswith("ÉCHEC"), out
    assert arret.endswith(
        "— le moteur tournait encore 2 s après shutdown : arrêt forcé par le banc, tué par le signal 9 (SIGKILL)"
    ), arret
    assert "-9" not in arret
    code, out = _check(capsys, sys.executable, str(SHUTDOWN), "--after-shutdown", "stay", lang="en")
    arret = _lines(out)["arret"]
    assert arret.endswith(
        "— the engine was still running 2 s after shutdown: stopped by force by the bench, killed by signal 9"
        " (SIGKILL)"
    ), arret


def test_an_engine_that_exits_with_its_own_code_after_shutdown_is_not_said_forced(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _check(capsys, sys.executable, str(SHUTDOWN), "--after-shutdown", "exit5")
    arret = _lines(out)["arret"]
    assert code == 1 and arret.startswith("ÉCHEC"), out
    assert arret.endswith("— le moteur s'est arrêté de lui-même après shutdown, avec le code 5 au lieu de 0"), arret
    assert "forcé" not in arret
    code, out = _check(capsys, sys.executable, str(SHUTDOWN), "--after-shutdown", "exit5", lang="en")
    arret = _lines(out)["arret"]
    assert arret.endswith("— the engine exited by itself after shutdown, with code 5 instead of 0"), arret
    assert "forced" not in arret


@POSIX
def test_an_engine_killed_by_its_own_signal_after_shutdown_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(capsys, sys.executable, str(SHUTDOWN), "--after-shutdown", "sigsegv")
    arret = _lines(out)["arret"]
    assert code == 1 and arret.endswith(
        "— après shutdown, le moteur a été tué par le signal 11 (SIGSEGV), pas par le banc"
    ), arret
    assert "-11" not in arret and "forcé" not in arret


def test_an_engine_that_cannot_be_launched_is_said_so_in_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(capsys, "/nonexistent/moteur")
    assert code == 2 and "MOTEUR INDISPONIBLE" in out, out
    assert "19 vérifications non faites (NON FAITE) : le moteur n'a pas pu être lancé." in out, out
    assert "réponse" not in out.splitlines()[-1]
    code, out = _check(capsys, "/nonexistent/moteur", lang="en")
    assert code == 2 and "19 checks not run (NOT RUN): the engine could not be launched." in out, out


def test_an_engine_that_exits_at_start_is_said_not_started_in_the_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = _check(capsys, sys.executable, "-c", "import sys; sys.exit(4)")
    assert code == 1 and _lines(out)["demarrage"].startswith("ÉCHEC"), out
    assert "19 vérifications non faites (NON FAITE) : le moteur n'a pas démarré." in out, out
    assert "réponse déjà en échec" not in out
    code, out = _check(capsys, sys.executable, "-c", "import sys; sys.exit(4)", lang="en")
    assert "19 checks not run (NOT RUN): the engine did not start." in out, out


@POSIX
def test_a_lone_word_naming_a_file_with_a_space_is_the_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mon moteur"
    folder.mkdir()
    script = folder / "moteur.sh"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m testbench engine serve\n', encoding="utf-8")
    script.chmod(0o755)
    code, out = _check(capsys, str(script))
    assert code == 0 and "CONFORME : 20 vérifications réussies." in out, out
    # a lone word with a blank that names no file is still a command line, split as run --engine splits it
    code, out = _check(capsys, f"{sys.executable} -m testbench engine serve")
    assert code == 0, out


def test_on_windows_a_path_without_its_pathext_extension_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from testbench.cli import engine_cmd

    folder = tmp_path / "Program Files" / "Editeur"
    folder.mkdir(parents=True)
    (folder / "moteur.exe").write_bytes(b"MZ")
    monkeypatch.setenv("PATHEXT", ".COM;.EXE;.BAT;.CMD")
    monkeypatch.setattr(engine_cmd.cmdline, "on_windows", lambda windows=None: True)
    assert engine_cmd._names_a_file(str(folder / "moteur.exe"))
    assert engine_cmd._names_a_file(str(folder / "moteur"))
    assert not engine_cmd._names_a_file(str(folder / "autre"))
    monkeypatch.setattr(engine_cmd.cmdline, "on_windows", lambda windows=None: False)
    assert not engine_cmd._names_a_file(str(folder / "moteur"))  # POSIX runs no PATHEXT: the word names nothing
