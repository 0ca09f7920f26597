"""``testbench engine``: serve the reference engine over stdio, check an engine's protocol conformance."""

from __future__ import annotations

import argparse

from testbench.i18n import LANGUAGES
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import ENGINE_CARDS, positive_seconds


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
    check.add_argument(
        "--engine-cards",
        choices=ENGINE_CARDS,
        default="client",
        help="où le moteur lit les cartes de test du kit : client (défaut), pcsc, profiles, none",
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
    from testbench.tools.engine import engine_check_tool

    result = engine_check_tool(
        args.engine_argv, timeout=args.timeout, as_json=args.json, engine_cards=args.engine_cards
    )
    return result.print("engine check", args.lang)
