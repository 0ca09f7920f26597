"""Every metavar of every sub-command's help is French in French (« --key FICHIER ») and English with
``--lang en`` ("--key FILE"), and so is a positional's name in argparse's errors. The list of metavars is
read from the parsers themselves: a new option with an English metavar fails here."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest

from testbench.cli.main import build_parser, main
from testbench.cli.texts import HelpFormatter, argparse_words
from testbench.i18n import translator, use_language
from testbench.locale import CONTEXT, entries

#: Metavars spelled the same in both languages (a name, an abbreviation, a format): nothing to translate.
SAME_IN_BOTH = frozenset(
    {"DOCUMENT", "EXPR", "GLOB", "ID", "K/N", "MODE", "N", "PLAN", "PORT", "SCRIPT", "SESSION", "SESSION_A",
     "SESSION_B", "SHA256", "SPEC", "TAG", "VERDICT", "VERSION"}
)  # fmt: skip


def commands(parser: argparse.ArgumentParser, path: str = "testbench") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Each parser of the command line (sub-commands, theirs), with its command."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, f"{path} {name}")


def metavars(parser: argparse.ArgumentParser) -> Iterator[tuple[argparse.Action, str]]:
    """Each argument that takes a value and its metavar word(s) as the help shows them (not a choice list)."""
    show = HelpFormatter(parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.nargs == 0:
            continue
        if action.choices is not None and action.metavar is None:
            continue  # « {fr,en} »: the values themselves
        default = action.dest.upper() if action.option_strings else action.dest
        for word in show._metavar_formatter(action, default)(1):
            yield action, word


def every_metavar(lang: str) -> list[tuple[str, argparse.Action, str, str]]:
    """(command, argument, metavar, the command's help) of the whole command line, built in ``lang``."""
    found = []
    with use_language(lang), argparse_words():
        for command, parser in commands(build_parser([])):
            shown = parser.format_help()
            found += [(command, action, word, shown) for action, word in metavars(parser)]
    return found


def test_every_metavar_of_the_french_help_is_french() -> None:
    translated = {k.partition(CONTEXT)[2] for k in entries("testbench", "en") if k.startswith("metavar" + CONTEXT)}
    found = every_metavar("fr")
    assert len(found) > 100 and {"FICHIER", "DOSSIER", "LECTEUR", "CAHIER"} <= {word for _, _, word, _ in found}
    not_french = sorted({(command, word) for command, _, word, _ in found if word not in translated | SAME_IN_BOTH})
    assert not_french == []
    for command, action, word, shown in found:
        invocation = f"{action.option_strings[-1]} {word}" if action.option_strings else word
        assert invocation in shown, (command, invocation)
    assert {word for _, _, word, _ in found} >= SAME_IN_BOTH  # the list names no word the help no longer shows


def test_every_metavar_of_the_english_help_is_english() -> None:
    to_english = translator("en", "metavar")
    french = {(command, action.dest): word for command, action, word, _ in every_metavar("fr")}
    for command, action, word, shown in every_metavar("en"):
        assert word == to_english(french[command, action.dest]), (command, word)
        assert word in SAME_IN_BOTH or word not in {w for w in french.values()}, (command, word)
        invocation = f"{action.option_strings[-1]} {word}" if action.option_strings else word
        assert invocation in shown, (command, invocation)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["review"], "arguments obligatoires manquants : SESSION, CAS, --reason"),
        (["review", "--lang", "en"], "the following arguments are required: SESSION, CASE, --reason"),
        (["cards", "replay"], "arguments obligatoires manquants : FICHIER"),
        (["--lang", "en", "cards", "replay"], "the following arguments are required: FILE"),
    ],
)
def test_a_missing_positional_is_named_in_the_language_of_the_help(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 3
    assert capsys.readouterr().err.strip().endswith(said)
