"""The ``testbench`` command line: one sub-command per job, documented exit codes.

Exit codes: 0 all passed; 1 some case failed; 2 an inconclusive or error verdict is present
(environment or bench fault); 3 invalid input or usage.

Language: French by default, English with ``--lang en`` (anywhere on the line, read before parsing
so that argparse's own words and every help text follow it) or ``TESTBENCH_LANG=en``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from testbench.cli.texts import HelpFormatter, argparse_word, argparse_words
from testbench.i18n import LANGUAGES, translator, use_language
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE

#: Modules that add sub-commands; each has ``register(subparsers)`` and sets ``func`` on its parser.
COMMAND_MODULES = (
    "testbench.cli.casebook_cmd",
    "testbench.cli.run_cmd",
    "testbench.cli.demo_cmd",
    "testbench.cli.report_cmd",
    "testbench.cli.ui_cmd",
    "testbench.cli.cards_cmd",
    "testbench.cli.engine_cmd",
    "testbench.cli.keys_cmd",
    "testbench.cli.verify_cmd",
    "testbench.cli.review_cmd",
    "testbench.cli.diff_cmd",
    "testbench.cli.merge_cmd",
    "testbench.cli.sut_cmd",
    "testbench.cli.import_cmd",
    "testbench.cli.services_cmd",
    "testbench.cli.coverage_cmd",
    "testbench.cli.new_cmd",
    "testbench.cli.export_cmd",
)


class _Parser(argparse.ArgumentParser):
    """Help in the active language (testbench.cli.texts); usage errors exit 3, not argparse's 2."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        text = argparse_word("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
        sys.stderr.write(text)
        raise SystemExit(EXIT_USAGE)


def requested_language(argv: Sequence[str]) -> str | None:
    """``--lang X`` or ``--lang=X`` anywhere before ``--``: known before parsing, so parsing speaks it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, its words in the active language (group titles are set at construction)."""
    with argparse_words():
        parser = _Parser(prog="testbench", description="Banc de test pour l'agrément SESAM-Vitale (CNDA).")
        parser.add_argument("--version", action="store_true", help="afficher la version et quitter")
        parser.add_argument(
            "--lang",
            choices=LANGUAGES,
            default=None,
            help="langue des messages : fr (défaut) ou en ; aussi TESTBENCH_LANG",
        )
        sub = parser.add_subparsers(dest="command", parser_class=_Parser)
        for name in COMMAND_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = requested_language(argv)
    with use_language(lang), argparse_words():
        return _main(argv, lang)


def _main(argv: list[str], lang: str | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if lang in LANGUAGES and getattr(args, "lang", None) is None:
        args.lang = lang  # ``testbench --lang en report …``: the sub-command's own --lang defaulted to None
    if args.version:
        from testbench import __version__

        print(__version__)
        return EXIT_OK
    func = getattr(args, "func", None)
    if func is None:
        if args.command is None and sys.stdin.isatty() and sys.stdout.isatty():
            from testbench.cli.ui_cmd import default_ui

            return default_ui(args)  # a bare ``testbench`` opens the workstation
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(func(args))
    except KeyboardInterrupt:
        print(translator()("interrompu"), file=sys.stderr)
        return EXIT_ENVIRONMENT


if __name__ == "__main__":
    raise SystemExit(main())
