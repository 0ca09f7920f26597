"""``testbench merge``: combine reruns and CI shards into one new session, keeping every attempt (the work:
:func:`testbench.tools.merge.merge_tool`, which the workstation's « Fusionner » calls too)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from testbench.i18n import LANGUAGES
from testbench.runner.exits import EXIT_USAGE
from testbench.runner.options import FileValue, PathValue


def register(sub: argparse._SubParsersAction) -> None:
    merge = sub.add_parser("merge", help="fusionner des sessions (relances, partitions CI) en une nouvelle session")
    merge.add_argument(
        "sessions", nargs="+", type=PathValue("SESSION"), metavar="SESSION", help="sessions à fusionner (.tbsession)"
    )
    merge.add_argument(
        "-o",
        "--output",
        type=FileValue("--output", "campagne.tbsession"),
        required=True,
        metavar="SESSION",
        help="nouvelle session",
    )
    merge.add_argument(
        "--allow-tampered", action="store_true", help="fusionner même si la chaîne d'une entrée est rompue"
    )
    merge.add_argument(
        "--allow-missing-shards",
        action="store_true",
        help="fusionner des partitions CI (run --shard) même s'il en manque : leurs cas restent non exécutés",
    )
    merge.add_argument(
        "--allow-mixed-versions",
        action="store_true",
        help="fusionner des partitions CI exécutées avec des versions différentes du moteur ou du logiciel testé"
        " (la couverture du rapport dit « versions mélangées »)",
    )
    merge.add_argument(
        "--allow-unfinished",
        action="store_true",
        help="fusionner une session dont la dernière exécution n'a pas de fin (interrompue ou tuée, fichier -wal"
        " absent) : des cas enregistrés peuvent manquer",
    )
    merge.add_argument(
        "--create-dirs",
        action="store_true",
        help="créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
    )
    merge.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    merge.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import session_dir_problem, stdout_problem
    from testbench.tools.merge import merge_tool

    if (problem := stdout_problem(args.output, "campagne.tbsession", args.lang)) is not None:
        print(f"testbench merge: {problem}", file=sys.stderr)
        return EXIT_USAGE
    result = merge_tool(
        expanded(args.sessions),
        args.output,
        allow_tampered=args.allow_tampered,
        allow_missing_shards=args.allow_missing_shards,
        allow_mixed_versions=args.allow_mixed_versions,
        allow_unfinished=args.allow_unfinished,
        # as ``run``: a missing drive is said (in French, read in the language shown)
        folder_problem=lambda output: session_dir_problem(output, args.create_dirs, "fr"),
    )
    return result.print("merge", args.lang)


def expanded(paths: list[Path]) -> list[Path]:
    """Each input as given, or, when no file has that name and it holds a wildcard (``shard-*.tbsession``: Windows'
    shells pass it as written, a quoted one too), the files it matches, in name order; a pattern that matches none
    stays as given, for the merge to say so."""
    import glob

    found: list[Path] = []
    for path in paths:
        matched = [] if os.path.lexists(path) or not glob.has_magic(str(path)) else sorted(glob.glob(str(path)))
        found += [Path(name) for name in matched] or [path]
    return found
