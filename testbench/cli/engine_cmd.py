"""``testbench engine``: serve the reference engine over stdio, check an engine's protocol conformance."""

from __future__ import annotations

import argparse
import os

from testbench import cmdline
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


def _names_a_file(word: str) -> bool:
    """Whether ``word`` is the path of a file as it stands, or on Windows with an extension of ``PATHEXT`` (the
    prompt runs ``C:\\Program Files\\Editeur\\moteur`` as ``moteur.exe``): the engine's program, whose
    blanks are its name's, not a command line's (``engine check -- "/opt/mon moteur/moteur.sh"``)."""
    if os.path.isfile(word):
        return True
    if not cmdline.on_windows():
        return False
    from testbench.engines.protocol.program import DEFAULT_PATHEXT

    extensions = (os.environ.get("PATHEXT") or DEFAULT_PATHEXT).split(";")
    return any(os.path.isfile(word + ext.strip().lower()) for ext in extensions if ext.strip())  # names ignore case


def _check(args: argparse.Namespace) -> int:
    from testbench.tools.engine import engine_check_tool
    from testbench.tools.result import ToolResult

    argv = list(args.engine_argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if len(argv) == 1 and any(blank in argv[0] for blank in " \t") and not _names_a_file(argv[0]):
        # `-- "python3 eng.py"`, split as run --engine splits its one string; a file's path stays whole
        text = argv[0]
        try:
            argv = cmdline.split(text)
        except ValueError:
            said = "commande du moteur illisible (guillemet ou « \\ » sans fin) : {engine}"  # run --engine's words
            unreadable = ToolResult().fail(EXIT_USAGE, lambda t, _lang: t(said).format(engine=text))
            return unreadable.print("engine check", args.lang)
    result = engine_check_tool(argv, timeout=args.timeout, as_json=args.json, engine_cards=args.engine_cards)
    return result.print("engine check", args.lang)
