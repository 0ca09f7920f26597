"""Every single-value option of ``run``, ``merge`` and ``report`` given twice is refused (exit 3) in the person's
language, naming the option as typed, before anything is read or written: argparse kept the last one unsaid, so
``--session a.tbsession … --session b.tbsession`` ran into b without a word (only ``--shard`` was refused)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testbench.cli.main import COMMANDS, build_parser, main
from testbench.runner.options import StoreOnce

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "casebooks" / "demo.xml"

#: the values of flags, by kind, that parse: a choice, a number, a folder that exists
_SINGLE = (argparse._StoreAction, StoreOnce)


def _single_value_options(command: str) -> Iterator[argparse.Action]:
    """The options of ``command`` that take one value (a store), as the parser declares them."""
    parser = build_parser([command])
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for action in sub.choices[command]._actions:
        if action.option_strings and isinstance(action, _SINGLE) and action.nargs is None:
            yield action


def _value(action: argparse.Action, folder: Path) -> str:
    """A value ``action`` accepts (its first choice, else a number or a folder that its type takes)."""
    if action.choices:
        return str(next(iter(action.choices)))
    for candidate in ("1", str(folder), "1/1"):
        try:
            if action.type is not None:
                action.type(candidate)  # type: ignore[operator]
            return candidate
        except (argparse.ArgumentTypeError, ValueError):
            continue
    raise AssertionError(f"no value for {action.option_strings}")


def _flags(command: str) -> list[str]:
    return [a.option_strings[-1] for a in _single_value_options(command)]


def test_every_single_value_option_is_one_that_refuses_a_second_value() -> None:
    """A new option added as a plain ``store`` would let the last value win again, unsaid."""
    for command in COMMANDS:
        plain = [a.option_strings for a in _single_value_options(command) if not isinstance(a, StoreOnce)]
        assert plain == [], (command, plain)


@pytest.mark.parametrize("flag", _flags("run"))
def test_run_refuses_each_option_given_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str) -> None:
    (action,) = (a for a in _single_value_options("run") if a.option_strings[-1] == flag)
    value = _value(action, tmp_path)
    session = tmp_path / "s.tbsession"
    base = ["run", str(DEMO), "--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
    given = {"--session": 1, "--cards": 1, "--engine": 1, "-k": 1}.get(flag, 0)
    args = [*base, "--session", str(session), *[flag, value] * (2 - given)]
    if flag == "--session":
        args = [*base, "--session", str(session), "--session", str(tmp_path / "other.tbsession")]
    assert main(args) == 3, flag
    err = capsys.readouterr().err
    said = "--shard est donné plusieurs fois" if flag == "--shard" else f"{flag} est donné plusieurs fois"
    assert f"testbench run : {said}" in err, err
    assert "[1/1]" not in err and not session.exists() and not (tmp_path / "other.tbsession").exists()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ([], "testbench merge : -o/--output est donné plusieurs fois : cette option ne prend qu'une valeur ; gardez-en"
         " une seule"),
        (["--lang", "en"], "testbench merge: -o/--output is given more than once: this option takes a single value;"
         " keep only one"),
    ],
)
def test_merge_refuses_a_second_output_naming_both_spellings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: list[str], said: str
) -> None:
    a, b = tmp_path / "a.tbsession", tmp_path / "b.tbsession"
    assert main(["merge", str(DEMO), "-o", str(a), "--output", str(b), *lang]) == 3
    assert said in capsys.readouterr().err.splitlines()
    assert not a.exists() and not b.exists()


@pytest.mark.parametrize("command", ["merge", "report"])
def test_merge_and_report_refuse_each_option_given_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    session = tmp_path / "s.tbsession"  # not there: refused before it is looked for
    for action in _single_value_options(command):
        flag, value = action.option_strings[-1], _value(action, tmp_path)
        output = [] if flag == "--output" else ["-o", str(tmp_path / "out")]
        assert main([command, str(session), *output, flag, value, flag, value]) == 3, flag
        err = capsys.readouterr().err
        assert f"testbench {command} : {flag} est donné plusieurs fois" in err, (flag, err)
        assert "introuvable" not in err and not (tmp_path / "out").exists()


def test_a_repeated_lang_is_refused_in_the_first_one_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.tbsession"
    assert main(["report", str(session), "-o", str(tmp_path / "r"), "--lang", "en", "--lang", "fr"]) == 3
    assert "testbench report: --lang is given more than once" in capsys.readouterr().err


def test_one_value_each_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session, junit = tmp_path / "s.tbsession", tmp_path / "j.xml"
    bench = ["--cards", "inprocess", "--engine", "inprocess", "-k", "id:DEMO-FSE-001"]
    assert main(["run", str(DEMO), "--session", str(session), *bench, "--junit", str(junit)]) == 0
    assert "plusieurs fois" not in capsys.readouterr().err and junit.exists()


def test_a_second_session_is_refused_by_the_real_command_in_english(tmp_path: Path) -> None:
    """The process a person or a CI starts: exit 3, the option named, nothing created."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": "", "TESTBENCH_LANG": ""}
    argv = ["run", str(DEMO), "--session", "a.tbsession", "--cards", "inprocess", "--session", "b.tbsession"]
    proc = subprocess.run(
        [sys.executable, "-m", "testbench", *argv, "--lang", "en"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.splitlines() == [
        "testbench run: --session is given more than once: this option takes a single value; keep only one"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["ui", str(DEMO), "--session", "a.tbsession", "--session", "b.tbsession"], "testbench ui : --session est"),
        (["ui", str(DEMO), "--engine", "inprocess", "--engine", "inprocess"], "testbench ui : --engine est"),
        (["demo", "--headless", "--output", "a", "--output", "b"], "testbench demo : --output est"),
        (["verify", "r", "--session", "a", "--session", "b"], "testbench verify : --session est"),
        (["diff", "a", "b", "--json", "x", "--json", "y"], "testbench diff : --json est"),
        (["validate", str(DEMO), "--max-size", "5", "--max-size", "6"], "testbench validate : --max-size est"),
        (["cover", "s.tbsession", "--sut", "A", "--sut", "B"], "testbench cover : --sut est"),
    ],
)
def test_every_command_refuses_them_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str], said: str
) -> None:
    """Before anything opens or is written: which session, which folder, which name would it be?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(argv) == 3
    assert capsys.readouterr().err.splitlines() == [f"{said} donné plusieurs fois : cette option ne prend qu'une"
                                                    " valeur ; gardez-en une seule"]
    assert list(tmp_path.iterdir()) == []
