"""``testbench new case``: scaffold a case from the template of its domain.

Into an existing casebook (``--casebook``: inserted before ``</cases>``, the file otherwise unchanged),
into a new casebook (``-o``: the skeleton with its fixtures, the bundled test card profiles copied
into ``cards/`` beside it when missing), or printed (the skeleton's fixture ids). Nothing is written
unless the casebook validates with the new case. Exit 0 written or printed, 2 disk full, 3 invalid input.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.fmt import os_reason, visible_controls
from testbench.i18n import LANGUAGES, default_language, translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from testbench.casebook.errors import Problem
    from testbench.casebook.scaffold import Template

#: The OS errors that are the machine's, not the path's: a full disk or a failing one (exit 2, not 3).
_DISK_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EIO}


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
    where.add_argument("--casebook", type=Path, default=None, metavar="FICHIER", help="cahier auquel ajouter le cas")
    where.add_argument("-o", "--output", type=Path, default=None, metavar="FICHIER", help="nouveau cahier à créer")
    case.add_argument("--patient", default=None, metavar="ID", help="patient des fixtures à utiliser")
    case.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    case.set_defaults(func=cmd_new_case)


def cmd_new_case(args: argparse.Namespace) -> int:
    from testbench.casebook import scaffold
    from testbench.casebook.vocabulary import CASE_ID

    lang = args.lang or default_language()
    t = translator(lang)
    if not CASE_ID.fullmatch(args.case_id):
        invalid = t("--id : identifiant de cas invalide « {id} » (lettres, chiffres, . _ : -, 80 au plus)")
        print(f"testbench new case: {invalid.format(id=visible_controls(args.case_id))}", file=sys.stderr)
        return EXIT_USAGE
    try:
        template = scaffold.find_template(args.domain, args.mode)
        if args.casebook is not None:
            return _into_casebook(args, template, lang)
        case_xml = scaffold.render(template, args.case_id, scaffold.NEW_CASEBOOK_VALUES)
        if args.output is None:
            sys.stdout.write(case_xml)
            return EXIT_OK
        return _new_casebook(args.output, args.case_id, template, case_xml, lang)
    except scaffold.ScaffoldError as exc:
        print(f"testbench new case: {exc.text(lang)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        path = exc.filename or args.casebook or args.output
        unwritten = t("{path} : {reason} ; rien n'a été écrit").format(path=path, reason=os_reason(exc, t))
        print(f"testbench new case: {unwritten}", file=sys.stderr)
        return EXIT_ENVIRONMENT if exc.errno in _DISK_FAULTS else EXIT_USAGE


def _into_casebook(args: argparse.Namespace, template: Template, lang: str) -> int:
    from testbench.cards.profile_check import card_profile_problems
    from testbench.casebook import scaffold
    from testbench.casebook.loader import check_casebook

    t = translator(lang)
    path: Path = args.casebook
    casebook, problems = check_casebook(path)
    if casebook is None or problems:
        for problem in problems:
            print(problem.text(lang), file=sys.stderr)
        print(t("{path} : cahier invalide ; corrigez-le avant d'y ajouter un cas").format(path=path), file=sys.stderr)
        return EXIT_USAGE
    if any(case.id == args.case_id for case in casebook.cases):
        print(t("{path} : le cas « {id} » existe déjà").format(path=path, id=args.case_id), file=sys.stderr)
        return EXIT_USAGE
    values = scaffold.fixture_values(casebook, args.patient)
    lacking = scaffold.missing(template, values)
    if lacking:
        what = " ; ".join(t(item) for item in lacking)
        print(
            t("{path} : le modèle {template} a besoin dans <fixtures> de : {what}").format(
                path=path, template=template.name, what=what
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    text = scaffold.insert_case(path.read_bytes().decode("utf-8"), scaffold.render(template, args.case_id, values))
    return _written(scaffold.write_checked(path, text, card_profile_problems), path, args.case_id, template, lang)


def _new_casebook(output: Path, case_id: str, template: Template, case_xml: str, lang: str) -> int:
    from testbench.cards.profile_check import card_profile_problems
    from testbench.casebook import scaffold

    t = translator(lang)
    if os.path.lexists(output):
        print(
            t("{path} existe déjà ; pour y ajouter le cas, utilisez --casebook {path}").format(path=output),
            file=sys.stderr,
        )
        return EXIT_USAGE
    folder = output.parent
    if not folder.is_dir():
        print(t("{folder} : dossier introuvable ; le cahier n'a pas été créé").format(folder=folder), file=sys.stderr)
        return EXIT_USAGE
    problems, copied = scaffold.write_new_casebook(output, scaffold.new_casebook(case_xml), card_profile_problems)
    code = _written(problems, output, case_id, template, lang)
    if code == EXIT_OK and copied:
        print(
            t("profils de carte de test copiés dans {folder} : {names}").format(
                folder=folder / "cards", names=", ".join(copied)
            )
        )
    return code


def _written(problems: list[Problem], path: Path, case_id: str, template: Template, lang: str) -> int:
    t = translator(lang)
    if problems:
        for problem in problems:
            print(problem.text(lang), file=sys.stderr)
        print(t("{path} : le cahier ne serait pas valide ; rien n'a été écrit").format(path=path), file=sys.stderr)
        return EXIT_USAGE
    print(
        t("{path} : cas {id} ajouté (modèle {template}), cahier valide").format(
            path=path, id=case_id, template=template.name
        )
    )
    return EXIT_OK
