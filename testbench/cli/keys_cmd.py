"""``testbench keys``: the report signer's Ed25519 key pair (the work: :mod:`testbench.tools.keys`, which the
workstation's « Clé de signature » calls too)."""

from __future__ import annotations

import argparse

from testbench.i18n import LANGUAGES
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import PathValue


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="clés de signature des rapports (Ed25519)")
    keys_sub = keys.add_subparsers(dest="keys_command")
    init = keys_sub.add_parser("init", help="créer la paire de clés du signataire")
    init.add_argument(
        "--key",
        type=PathValue("--key"),
        default=None,
        metavar="FICHIER",
        help="clé privée à créer, sa clé publique (.pub) à côté (défaut : $TESTBENCH_SIGNING_KEY, sinon"
        " testbench/signing-key.pem dans $XDG_CONFIG_HOME ou ~/.config, dans APPDATA sous Windows)",
    )
    init.add_argument("--force", action="store_true", help="remplacer une clé existante")
    init.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    init.set_defaults(func=cmd_init)
    show = keys_sub.add_parser("show", help="afficher la clé publique et son empreinte")
    show.add_argument(
        "--key",
        type=PathValue("--key"),
        default=None,
        metavar="FICHIER",
        help="clé privée, ou clé publique (.pub), dont montrer la clé publique (défaut : $TESTBENCH_SIGNING_KEY,"
        " sinon testbench/signing-key.pem dans $XDG_CONFIG_HOME ou ~/.config, dans APPDATA sous Windows)",
    )
    show.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    show.set_defaults(func=cmd_show)
    keys.set_defaults(func=lambda args: (keys.print_help(), EXIT_USAGE)[1])


def cmd_init(args: argparse.Namespace) -> int:
    from testbench.tools.keys import keys_init_tool

    return keys_init_tool(args.key, force=args.force).print("keys", args.lang)


def cmd_show(args: argparse.Namespace) -> int:
    from testbench.tools.keys import keys_show_tool

    return keys_show_tool(args.key).print("keys", args.lang)
