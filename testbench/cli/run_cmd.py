"""``testbench run``: a campaign from casebooks to a session and its report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from testbench.cli.main import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from testbench.cli.progress import Progress
from testbench.domain.verdict import Verdict
from testbench.i18n import default_language, translator


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="exécuter des cahiers de tests et enregistrer la session")
    run.add_argument("casebooks", nargs="+", type=Path, metavar="CASEBOOK")
    run.add_argument("--session", required=True, type=Path, help="fichier de session (créé s'il n'existe pas)")
    run.add_argument(
        "--create-dirs",
        action="store_true",
        help="créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
    )
    run.add_argument("--resume", action="store_true", help="reprendre au premier cas sans verdict final")
    run.add_argument(
        "--rerun", action="store_true", help="rejouer les cas d'une session existante (nouvelle tentative)"
    )
    _add_run_options(run)
    run.set_defaults(func=cmd_run)


def add_bench_options(p: argparse.ArgumentParser) -> None:
    """The bench's options, shared with ``testbench demo``."""
    p.add_argument(
        "--engine",
        default="reference",
        help="reference (hors processus, défaut), inprocess, operator (l'opérateur réalise les étapes dans le "
        "logiciel testé), ou la commande d'un moteur externe",
    )
    p.add_argument(
        "--watch",
        type=Path,
        metavar="DIR",
        help="mode opérateur : dossier où le logiciel testé écrit ses FSE et lots B2 (capturés comme pièces)",
    )
    p.add_argument("--engine-timeout", type=float, default=10.0, metavar="SECONDS")
    p.add_argument(
        "--cards",
        choices=("auto", "pcsc", "inprocess"),
        default="auto",
        help="cartes virtuelles via pcscd (auto : si disponible) ou lecteur en mémoire",
    )
    p.add_argument("--allow-real-cards", action="store_true", help="accepter des cartes réelles (hors mode test)")
    p.add_argument(
        "--attestations",
        type=Path,
        metavar="FILE",
        help="attestations préparées des étapes manuelles (JSON, clé CAS/ETAPE)",
    )
    p.add_argument("--lang", choices=("fr", "en"), default=None)
    p.add_argument(
        "--app-log",
        action="append",
        default=[],
        metavar="SPEC",
        help="journal de l'application à suivre : CHEMIN[;channel=app][;format=auto|log4j|log4crc…]"
        "[;encoding=cp1252][;offset=SECONDES] (répétable, motifs glob acceptés)",
    )
    p.add_argument(
        "--syslog",
        type=int,
        default=None,
        metavar="PORT",
        help="recevoir le syslog de l'application sur 127.0.0.1:PORT (UDP et TCP ; 0 = port libre)",
    )
    p.add_argument("--sut", default="", metavar="NOM", help="logiciel testé (page de garde du rapport)")
    p.add_argument("--sut-version", default="", metavar="VERSION", help="version du logiciel testé")
    p.add_argument("--agrement", default="", metavar="NUMÉRO", help="numéro d'agrément ou de test du logiciel")
    p.add_argument("--operator", default="", metavar="NOM", help="opérateur de la campagne")


def _add_run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-k", dest="keyword", metavar="EXPR", help="sélection par mots (and, or, not, parenthèses)")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="ne garder que les cas de ce tag")
    p.add_argument("--junit", type=Path, metavar="FILE", help="écrire un rapport JUnit XML")
    p.add_argument("--report", type=Path, metavar="DIR", help="écrire le rapport HTML à la fin")
    add_bench_options(p)


def exit_code(verdicts: Sequence[str]) -> int:
    """0 all passed; 1 some failed; 2 inconclusive, error or pending present (not concluded)."""
    present = set(verdicts)
    if present & {Verdict.ERROR, Verdict.INCONCLUSIVE, Verdict.PENDING, Verdict.NONE}:
        return EXIT_ENVIRONMENT
    if Verdict.FAIL in present:
        return EXIT_FAILED
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import output_dir_problem, output_file_problem, session_dir_problem
    from testbench.runner.campaign import CampaignError, RunRequest, run_campaign

    problems = [
        output_dir_problem(args.report, args.lang) if args.report else None,
        output_file_problem(args.junit, args.lang) if args.junit else None,
    ]
    if not any(problems):  # last: with --create-dirs it creates the session's folder
        problems.append(session_dir_problem(args.session, args.create_dirs, args.lang))
    for problem in filter(None, problems):
        print(f"testbench run: {problem}", file=sys.stderr)
    if any(problems):
        return EXIT_USAGE
    request = RunRequest(
        casebooks=list(args.casebooks),
        session=args.session,
        resume=args.resume,
        rerun=args.rerun,
        keyword=args.keyword,
        tags=list(args.tag),
        engine=args.engine,
        engine_timeout=args.engine_timeout,
        cards=args.cards,
        allow_real_cards=args.allow_real_cards,
        attestations=args.attestations,
        watch_dir=args.watch,
        app_logs=list(args.app_log),
        syslog_port=args.syslog,
        sut=args.sut,
        sut_version=args.sut_version,
        agrement=args.agrement,
        operator=args.operator,
        argv=list(sys.argv),
    )
    progress = Progress()
    t = translator()  # the bench says it in French (as recorded), the person reads the command's language
    try:
        result = run_campaign(request, listener=progress, notify=lambda m: print(t(m), file=sys.stderr))
    except CampaignError as exc:
        for line in exc.lines:
            print(t(line), file=sys.stderr)
        return exc.exit_code
    counts = progress.counts_text() or t("aucun cas exécuté")
    print(t("session : {path} — {counts}").format(path=args.session, counts=counts), file=sys.stderr)
    if args.junit:
        from testbench.report.junit import write_junit

        write_junit(args.session, args.junit)
    if args.report:
        from testbench.report.html import write_report

        written = write_report(args.session, args.report, lang=args.lang or default_language())
        print(t("rapport : {path}").format(path=written), file=sys.stderr)
    return exit_code(result.final_verdicts)
