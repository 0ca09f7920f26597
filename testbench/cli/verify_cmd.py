"""``testbench verify``: check a report folder (manifest, signature, journal chain) or a session file, offline.

The verdict word is printed on standard output with the lines it concludes, so a saved log is complete.
Exit codes: 0 intact (an unsigned report is said to be unsigned: intact, authenticity not proven);
1 something changed (each change is named), a signature required (``--require-signature``, ``--key``) is
missing, the book is signed by another key than ``--key``'s, or ``--session`` names another session than the
report's;
3 usage (no such folder or file).
"""

from __future__ import annotations

import argparse

from testbench.runner.options import PathValue


def register(sub: argparse._SubParsersAction) -> None:
    verify = sub.add_parser("verify", help="vérifier l'intégrité d'un dossier de rapport ou d'une session")
    verify.add_argument(
        "path",
        type=PathValue("RAPPORT|SESSION"),
        metavar="RAPPORT|SESSION",
        help="dossier d'un rapport, ou fichier de session ; une session seule n'est vérifiée qu'en interne : une"
        " chaîne recalculée en entier ou une fin coupée ne se voient que contre un rapport signé (--session)",
    )
    verify.add_argument("--key", type=PathValue("--key"), metavar="FICHIER", help="clé publique attendue du signataire")
    verify.add_argument(
        "--session",
        type=PathValue("--session"),
        metavar="SESSION",
        help="vérifier aussi que le rapport vient de cette session, ni coupée ni réécrite depuis",
    )
    verify.add_argument("--require-signature", action="store_true", help="refuser un rapport non signé")
    # kept for the scripts that pass it: an unsigned report is no longer refused by default
    verify.add_argument("--allow-unsigned", action="store_true", help=argparse.SUPPRESS)
    verify.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    verify.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from testbench.tools.verify import verify_tool

    checked = verify_tool(args.path, key=args.key, session=args.session, require_signature=args.require_signature)
    return checked.print("verify", args.lang)
