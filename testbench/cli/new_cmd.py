"""``testbench new case``: scaffold a case from the template of its domain.

Into an existing casebook (``--casebook``: inserted before ``</cases>``, the file otherwise unchanged),
into a new casebook (``-o``: the skeleton with its fixtures, the bundled test card profiles copied
into ``cards/`` beside it when missing), or printed (the skeleton's fixture ids). Nothing is written
unless the casebook validates with the new case. Exit 0 written or printed, 2 disk full, 3 invalid input.
The work is :func:`testbench.tools.new_case.new_case_tool`, which the workstation's « Nouveau cas » calls too.
"""

from __future__ import annotations

import argparse

from testbench.i18n import LANGUAGES
from testbench.runner.options import PathValue


def register(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser(
        "new",
        help="créer un cas de test à partir d'un modèle",
        description="Crée un élément de cahier de tests à partir d'un modèle.",
    )
    kinds = new.add_subparsers(dest="what", required=True, metavar="case")
    case = kinds.add_parser(
        "case",
        help="un cas de test, à partir du modèle de son domaine",
        description=(
            "Écrit un cas à partir du modèle de son domaine : ajouté à un cahier (--casebook), "
            "dans un nouveau cahier (-o) ou affiché. Le cahier obtenu est validé avant d'être écrit."
        ),
    )
    case.add_argument("--domain", required=True, metavar="DOMAINE", help="domaine du cas : fse, adri, lot, cards, dre…")
    case.add_argument("--mode", default=None, metavar="MODE", help="mode : securise, degrade, sesam-sans-vitale, none")
    case.add_argument("--id", required=True, dest="case_id", metavar="ID", help="identifiant du nouveau cas")
    where = case.add_mutually_exclusive_group()
    where.add_argument(
        "--casebook", type=PathValue("--casebook"), default=None, metavar="FICHIER", help="cahier auquel ajouter le cas"
    )
    where.add_argument(
        "-o", "--output", type=PathValue("--output"), default=None, metavar="FICHIER", help="nouveau cahier à créer"
    )
    case.add_argument("--patient", default=None, metavar="ID", help="patient des fixtures à utiliser")
    case.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    case.set_defaults(func=cmd_new_case)


def cmd_new_case(args: argparse.Namespace) -> int:
    from testbench.tools.new_case import new_case_tool

    result = new_case_tool(
        args.domain, args.mode, args.case_id, casebook=args.casebook, output=args.output, patient=args.patient
    )
    return result.print("new case", args.lang)
