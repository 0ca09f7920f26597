"""The ``testbench`` command line: one sub-command per job, documented exit codes.

Exit codes: 0 all passed; 1 some case failed; 2 an inconclusive or error verdict is present
(environment or bench fault); 3 invalid input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ENVIRONMENT = 2
EXIT_USAGE = 3

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
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 3, not argparse's 2
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="testbench", description="Banc de test pour l'agrément SESAM-Vitale (CNDA).")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
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
    parser = build_parser()
    args = parser.parse_args(argv)
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
        print("interrompu", file=sys.stderr)
        return EXIT_ENVIRONMENT


if __name__ == "__main__":
    raise SystemExit(main())
