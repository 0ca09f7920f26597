"""``testbench diff``: compare two sessions; new failures first; exit 1 on a regression (CI gate).

Exit codes: 0 no regression; 1 at least one regression (a case failing now that did not before);
3 usage (a session cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import translator
from testbench.runner.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    diff = sub.add_parser("diff", help="comparer deux sessions (verdicts, montants, traces normalisées)")
    diff.add_argument("session_a", type=Path, metavar="SESSION_A", help="référence (version précédente)")
    diff.add_argument("session_b", type=Path, metavar="SESSION_B", help="session à juger")
    diff.add_argument("--html", type=Path, metavar="FICHIER", help="écrire aussi la comparaison en HTML")
    diff.add_argument("--json", type=Path, metavar="FICHIER", help="écrire aussi la comparaison en JSON")
    diff.add_argument("--all", action="store_true", help="lister aussi les cas identiques")
    diff.add_argument("--context", type=int, default=1, metavar="N", help="lignes de contexte des traces")
    diff.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    diff.set_defaults(func=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    import json

    from testbench.report.diff import diff_sessions, to_html, to_json, to_text
    from testbench.store.connection import SessionError

    try:
        result = diff_sessions(args.session_a, args.session_b, trace_context=max(args.context, 0))
    except SessionError as exc:
        print(f"testbench diff: {translator(args.lang)(str(exc))}", file=sys.stderr)  # said in French
        return EXIT_USAGE
    sys.stdout.write(to_text(result, show_same=args.all, lang=args.lang))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(to_html(result, args.lang), encoding="utf-8")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = to_json(result, args.lang)
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return EXIT_FAILED if result.regressions else EXIT_OK
