"""``testbench coverage``: an exam plan's scope read against a session — per requirement, per domain,
what is not covered, and « prêt pour le pré-examen ».

Exit codes: 0 ready; 1 not ready (a case in scope not passed nor accepted, never run, or a casebook of
the plan missing); 2 the session is altered (its journal chain does not verify: « prêt » off, as ``report`` and
``diff`` say it); 3 usage (no plan, an invalid plan, an unreadable session). A session a run still writes is
read as it stands, said on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.i18n import _t, colon, translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.runner.options import PathValue

if TYPE_CHECKING:
    from testbench.runner.options import CampaignOptions

FORMAT = "testbench-coverage/1"

#: a session a run still writes (as ``merge`` finds it): its cases not run yet read « jamais exécuté »
STILL_WRITTEN = _t(
    "ATTENTION : {path} : session encore ouverte en écriture par un autre processus (pid {pid} sur {host}) : la"
    " couverture ne montre que les cas déjà exécutés"
)


def register(sub: argparse._SubParsersAction) -> None:
    cov = sub.add_parser("coverage", help="couverture du plan d'examen par une session, prêt pour le pré-examen")
    cov.add_argument("session", type=PathValue("SESSION"), metavar="SESSION", help="fichier de session (.tbsession)")
    cov.add_argument(
        "--plan",
        type=PathValue("--plan"),
        default=None,
        metavar="PLAN",
        help="plan d'examen (TOML) ; défaut : celui de la session",
    )
    cov.add_argument("--format", choices=("text", "json"), default="text", help="texte (défaut) ou JSON")
    cov.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    cov.set_defaults(func=cmd_coverage)


def cmd_coverage(args: argparse.Namespace) -> int:
    from testbench.scope.coverage import session_coverage
    from testbench.scope.plan import PlanError
    from testbench.scope.text import ALTERED, coverage_text
    from testbench.store.connection import SessionError
    from testbench.tools.report import live_writer

    t = translator(args.lang)
    if (writer := live_writer(args.session)) is not None:  # read as it stands, as the workstation reads it
        said = t(STILL_WRITTEN).format(path=args.session, pid=writer[0], host=writer[1])
        print(f"testbench coverage{colon(args.lang)}{said}", file=sys.stderr)
    try:
        coverage = session_coverage(args.session, args.plan)
    except SessionError as exc:
        print(f"testbench coverage{colon(args.lang)}{t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except PlanError as exc:
        for line in exc.lines(args.lang):
            print(f"testbench coverage{colon(args.lang)}{line}", file=sys.stderr)
        return EXIT_USAGE
    data = coverage.as_dict(detail=True)
    for line in [ALTERED, *coverage.chain_problems] if coverage.chain_problems else []:
        print(f"testbench coverage{colon(args.lang)}{t(line)}", file=sys.stderr)
    if args.format == "json":
        # ASCII (« \u00e9 »): a redirected output on Windows is in its code page, not the UTF-8 JSON is read in
        sys.stdout.write(json.dumps({"format": FORMAT, **data}, indent=1) + "\n")
    else:
        sys.stdout.write(coverage_text(data, args.lang))
    if coverage.chain_problems:
        return EXIT_ENVIRONMENT
    return EXIT_OK if coverage.ready else EXIT_FAILED


def attach_plan(options: CampaignOptions, lang: str | None, casebooks: Sequence[Path] = ()) -> list[str]:
    """Check ``--plan`` of ``run``/``ui`` before anything runs and keep it for the session; the problems (the
    plan refused: ``plan_record`` stays None), or the warnings on what differs from ``casebooks`` when given
    (:mod:`testbench.scope.check`, the plan kept)."""
    if options.plan is None:
        return []
    from testbench.scope.check import plan_warnings
    from testbench.scope.plan import PlanError, load_plan

    try:
        plan = load_plan(options.plan)
    except PlanError as exc:
        return exc.lines(lang)
    options.plan_record = plan.recorded()
    if not casebooks:  # not known here (the demo's own plan): nothing to read the plan against
        return []
    return [w.text(str(options.plan), lang) for w in plan_warnings(plan, casebooks)]
