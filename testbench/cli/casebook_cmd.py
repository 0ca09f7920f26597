"""``testbench validate``: check casebooks (schema + semantic rules) without running anything.

Exit 0 when every file is valid (one summary line per file on stdout), 3 when any problem is found
(every ``file:line:col: message`` on stderr). Bad input never produces a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import LANGUAGES, default_language, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser(
        "validate",
        help="valider des cahiers de tests (schéma et règles), sans rien exécuter",
        description="Valide chaque cahier de tests et signale chaque problème sous la forme fichier:ligne:colonne.",
    )
    validate.add_argument("casebooks", nargs="+", type=Path, metavar="CASEBOOK")
    validate.add_argument(
        "--max-size",
        type=float,
        default=None,
        metavar="MO",
        help="taille maximale d'un fichier en mégaoctets (défaut : 20)",
    )
    validate.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    validate.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    from testbench.casebook.loader import CaseIds, LoadLimits, check_casebook

    lang = args.lang or default_language()
    t = translator(lang)
    limits = LoadLimits()
    if args.max_size is not None:
        if args.max_size <= 0:
            print(f"testbench validate: {t('--max-size doit être positif')}", file=sys.stderr)
            return EXIT_USAGE
        limits = LoadLimits(max_bytes=int(args.max_size * 1024 * 1024), max_depth=limits.max_depth)
    failed = 0
    case_ids = CaseIds()
    for path in args.casebooks:
        casebook, problems = check_casebook(path, limits)
        if casebook is not None:
            problems.extend(case_ids.add(casebook))
        if problems:
            failed += 1
            for problem in problems:
                print(problem.text(lang), file=sys.stderr)
            continue
        assert casebook is not None
        ident = casebook.identity
        print(
            t("{path} : valide — {plan} {evolution} v{version}, {count} cas, sha256 {digest}").format(
                path=path,
                plan=ident.plan_id,
                evolution=ident.evolution,
                version=ident.document_version,
                count=len(casebook.cases),
                digest=casebook.sha256[:12],
            )
        )
    if failed:
        total = len(args.casebooks)
        print(t("{failed} cahier(s) sur {total} invalide(s)").format(failed=failed, total=total), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
