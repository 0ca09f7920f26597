"""Every path argument of every sub-command refuses an empty value (a CI variable not set) as ``report ''`` does,
exit 3, never reading it as « . », the current folder: ``diff``, ``import``, ``new``, ``sut``, ``ui``, ``demo``,
``keys`` and ``cards`` included. The walk finds each argument whose type makes a path, so a path argument added
later with ``type=Path`` is caught here."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_empty_path_options import EMPTY

from testbench.cli.main import build_parser, main

#: the metavars and destinations that name a file or a folder: an argument so named must be path-typed
PATH_METAVARS = {"FICHIER", "DOSSIER", "SESSION", "CAHIER", "PROFIL", "PLAN", "DOCUMENT", "CORRESPONDANCE", "SCRIPT"}
PATH_DESTS = {"session", "output", "casebook", "casebooks", "profile", "key", "file", "document", "mapping"}
#: named so but no path: ``sut init``'s folders are texts written into the profile (left empty they are not given,
#: « ce qui n'est pas donné reste vide », never a folder read as « . »); ``review --casebook`` is a fingerprint
TEXT_FIELDS = {("sut", "init", "fse"), ("sut", "init", "lots"), ("sut", "init", "returns"), ("review", "casebook")}


def arguments(
    parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.Action]]:
    """(the sub-command's words, an argument) for every argument of every sub-command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                yield from arguments(command, (*words, name))
        elif action.nargs != 0 and not isinstance(action, argparse._HelpAction):
            yield words, action


def makes_a_path(action: argparse.Action, folder: Path) -> bool:
    """Whether the argument's type turns a text into a path (tried on an existing folder)."""
    if not callable(action.type):
        return False
    try:
        return isinstance(action.type(str(folder)), Path)
    except (argparse.ArgumentTypeError, ValueError, TypeError):
        return False


def test_every_path_argument_refuses_an_empty_value(tmp_path: Path) -> None:
    walked = list(arguments(build_parser([])))
    paths = [(words, action) for words, action in walked if makes_a_path(action, tmp_path)]
    assert len(paths) > 40  # the walk reached every sub-command
    for words, action in paths:
        name = max(action.option_strings, key=len) if action.option_strings else action.metavar
        with pytest.raises(argparse.ArgumentTypeError) as refused:
            action.type("")
        assert str(refused.value) == f"{name} {EMPTY}", (words, action.dest)
        with pytest.raises(argparse.ArgumentTypeError):
            action.type("  ")


def test_an_argument_named_as_a_path_is_path_typed(tmp_path: Path) -> None:
    untyped = [
        (words, action.dest)
        for words, action in arguments(build_parser([]))
        if (action.metavar in PATH_METAVARS or action.dest in PATH_DESTS)
        and (*words, action.dest) not in TEXT_FIELDS
        and not makes_a_path(action, tmp_path)
    ]
    assert untyped == []


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["diff", "", "x.tbsession"], "SESSION_A"),
        (["diff", "a.tbsession", "b.tbsession", "--html", ""], "--html"),
        (["import", "", "--mapping", "m.toml", "-o", "out.xml"], "DOCUMENT"),
        (["import", "d.xlsx", "--mapping", "", "-o", "out.xml"], "--mapping"),
        (["new", "case", "--domain", "fse", "--id", "X-1", "--casebook", ""], "--casebook"),
        (["new", "case", "--domain", "fse", "--id", "X-1", "-o", ""], "--output"),
        (["ui", "", "--session", "s.tbsession"], "CAHIER"),
        (["ui", "c.xml", "--session", ""], "--session"),
        (["sut", "check", ""], "PROFIL"),
        (["sut", "init", "--output", "", "--yes", "--name", "x"], "--output"),
        (["demo", "--headless", "--output", ""], "--output"),
        (["keys", "init", "--key", ""], "--key"),
        (["keys", "show", "--key", ""], "--key"),
        (["cards", "emulate", ""], "PROFIL"),
        (["cards", "record", "--out", ""], "--out"),
        (["cards", "replay", "", "--export-scriptor", "x.txt"], "FICHIER"),
        (["run", "c.xml", "--session", "s.tbsession", "--engine", "operator", "--watch", ""], "--watch"),
    ],
)
def test_the_command_says_the_empty_path_and_writes_nothing(
    command: list[str], name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(command)
    assert exited.value.code == 3
    assert f" : {name} {EMPTY}\n" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_empty_path_is_said_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main(["diff", "a.tbsession", "", "--lang", "en"])
    assert "argument SESSION_B: SESSION_B is empty (a CI variable not set?): a path expected" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["validate", ""], "argument CASEBOOK: CASEBOOK is empty"),
        (["sut", "check", ""], "argument PROFILE: PROFILE is empty"),
        (["verify", ""], "argument REPORT_DIR|SESSION: REPORT_DIR|SESSION is empty"),
    ],
)
def test_a_positional_is_named_in_english_as_its_usage_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    """The name repeated in the sentence is the metavar in the reader's language, as argparse's prefix says it
    (« CASEBOOK: CAHIER is empty » mixed the two)."""
    os.chdir(tmp_path)
    with pytest.raises(SystemExit):
        main([*argv, "--lang", "en"])
    assert said in capsys.readouterr().err
