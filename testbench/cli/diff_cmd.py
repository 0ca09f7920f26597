"""``testbench diff``: compare two sessions; new failures first; exit 1 on a regression (CI gate).

Exit codes: 0 no regression (a case passing in B only because B's casebook removed or rewrote what A failed is
none: said apart, never as a fix); 1 at least one regression (a case failing now that did not before), or with
``--fail-on-absent`` a case of A that B does not have or did not run; 2 a session whose journal does not
verify (compared, warned, no evidence), or a full or failing disk (nothing written: each file is written
whole or not at all); 3 usage (a session cannot be read, one file given twice, no case in common, a file
cannot be written there).
The work is :func:`testbench.tools.diff.diff_tool`, which the workstation's « Comparer » calls too.
"""

from __future__ import annotations

import argparse

from testbench.runner.options import FileValue, PathValue


def context_lines(text: str) -> int:
    """``--context`` as argparse's type: a whole number of lines from 0 to ``tools.diff.MAX_CONTEXT``, else a
    usage error in the person's language (:func:`testbench.tools.diff.context_problem`, the one rule)."""
    from testbench.i18n import translator
    from testbench.tools.diff import context_problem

    problem = context_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem(translator(), None))
    return int(text)


def register(sub: argparse._SubParsersAction) -> None:
    diff = sub.add_parser("diff", help="comparer deux sessions (verdicts, montants, traces normalisées)")
    diff.add_argument(
        "session_a", type=PathValue("SESSION_A"), metavar="SESSION_A", help="référence (version précédente)"
    )
    diff.add_argument("session_b", type=PathValue("SESSION_B"), metavar="SESSION_B", help="session à juger")
    diff.add_argument(
        "--html",
        type=FileValue("--html", "comparaison.html"),
        metavar="FICHIER",
        help="écrire aussi la comparaison en HTML",
    )
    diff.add_argument(
        "--json",
        type=FileValue("--json", "comparaison.json"),
        metavar="FICHIER",
        help="écrire aussi la comparaison en JSON",
    )
    diff.add_argument("--all", action="store_true", help="lister aussi les cas identiques")
    diff.add_argument("--context", type=context_lines, default=1, metavar="N", help="lignes de contexte des traces")
    diff.add_argument(
        "--fail-on-absent",
        action="store_true",
        help="sortir en 1 si des cas de SESSION_A manquent dans SESSION_B ou n'y sont pas exécutés",
    )
    diff.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    diff.set_defaults(func=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    from testbench.tools.diff import diff_tool

    result = diff_tool(
        args.session_a,
        args.session_b,
        html=args.html,
        json_file=args.json,
        show_same=args.all,
        context=args.context,
        lang=args.lang,
        fail_on_absent=args.fail_on_absent,
    )
    return result.print("diff", args.lang)
