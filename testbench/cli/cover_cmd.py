"""``testbench cover SESSION [--sut NOM] [--sut-version V] [--agrement N] [--operator NOM]``: the exam book's
cover completed after the runs, without running a case again.

Without an option it says the cover's identity lines as the book will print them. Exit 0 when done, 3 when
the session cannot be read or written, or every field given is already named by a run (a run's record is not
rewritten). The work is :func:`testbench.tools.cover.cover_tool`, which the workstation's « Page de garde »
calls too.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from testbench.i18n import LANGUAGES
from testbench.runner.options import Identity, add_group


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
    cover.add_argument("session", type=Path, metavar="SESSION", help="fichier de session (.tbsession)")
    add_group(cover, Identity)
    cover.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    cover.set_defaults(func=cmd_cover)


def cmd_cover(args: argparse.Namespace) -> int:
    from testbench.report.cover import COMPLETABLE
    from testbench.tools.cover import cover_tool

    result = cover_tool(args.session, {key: getattr(args, key) or "" for key in COMPLETABLE})
    return result.print("cover", args.lang)
