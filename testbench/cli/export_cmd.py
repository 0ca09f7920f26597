"""``testbench export SESSION --to FILE --document DOC --mapping MAP``: results into the exam book's rows.

Exit 0 when the file is written (cases the document or the session lacks, and result cells that could
not be written, are listed), 2 written from a session whose journal chain does not verify (said: its verdicts
are no evidence) or the disk failed the write (full or failing), 3 invalid input (unreadable session, document,
mapping or report folder, a header the import would not find, result columns over mapped ones, a target open in a
spreadsheet, no case to write; nothing written). The work is :func:`testbench.tools.export.export_tool`, which the
workstation's « Exporter » calls too.
"""

from __future__ import annotations

import argparse

from testbench.i18n import LANGUAGES
from testbench.runner.options import FileValue, PathValue


def register(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="reporter les résultats d'une session dans le classeur du cahier de tests",
        description=(
            "Écrit, dans la ligne de chaque cas du document (XLSX, ODS, CSV ou DOCX), le verdict retenu, "
            "les valeurs observées et, avec --report, le lien vers le cas dans le rapport. "
            "Le fichier de correspondance (docs/office-import.md) nomme les colonnes ([results])."
        ),
    )
    export.add_argument("session", type=PathValue("SESSION"), metavar="SESSION", help="fichier de session (.tbsession)")
    export.add_argument(
        "--to",
        required=True,
        type=FileValue("--to", "export.xlsx"),
        metavar="FICHIER",
        help="fichier à écrire (.xlsx, .xlsm pour un classeur à macros, ou .csv)",
    )
    export.add_argument(
        "--document",
        required=True,
        type=PathValue("--document"),
        metavar="DOCUMENT",
        help="le cahier de tests d'origine",
    )
    export.add_argument(
        "--mapping",
        required=True,
        type=PathValue("--mapping"),
        metavar="CORRESPONDANCE",
        help="fichier de correspondance (TOML)",
    )
    export.add_argument(
        "--report",
        type=PathValue("--report"),
        default=None,
        metavar="DOSSIER",
        help="dossier du rapport de la session",
    )
    export.add_argument(
        "--no-redact",
        action="store_true",
        help="ne pas anonymiser les valeurs observées (les codes PIN restent masqués)",
    )
    export.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from testbench.tools.export import export_tool

    result = export_tool(
        args.session,
        document=args.document,
        mapping=args.mapping,
        target=args.to,
        report=args.report,
        redact=not args.no_redact,
        lang=args.lang,
    )
    return result.print("export", args.lang)
