"""``testbench cover SESSION [--sut NOM] [--sut-version V] [--agrement N] [--operator NOM]``: the exam book's
cover completed after the runs, without running a case again.

Without an option it says the cover's identity lines as the book will print them. Exit 0 when done, 3 when
the session cannot be read or written, or every field given is already named by a run (a run's record is not
rewritten). The work is :func:`testbench.tools.cover.cover_tool`, which the workstation's « Page de garde »
calls too.
"""

from __future__ import annotations

import argparse
from dataclasses import fields

from testbench.i18n import LANGUAGES
from testbench.runner.options import Identity, PathValue, add_group


def register(sub: argparse._SubParsersAction) -> None:
    cover = sub.add_parser(
        "cover",
        help="compléter la page de garde du rapport d'une session (logiciel, version, agrément, opérateur)",
        description=(
            "Complète les champs de la page de garde qu'aucune exécution n'a nommés, sans rejouer de cas : "
            "la session garde ce qui est complété, quand et par qui, et le rapport l'imprime. "
            "Un champ qu'une exécution a nommé reste tel qu'enregistré."
        ),
    )
    cover.add_argument("session", type=PathValue("SESSION"), metavar="SESSION", help="fichier de session (.tbsession)")
    add_group(cover, Identity)
    cover.set_defaults(**{f.name: None for f in fields(Identity)})  # a value given empty is told from none given
    cover.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    cover.set_defaults(func=cmd_cover)


def cmd_cover(args: argparse.Namespace) -> int:
    from testbench.runner.exits import EXIT_USAGE
    from testbench.store.read import COMPLETABLE
    from testbench.tools.cover import cover_tool
    from testbench.tools.result import ToolResult

    values = {key: getattr(args, key) or "" for key in COMPLETABLE}
    # ``--sut ""`` would be ignored as a field not given: a completed field is kept, never cleared
    given = [key for key in COMPLETABLE if getattr(args, key) is not None]
    blank = [f"--{key.replace('_', '-')}" for key in given if not values[key].strip()]
    if blank:
        refused = ToolResult().fail(
            EXIT_USAGE,
            lambda t, _lang: t("{options} : valeur vide ; une page de garde se complète, elle ne s'efface pas").format(
                options=", ".join(blank)
            ),
        )
        return refused.print("cover", args.lang)
    return cover_tool(args.session, values).print("cover", args.lang)
