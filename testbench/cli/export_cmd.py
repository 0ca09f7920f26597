"""``testbench export SESSION --to FILE --document DOC --mapping MAP``: results into the exam book's rows.

Exit 0 when the file is written (cases the document or the session lacks, and result cells that could
not be written, are listed), 3 invalid input (unreadable session, document, mapping or report folder;
nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from testbench.fmt import os_reason
from testbench.i18n import LANGUAGES, default_language, tn, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE


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
    export.add_argument("session", type=Path, metavar="SESSION")
    export.add_argument("--to", required=True, type=Path, metavar="FICHIER", help="fichier à écrire (.xlsx, ou .csv)")
    export.add_argument("--document", required=True, type=Path, metavar="DOCUMENT", help="le cahier de tests d'origine")
    export.add_argument(
        "--mapping", required=True, type=Path, metavar="CORRESPONDANCE", help="fichier de correspondance (TOML)"
    )
    export.add_argument("--report", type=Path, default=None, metavar="DOSSIER", help="dossier du rapport de la session")
    export.add_argument(
        "--no-redact",
        action="store_true",
        help="ne pas anonymiser les valeurs observées (les codes PIN restent masqués)",
    )
    export.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from testbench.office.export import export_results
    from testbench.office.mapping import load_mapping
    from testbench.office.problems import OfficeError
    from testbench.store.connection import SessionError

    lang = args.lang or default_language()
    t = translator(lang)
    target: Path = args.to
    problem = _usage_problem(args, t)
    if problem:
        print(f"testbench export: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        mapping = load_mapping(args.mapping)
        result = export_results(
            args.session, args.document, mapping, target, lang, redact=not args.no_redact, report=args.report
        )
    except OfficeError as exc:
        for item in exc.problems:
            print(item.text(lang), file=sys.stderr)
        print(t("rien n'est écrit"), file=sys.stderr)
        return EXIT_USAGE
    except SessionError as exc:
        print(f"testbench export: {t(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        reason = os_reason(exc, t)
        print(t("écriture impossible de {path} : {reason}").format(path=target, reason=reason), file=sys.stderr)
        return EXIT_USAGE
    for item in result.problems:
        print(item.text(lang), file=sys.stderr)
    if result.added_columns:
        print(t("colonnes ajoutées : {names}").format(names=", ".join(result.added_columns)))
    if result.not_in_session:
        ids = ", ".join(result.not_in_session)
        print(t("cas du document absents de la session (lignes laissées telles quelles) : {ids}").format(ids=ids))
    if result.not_in_document:
        ids = ", ".join(result.not_in_document)
        print(t("cas de la session absents du document (non reportés) : {ids}").format(ids=ids))
    if args.no_redact:
        print(t("anonymisation désactivée (--no-redact) : les valeurs observées sont écrites telles quelles"))
    written = len(result.written)
    print(
        tn(
            "{path} : résultats de {count} cas écrits",
            "{path} : résultats de {count} cas écrits",
            written,
            lang,
            path=target,
        )
    )
    return EXIT_OK


def _usage_problem(args: argparse.Namespace, t: Callable[[str], str]) -> str | None:
    """Where the file would go makes the command unusable: the sentence, or None (nothing read yet)."""
    target: Path = args.to
    if os.path.isdir(target):
        return t("{path} : ce chemin est un dossier, pas un fichier ; indiquez un fichier").format(path=target)
    if not os.path.isdir(target.parent):
        return t("dossier de sortie introuvable : {path}").format(path=target.parent)
    if os.path.lexists(target) and os.path.samefile(target, args.document):
        return t("{path} est le document d'origine : écrivez les résultats dans un autre fichier").format(path=target)
    return None
