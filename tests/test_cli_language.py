"""One language at a time on the command line: argparse's own words and every help text."""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import make_case

from testbench.cli.main import build_parser, main, requested_language
from testbench.cli.progress import Progress
from testbench.cli.texts import ARGPARSE_FR, cli_translator, help_english
from testbench.domain.verdict import Outcome, Verdict
from testbench.i18n import use_language
from testbench.runner.events import CaseFinished

ENGLISH_WORDS = ("usage:", "positional arguments", "options:", "show this help message", "error:", "required:")
FRENCH_WORDS = ("usage :", "arguments positionnels", "options :", "afficher cette aide", "erreur :", "obligatoires")


def sub_parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from sub_parsers(child, (*path, name))


def own_texts(p: argparse.ArgumentParser) -> set[str]:
    """A parser's own help texts (argparse's -h line is argparse's word, checked on its own)."""
    texts = {s for s in (p.description, p.epilog) if s}
    for action in p._actions:
        if action.help and action.help is not argparse.SUPPRESS and not isinstance(action, argparse._HelpAction):
            texts.add(action.help)
        if isinstance(action, argparse._SubParsersAction):
            texts |= {c.help for c in action._choices_actions if c.help}
    return texts


def help_texts(parser: argparse.ArgumentParser) -> set[str]:
    return {s for _, p in sub_parsers(parser) for s in own_texts(p)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_help_page_speaks_one_language(lang: str, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    absent = ENGLISH_WORDS if lang == "fr" else FRENCH_WORDS
    t = cli_translator(lang)
    for path, parser in sub_parsers(build_parser()):
        argv = [*path, "--help"] + (["--lang", "en"] if lang == "en" else [])
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        out = capsys.readouterr().out
        found = [w for w in absent if w in out]
        assert not found, (path, found)
        assert ("usage : " if lang == "fr" else "usage: ") in out
        flat = "".join(out.split())  # without the line wrapping
        for text in own_texts(parser):  # each help text of the page, in the language asked for
            assert "".join(t(text).split()) in flat, (path, t(text))


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["report"], "testbench report : erreur : arguments obligatoires manquants : SESSION, -o/--output"),
        (["--lang", "en", "report"], "testbench report: error: the following arguments are required: SESSION"),
        (["report", "s", "-o", "d", "--excerpt", "x"], "argument --excerpt : « x » n'est pas un nombre entier"),
        (["report", "s", "-o", "d", "--excerpt", "x", "--lang=en"], "argument --excerpt: “x” is not a whole number"),
        (["nimporte"], "« nimporte » n'est pas une commande de testbench (commandes : validate, run,"),
    ],
)
def test_usage_errors_in_the_language_asked(argv, expected, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TESTBENCH_LANG", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 3
    err = capsys.readouterr().err
    assert expected in err
    assert not [w for w in (ENGLISH_WORDS if "en" not in " ".join(argv) else FRENCH_WORDS) if w in err]


def test_testbench_lang_environment_variable(capsys, monkeypatch) -> None:
    monkeypatch.setenv("TESTBENCH_LANG", "en")
    with pytest.raises(SystemExit):
        main(["keys", "--help"])
    assert "show this help message and exit" in capsys.readouterr().out


def test_argparse_is_left_as_it_was() -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert vars(argparse)["_"] is gettext.gettext and vars(argparse)["ngettext"] is gettext.ngettext


def test_lang_is_read_before_parsing() -> None:
    assert requested_language(["run", "cb.xml", "--lang", "en"]) == "en"
    assert requested_language(["--lang=en", "report"]) == "en"
    assert requested_language(["engine", "check", "--", "x", "--lang", "en"]) is None


def test_every_argparse_message_has_its_french() -> None:
    """argparse's own messages, read from its source: a Python upgrade that adds one shows here."""
    msgids: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(argparse))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            msgids |= {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert sorted(msgids - set(ARGPARSE_FR)) == []


def test_every_option_and_argument_is_explained() -> None:
    """``--help`` explains every option and argument of every command (« --engine-timeout SECONDES » alone
    explained nothing); the test above then checks each explanation has its English."""
    unexplained: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")
            elif not isinstance(action, argparse._HelpAction) and not (action.help or "").strip():
                unexplained.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "testbench")
    assert unexplained == []


def test_every_subcommand_takes_lang() -> None:
    """``--lang en`` after any command: ``cards emulate`` and ``cards replay`` refused it (« unrecognized »)."""
    lacking: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        for action in subs:
            for name, sub in action.choices.items():
                walk(sub, f"{path} {name}")
        if not subs and "--lang" not in parser._option_string_actions:
            lacking.append(path)

    walk(build_parser(), "testbench")
    assert lacking == []


def test_every_help_text_has_its_english() -> None:
    same_in_both = {"options"}
    missing = sorted(s for s in help_texts(build_parser()) if cli_translator("en")(s) == s and s not in same_in_both)
    assert missing == []
    unused = sorted(set(help_english()) - help_texts(build_parser()))
    assert unused == []  # an entry whose French changed would silently stop translating


@pytest.mark.parametrize(("lang", "words"), [("fr", " : échec — montant"), ("en", ": failed — amount")])
def test_run_progress_speaks_the_command_language(lang: str, words: str) -> None:
    out = io.StringIO()
    with use_language(lang):
        progress = Progress(out)
    progress(CaseFinished(make_case("KO-1", ()), 0, 1, Outcome(Verdict.FAIL, "montant"), 1))
    assert out.getvalue() == f"[1/1] KO-1{words}\n"  # English typography: no space before the colon
    assert progress.counts_text() == ("échec 1" if lang == "fr" else "failed 1")
