"""``testbench engine``: serve the reference engine over stdio, check an engine's protocol conformance."""

from __future__ import annotations

import argparse
import sys

from testbench.i18n import LANGUAGES, translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.runner.options import positive_seconds


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("engine", help="moteurs de facturation : service JSON-RPC, conformité")
    sub = parser.add_subparsers(dest="engine_command")

    serve = sub.add_parser("serve", help="servir le moteur de référence en JSON-RPC 2.0 sur stdin/stdout")
    serve.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    serve.set_defaults(func=_serve)

    check = sub.add_parser(
        "check",
        help="vérifier qu'une commande de moteur respecte le protocole",
        description="Exemple : testbench engine check -- python -m testbench engine serve",
    )
    check.add_argument(
        "--timeout",
        type=positive_seconds,
        default=5.0,
        metavar="SECONDES",
        help="délai par appel, en secondes (défaut 5)",
    )
    check.add_argument("--json", action="store_true", help="rapport JSON au lieu du texte")
    check.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    check.add_argument("engine_argv", nargs=argparse.REMAINDER, metavar="COMMANDE", help="-- COMMANDE [ARGUMENTS…]")
    check.set_defaults(func=_check)

    parser.set_defaults(func=lambda args: (parser.print_help(), EXIT_USAGE)[1])


def _serve(args: argparse.Namespace) -> int:
    from testbench.engines.protocol.server import serve_stdio

    return serve_stdio()


def _check(args: argparse.Namespace) -> int:
    from testbench.engines.protocol.conformance import run_checks

    argv = list(args.engine_argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    t = translator(args.lang)
    if not argv:
        print(f"testbench engine check: {t('indiquez la commande du moteur après --')}", file=sys.stderr)
        return EXIT_USAGE
    report = run_checks(argv, timeout=args.timeout)
    print(report.as_json() if args.json else report.as_text(args.lang))
    if report.unavailable:
        return EXIT_ENVIRONMENT
    return EXIT_OK if report.ok else EXIT_FAILED
