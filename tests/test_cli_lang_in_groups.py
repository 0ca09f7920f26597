"""``--lang en`` anywhere on the line, as README § Usage says: between a command group and its sub-command too
(``testbench cards --lang en list`` took « en » for a command), and every group's help lists it."""

from __future__ import annotations

import argparse

import pytest

from testbench.cli.main import build_parser, main

GROUPS = ("cards", "keys", "engine", "sut", "services", "new")


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_and_subcommand_takes_lang(group: str) -> None:
    parser = build_parser([group])
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    group_parser = commands.choices[group]
    assert "--lang" in group_parser._option_string_actions
    (subs,) = [a for a in group_parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, sub in subs.choices.items():
        assert "--lang" in sub._option_string_actions, name


def test_lang_between_keys_and_show_speaks_english(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    code = main(["keys", "--lang", "en", "show"])
    err = capsys.readouterr().err
    assert code == 3 and "is not a command" not in err
    assert "signing key unreadable" in err
