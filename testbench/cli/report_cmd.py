"""``testbench report``: rebuild a session's exam book (HTML, evidence, JSON, JUnit, PDF, signature)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help="construire le rapport d'une session (cahier d'examen)",
        description="Construit le dossier du rapport depuis le seul fichier de session : index.html, evidence/, "
        "report.json, junit.xml, journal-chain.json, manifest.json (+ report.pdf, manifest.sig.json).",
    )
    report.add_argument("session", type=Path, metavar="SESSION", help="fichier de session (.tbsession)")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="DOSSIER", help="dossier du rapport")
    report.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    report.add_argument("--pdf", action="store_true", help="imprimer aussi report.pdf (Chromium headless)")
    report.add_argument("--sign", action="store_true", help="signer le manifeste (Ed25519)")
    report.add_argument("--key", type=Path, default=None, metavar="FICHIER", help="clé privée de signature")
    report.add_argument(
        "--no-redact",
        action="store_true",
        help="NE PAS anonymiser (NIR, noms, dates de naissance, FINESS/RPPS/ADELI, blocs base64) ; "
        "le rapport l'affiche en tête",
    )
    report.add_argument("--excerpt", type=int, default=40, metavar="N", help="lignes de trace par cas dans la page")
    report.add_argument("--junit", type=Path, metavar="FICHIER", help="écrire aussi le JUnit XML à cet endroit")
    report.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN",
        help="plan d'examen de la page de couverture (défaut : celui de la session)",
    )
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import output_dir_problem, output_file_problem, unwritten
    from testbench.integrity.verify import altered_session_warning
    from testbench.report.build import BuildOptions, build_report
    from testbench.report.owner import other_session_problem
    from testbench.scope.plan import PlanError
    from testbench.store.connection import SessionError
    from testbench.store.read import recorded_session_id

    t = translator(args.lang)  # the core says it in French; each line read in the command's language
    junit_problem = output_file_problem(args.junit, args.lang, [args.session]) if args.junit else None
    # another session's book (perhaps signed) is not replaced; an unreadable session is said by the build
    mine = recorded_session_id(args.session)
    owner_problem = other_session_problem(args.output, mine, args.lang) if mine else None
    for problem in (output_dir_problem(args.output, args.lang), junit_problem, owner_problem):
        if problem:
            print(f"testbench report: {problem}", file=sys.stderr)
            return EXIT_USAGE
    signer = None
    if args.sign or args.key:
        from testbench.signing import SigningKeyError, default_key_path, load_signer

        try:
            signer = load_signer(args.key or default_key_path())
        except SigningKeyError as exc:
            print(f"testbench report: {t(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
    if args.excerpt < 0:
        print(f"testbench report: {t('--excerpt doit être positif ou nul')}", file=sys.stderr)
        return EXIT_USAGE
    options = BuildOptions(
        lang=args.lang or "fr",
        redact=not args.no_redact,
        excerpt=args.excerpt,
        signer=signer,
        pdf=args.pdf,
        progress=lambda stage: print(t("rapport : {stage}…").format(stage=t(stage)), file=sys.stderr),
        plan=args.plan,
    )
    written = args.output
    try:
        result = build_report(args.session, args.output, options)
        if args.junit:
            from testbench.report.junit import write_junit

            written = args.junit
            write_junit(args.session, args.junit, args.lang, redact=not args.no_redact)  # as the report's junit.xml
    except OSError as exc:  # a full disk…: what was there is left whole
        print(f"testbench report: {unwritten(written, exc, args.lang)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except SessionError as exc:
        print(f"testbench report: {t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except PlanError as exc:
        for line in exc.lines(args.lang):
            print(f"testbench report: {line}", file=sys.stderr)
        return EXIT_USAGE
    if not options.redact:
        print(f"testbench report: {t('ATTENTION rapport NON anonymisé (--no-redact)')}", file=sys.stderr)
    altered = altered_session_warning(result.folder)  # written for the reviewer to see, but no evidence
    for line in altered:
        print(f"testbench report: {t(line)}", file=sys.stderr)
    if result.pdf_missing:  # the rest of the book is whole, manifested (and signed): verify reads it
        print(f"testbench report: {t(result.pdf_missing)}", file=sys.stderr)
        missing = t(
            "report.pdf manquant : le reste du rapport est complet, dans son manifeste ; refaites « testbench report"
            " --pdf » quand Chromium fonctionne"
        )
        print(f"testbench report: {missing}", file=sys.stderr)
    extra = f" ({t('signé')})" if result.signed else ""
    print(f"{result.html}{extra}")
    if result.pdf:
        print(result.pdf)
    return EXIT_ENVIRONMENT if altered or result.pdf_missing else EXIT_OK
