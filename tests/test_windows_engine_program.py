"""An engine given as ``moteur`` where the vendor ships ``moteur.cmd``: Windows starts ``moteur.exe`` only, so the
bench looks the word up as the command prompt does, over real files on disk (the folders and PATHEXT as Windows
has them), and refuses a batch file arguments cmd.exe would read its own way (the « BatBadBut » class)."""

from __future__ import annotations

import os
import shutil
import stat
import types
from pathlib import Path

import pytest

from testbench.engines.api import EngineNotLaunched
from testbench.engines.protocol import jsonrpc as J
from testbench.engines.protocol import process
from testbench.engines.protocol.program import batch_file, windows_command
from testbench.i18n import english

PATHEXT = ".COM;.EXE;.BAT;.CMD;.VBS;.JS"


def _files(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("@echo off\n", encoding="ascii")
    return folder


def _env(*folders: Path, **more: str) -> dict[str, str]:
    return {"PATH": ";".join(str(f) for f in folders), "PATHEXT": PATHEXT, **more}


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The current folder, searched first, is an empty one unless a test fills it."""
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")


def test_a_batch_file_is_found_where_only_it_is(tmp_path: Path) -> None:
    tools = _files(tmp_path / "Editeur", "moteur.cmd")
    env = _env(tmp_path / "vide", tools)
    assert batch_file("moteur", env) == str(tools / "moteur.cmd")
    assert windows_command(["moteur", "--port", "4", r"C:\Examen CNDA\cartes"], env) == [
        str(tools / "moteur.cmd"),
        "--port",
        "4",
        r"C:\Examen CNDA\cartes",
    ]


def test_a_program_found_first_is_left_to_windows(tmp_path: Path) -> None:
    """CreateProcess finds an ``.exe`` itself, in its own order (the application's folder first): unchanged."""
    both = _files(tmp_path / "a", "moteur.cmd", "moteur.exe")
    assert batch_file("moteur", _env(both)) is None
    exe, cmd = _files(tmp_path / "b", "moteur.exe"), _files(tmp_path / "c", "moteur.bat")
    assert batch_file("moteur", _env(exe, cmd)) is None
    assert batch_file("moteur", _env(cmd, exe)) == str(cmd / "moteur.bat")  # the prompt's order: folder by folder
    assert windows_command(["moteur", "%x%"], _env(exe, cmd)) == ["moteur", "%x%"]  # a program reads its own words


def test_the_current_folder_comes_first_unless_the_system_says_not(tmp_path: Path) -> None:
    _files(tmp_path / "here", "moteur.bat")
    tools = _files(tmp_path / "outils", "moteur.cmd")
    assert batch_file("moteur", _env(tools)) == os.path.join(os.curdir, "moteur.bat")
    assert batch_file("moteur", _env(tools, NoDefaultCurrentDirectoryInExePath="1")) == str(tools / "moteur.cmd")


def test_a_word_with_a_folder_is_looked_up_there_only(tmp_path: Path) -> None:
    tools = _files(tmp_path / "outils", "moteur.cmd")
    elsewhere = _files(tmp_path / "ailleurs", "autre.cmd")
    assert batch_file(str(tools / "moteur"), _env(elsewhere)) == str(tools / "moteur.cmd")
    assert batch_file(str(tools / "autre"), _env(elsewhere)) is None


def test_a_word_with_its_extension_or_found_nowhere_is_left_as_given(tmp_path: Path) -> None:
    tools = _files(tmp_path / "outils", "moteur.cmd", "moteur.cmd.cmd", "python.cmd")
    env = _env(tools)
    for word in ("moteur.cmd", "Moteur.CMD", "python.exe", "absent", ""):
        assert batch_file(word, env) is None, word
    assert windows_command(["absent", "--x"], env) == ["absent", "--x"]  # Windows then says « introuvable »
    assert batch_file("moteur", {"PATH": str(tools)}) == str(tools / "moteur.cmd")  # PATHEXT unset: Windows' default


@pytest.mark.parametrize("argument", ["%APPDATA%", "a&b", 'dit "oui"', "x|y", "<in", "^", "!v!", "ligne\nsuite"])
def test_a_batch_file_given_what_cmd_reads_itself_is_refused(tmp_path: Path, argument: str) -> None:
    tools = _files(tmp_path / "outils", "moteur.cmd")
    for word in ("moteur", str(tools / "moteur.cmd")):  # found, or named whole: cmd.exe reads the line either way
        with pytest.raises(EngineNotLaunched) as refused:
            windows_command([word, "--config", argument], _env(tools))
        said, program = str(refused.value), tools / "moteur.cmd" if word == "moteur" else word
        assert said.startswith(f"moteur « {program} » : fichier de commandes"), said
        assert "indiquez plutôt le programme que ce fichier lance" in said and "\n" not in said, said
        assert english(said).startswith("engine “") and "give instead the program this file starts" in english(said)


def test_the_refusal_names_each_character_once(tmp_path: Path) -> None:
    tools = _files(tmp_path / "outils", "moteur.bat")
    with pytest.raises(EngineNotLaunched) as refused:
        windows_command(["moteur", "%A%", "&", "%B%\n"], _env(tools))
    assert "arguments contiennent ⟨U+000A⟩ % &, que cmd.exe relirait" in str(refused.value)


def _script(folder: Path, name: str) -> Path:
    """A file named as a batch file that Linux can run (a shell script): the process really starts from it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\nexec {shutil.which('cat')}\n", encoding="ascii")  # PATH is the test's
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine process module believes it runs on Windows, with POSIX's process group (Linux has no other)."""
    monkeypatch.setattr(process, "sys", types.SimpleNamespace(platform="win32"))
    monkeypatch.setattr(process, "_group_options", lambda: {"start_new_session": True})


def test_the_engine_process_starts_the_batch_file_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script(tmp_path / "Editeur", "moteur.cmd")
    monkeypatch.setenv("PATH", str(script.parent))
    monkeypatch.setenv("PATHEXT", PATHEXT)
    with monkeypatch.context() as windows:
        _as_on_windows(windows)
        engine = process.EngineProcess(["moteur"], J.MAX_LINE, None, None)
    try:
        assert engine.popen.args == [str(script)] and engine.alive()
    finally:
        process._end(engine.popen)


def test_the_engine_process_refuses_before_starting_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script(tmp_path / "Editeur", "moteur.bat")
    started: list[object] = []
    monkeypatch.setattr(process, "ChildPopen", lambda *a, **k: started.append(a))
    with monkeypatch.context() as windows:
        _as_on_windows(windows)
        with pytest.raises(EngineNotLaunched, match="fichier de commandes"):
            process.EngineProcess([str(script), "--dossier", "%USERPROFILE%"], J.MAX_LINE, None, None)
    assert started == []


def test_off_windows_the_command_is_started_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """POSIX has no PATHEXT: ``moteur`` is not replaced by a ``moteur.cmd`` lying in PATH."""
    _script(tmp_path / "Editeur", "moteur.cmd")
    monkeypatch.setenv("PATH", str(tmp_path / "Editeur"))
    with pytest.raises(EngineNotLaunched, match="impossible de lancer le moteur « moteur » : introuvable"):
        process.EngineProcess(["moteur"], J.MAX_LINE, None, None)
