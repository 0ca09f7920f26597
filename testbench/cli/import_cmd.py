"""``testbench import DOCUMENT --mapping MAP -o CASEBOOK``: a casebook from a spreadsheet or a Word table.

Exit 0 when every case was mapped and the casebook written; 3 when something could not be mapped (each
problem on stderr with its place, ``Feuille1!D14: montant illisible « 12,5O € »``): the casebook is then
written without the cases in question, or not at all when none is left or the document cannot be read; 2 when the
disk fails the write (full or failing), nothing of the import left behind (no card profile copied).
Over an existing casebook, prints what changed per case id (docs/office-import.md); over any other existing
file (the document itself, by mistake), refuses and writes nothing. The work is
:func:`testbench.tools.importer.import_tool`, which the workstation's « Importer » calls too.
"""

from __future__ import annotations

import argparse

from testbench.i18n import LANGUAGES
from testbench.runner.options import FileValue, PathValue


def register(sub: argparse._SubParsersAction) -> None:
    command = sub.add_parser(
        "import",
        help="importer un cahier de tests depuis un classeur ou un tableau Word (XLSX, ODS, CSV, DOCX)",
        description=(
            "Convertit les cas d'un document bureautique en cahier de tests, selon un fichier de correspondance "
            "(TOML, docs/office-import.md). Chaque valeur non reprise est signalée avec sa place (Feuille1!D14)."
        ),
    )
    command.add_argument(
        "document",
        type=PathValue("DOCUMENT"),
        metavar="DOCUMENT",
        help="cahier de tests d'origine (XLSX, ODS, CSV, DOCX)",
    )
    command.add_argument(
        "--mapping",
        type=PathValue("--mapping"),
        required=True,
        metavar="CORRESPONDANCE",
        help="fichier de correspondance (TOML)",
    )
    command.add_argument(
        "-o",
        "--output",
        type=FileValue("--output", "cahier.xml"),
        required=True,
        metavar="CAHIER",
        help="cahier de tests à écrire (XML)",
    )
    command.add_argument(
        "--drop-absent",
        action="store_true",
        help=(
            "supprimer aussi les cas du cahier qu'aucun import n'a écrits (ajoutés à la main) sans ligne dans le "
            "document"
        ),
    )
    command.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    command.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from testbench.tools.importer import import_tool

    return import_tool(args.document, args.mapping, args.output, args.drop_absent).print("import", args.lang)
