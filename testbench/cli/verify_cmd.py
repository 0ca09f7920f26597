"""``testbench verify``: check a report folder (manifest, signature, journal chain) or a session file, offline.

The verdict word is printed on standard output with the lines it concludes, so a saved log is complete.
Exit codes: 0 intact (an unsigned report is said to be unsigned: intact, authenticity not proven);
1 something changed (each change is named), or ``--session`` names another session than the report's;
3 usage (no such folder or file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.runner.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    verify = sub.add_parser("verify", help="vérifier l'intégrité d'un dossier de rapport ou d'une session")
    verify.add_argument("path", type=Path, metavar="RAPPORT|SESSION")
    verify.add_argument("--key", type=Path, metavar="FICHIER", help="clé publique attendue du signataire")
    verify.add_argument(
        "--session", type=Path, metavar="SESSION", help="vérifier aussi que le rapport vient de cette session"
    )
    verify.add_argument("--require-signature", action="store_true", help="refuser un rapport non signé")
    # kept for the scripts that pass it: an unsigned report is no longer refused by default
    verify.add_argument("--allow-unsigned", action="store_true", help=argparse.SUPPRESS)
    verify.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    verify.set_defaults(func=cmd_verify)


def cmd_verify(args: argparse.Namespace) -> int:
    from testbench.fmt import os_reason
    from testbench.i18n import translator
    from testbench.integrity.verify import VerifyUsageError, verdict_lines, verify_report, verify_session
    from testbench.signing import SigningKeyError, load_public

    t = translator(args.lang)  # the checks say it in French; each line is read in the command's language
    trusted = None
    if args.key:
        try:
            trusted = load_public(args.key)
        except (OSError, SigningKeyError, ValueError) as exc:
            if isinstance(exc, OSError):
                reason = os_reason(exc, t)
            elif isinstance(exc, SigningKeyError):
                reason = t(str(exc))
            else:  # not base64
                reason = t("ni une clé publique en base64 ni une clé privée PEM")
            unreadable = t("clé illisible ({reason})").format(reason=reason)
            print(f"testbench verify: {args.key}: {unreadable}", file=sys.stderr)
            return EXIT_USAGE
    try:
        if args.path.is_dir():
            result = verify_report(
                args.path, trusted=trusted, session=args.session, allow_unsigned=not args.require_signature
            )
        elif args.path.is_file():
            result = verify_session(args.path)
        else:
            print(f"testbench verify: {args.path}: {t('introuvable')}", file=sys.stderr)
            return EXIT_USAGE
    except VerifyUsageError as exc:
        print(f"testbench verify: {t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    for line in verdict_lines(result, t):
        print(line)  # the verdict last, on the stream of its lines: a saved log holds it
    return EXIT_OK if result.ok else EXIT_FAILED
