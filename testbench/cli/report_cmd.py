"""``testbench report``: rebuild a session's report from the session file alone."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.cli.main import EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="construire le rapport d'une session")
    report.add_argument("session", type=Path, metavar="SESSION")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    report.add_argument("--junit", type=Path, metavar="FILE", help="écrire aussi un rapport JUnit XML")
    report.add_argument("--lang", choices=("fr", "en"), default=None)
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from testbench.report.html import write_report
    from testbench.report.junit import write_junit
    from testbench.store.session import SessionError

    try:
        target = write_report(args.session, args.output, lang=args.lang or "fr")
        if args.junit:
            write_junit(args.session, args.junit)
    except SessionError as exc:
        print(f"testbench report: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(target)
    return EXIT_OK
