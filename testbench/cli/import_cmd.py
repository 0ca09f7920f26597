"""``testbench import DOCUMENT --mapping MAP -o CASEBOOK``: a casebook from a spreadsheet or a Word table.

Exit 0 when every case was mapped and the casebook written; 3 when something could not be mapped (each
problem on stderr with its place, ``Feuille1!D14: montant illisible « 12,5O € »``): the casebook is then
written without the cases in question, or not at all when none is left or the document cannot be read.
Over an existing casebook, prints what changed per case id (docs/office-import.md); over any other existing
file (the document itself, by mistake), refuses and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import LANGUAGES, colon, default_language, tn, translator
from testbench.runner.exits import EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    command = sub.add_parser(
        "import",
        help="importer un cahier de tests depuis un classeur ou un tableau Word (XLSX, ODS, CSV, DOCX)",
        description=(
            "Convertit les cas d'un document bureautique en cahier de tests, selon un fichier de correspondance "
            "(TOML, docs/office-import.md). Chaque valeur non reprise est signalée avec sa place (Feuille1!D14)."
        ),
    )
    command.add_argument("document", type=Path, metavar="DOCUMENT")
    command.add_argument(
        "--mapping", type=Path, required=True, metavar="CORRESPONDANCE", help="fichier de correspondance (TOML)"
    )
    command.add_argument(
        "-o", "--output", type=Path, required=True, metavar="CAHIER", help="cahier de tests à écrire (XML)"
    )
    command.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    command.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from testbench.fmt import os_reason
    from testbench.office.diff import FIELD_WORDS, diff_casebooks, read_cases
    from testbench.office.importer import OfficeError, write_import
    from testbench.office.mapping import load_mapping

    lang = args.lang or default_language()
    t = translator(lang)
    out: Path = args.output
    if not out.parent.resolve().is_dir():
        print(t("dossier de sortie introuvable : {path}").format(path=out.parent), file=sys.stderr)
        return EXIT_USAGE
    try:
        previous = out.read_bytes() if out.exists() else None
    except OSError:
        previous = b""
    if previous is not None and read_cases(previous) is None:
        print(t("{path} existe et n'est pas un cahier de tests : rien n'est écrit").format(path=out), file=sys.stderr)
        return EXIT_USAGE
    try:
        result = write_import(args.document, load_mapping(args.mapping), out)
    except OfficeError as exc:
        for problem in exc.problems:
            print(problem.text(lang), file=sys.stderr)
        print(t("rien n'est écrit"), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        reason = os_reason(exc, t)
        print(t("écriture impossible de {path} : {reason}").format(path=out, reason=reason), file=sys.stderr)
        return EXIT_USAGE
    for problem in result.problems:
        print(problem.text(lang), file=sys.stderr)
    for path in result.copied:
        print(t("profil de carte copié : {path}").format(path=path))
    if previous is not None:
        changes = diff_casebooks(previous, result.xml) or []
        if not changes:
            print(t("aucun changement depuis l'import précédent"))
        for change in changes:
            words = ", ".join(t(FIELD_WORDS[name]) for name in change.fields)
            kind = {"added": t("ajouté"), "modified": t("modifié"), "removed": t("supprimé")}[change.kind]
            subject = change.case if change.case is not None else t("cahier")
            print(f"{kind} {subject}" + (f"{colon(lang)}{words}" if words else ""))
    print(tn("{path} : {count} cas écrit", "{path} : {count} cas écrits", len(result.cases), lang, path=out))
    if result.left_out:
        ids = ", ".join(result.left_out)
        left = tn(
            "{count} cas laissé de côté : {ids}",
            "{count} cas laissés de côté : {ids}",
            len(result.left_out),
            lang,
            ids=ids,
        )
        print(left, file=sys.stderr)
    return EXIT_USAGE if result.problems else EXIT_OK
