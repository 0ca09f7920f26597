"""``testbench report``: rebuild a session's exam book (HTML, evidence, JSON, JUnit, PDF, signature)."""

from __future__ import annotations

import argparse
import sys

from testbench.i18n import translator
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import FileValue, PathValue


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser(
        "report",
        help="construire le rapport d'une session (cahier d'examen)",
        description="Construit le dossier du rapport depuis le seul fichier de session : index.html, evidence/, "
        "report.json, junit.xml, journal-chain.json, manifest.json (+ report.pdf, manifest.sig.json).",
    )
    report.add_argument("session", type=PathValue("SESSION"), metavar="SESSION", help="fichier de session (.tbsession)")
    report.add_argument(
        "-o",
        "--output",
        type=PathValue("--output"),
        required=True,
        metavar="DOSSIER",
        help="dossier du rapport",
    )
    report.add_argument("--lang", choices=("fr", "en"), default=None, help="langue (fr par défaut)")
    report.add_argument("--pdf", action="store_true", help="imprimer aussi report.pdf (Chromium headless)")
    report.add_argument("--sign", action="store_true", help="signer le manifeste (Ed25519)")
    report.add_argument(
        "--key",
        type=PathValue("--key"),
        default=None,
        metavar="FICHIER",
        help="clé privée de signature (défaut : $TESTBENCH_SIGNING_KEY, sinon testbench/signing-key.pem dans"
        " $XDG_CONFIG_HOME ou ~/.config, dans APPDATA sous Windows)",
    )
    report.add_argument(
        "--no-redact",
        action="store_true",
        help="NE PAS anonymiser (NIR, noms, dates de naissance, FINESS/RPPS/ADELI, blocs base64) ; "
        "le rapport l'affiche en tête",
    )
    report.add_argument(
        "--excerpt", type=int, default=40, metavar="N", help="lignes de trace par cas dans la page"
    )
    report.add_argument(
        "--junit",
        type=FileValue("--junit", "junit.xml"),
        metavar="FICHIER",
        help="écrire aussi le JUnit XML à cet endroit",
    )
    report.add_argument(
        "--plan",
        type=PathValue("--plan"),
        metavar="PLAN",
        help="plan d'examen de la page de couverture (défaut : celui de la session)",
    )
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import output_file_problem
    from testbench.tools.outputs import written_through
    from testbench.tools.report import report_tool

    t = translator(args.lang)  # the stages are said as they come, in the command's language
    if args.junit is not None and (problem := output_file_problem(args.junit, args.lang, [args.session])) is not None:
        print(f"testbench report: {problem}", file=sys.stderr)
        return EXIT_USAGE
    built = report_tool(
        args.session,
        args.output,
        lang=args.lang,
        pdf=args.pdf,
        sign=args.sign,
        key=args.key,
        redact=not args.no_redact,
        excerpt=args.excerpt,
        junit=written_through(args.junit),
        plan=args.plan,
        progress=lambda stage: print(t("rapport : {stage}…").format(stage=t(stage)), file=sys.stderr),
    )
    code = built.print("report", args.lang)
    if code == EXIT_USAGE and args.junit is not None and args.junit not in built.written:
        _replace_earlier_junit(args, [text for text, error in built.texts(args.lang) if error])
    return code


def _replace_earlier_junit(args: argparse.Namespace, reasons: list[str]) -> None:
    """A refused report (a session damaged, unreadable, missing; a folder it cannot write) writes no JUnit: one
    found at ``--junit`` from an earlier run would be published by CI as this result. Replaced by one whose error
    testcase gives ``reasons``, or said to stay (:func:`~testbench.cli.outputs.refused_junit`); the files the
    command reads (the session, the plan, the signing key) are never touched."""
    from testbench.cli.outputs import refused_junit

    inputs = [path for path in (args.session, args.plan, args.key) if path is not None]
    said = refused_junit(args.junit, reasons, args.lang, inputs, args.output)
    if said is not None:
        print(f"testbench report: {said}", file=sys.stderr)
