"""``testbench services serve``: the simulated téléservices (ADRi, ApCV, INSi, e-prescription) on loopback."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import IO

from testbench.i18n import LANGUAGES
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import port_number


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("services", help="téléservices simulés : ADRi, ApCV, INSi, e-prescription")
    sub = parser.add_subparsers(dest="services_command")
    serve = sub.add_parser(
        "serve",
        help="servir les téléservices simulés en HTTP sur la boucle locale",
        description="Écrit d'abord le port choisi (une ligne JSON), puis une ligne JSON par échange ; "
        "s'arrête quand son stdin, un tube, se ferme (un terminal, un fichier ou /dev/null ne sont pas lus), "
        "ou sur Ctrl-C ou SIGTERM.",
    )
    serve.add_argument("--port", type=port_number, default=0, help="port d'écoute (0 : choisi par le système)")
    serve.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    serve.set_defaults(func=_serve)
    parser.set_defaults(func=lambda args: (parser.print_help(), EXIT_USAGE)[1])


def _serve(args: argparse.Namespace) -> int:
    from testbench.services.serve import serve

    return serve(port=args.port, stdin=_stop_signal(sys.stdin.buffer))


def _stop_signal(stdin: IO[bytes]) -> IO[bytes] | None:
    """stdin when its end means « stop »: a pipe, as the bench gives (it closes it to stop the server). Any other
    stdin is not read, and the server serves until Ctrl-C or SIGTERM: /dev/null or a file (a CI script's « & »)
    end at once, and a terminal stops a server started in the background with « & » that reads it (SIGTTIN),
    every call to it then hanging."""
    try:
        mode = os.fstat(stdin.fileno()).st_mode
    except (OSError, ValueError):  # closed, or no descriptor: nothing to watch
        return None
    return stdin if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else None
