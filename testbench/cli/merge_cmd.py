"""``testbench merge``: combine reruns and CI shards into one new session, keeping every attempt."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testbench.i18n import LANGUAGES, colon, tn, translator
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    merge = sub.add_parser("merge", help="fusionner des sessions (relances, partitions CI) en une nouvelle session")
    merge.add_argument("sessions", nargs="+", type=Path, metavar="SESSION")
    merge.add_argument("-o", "--output", type=Path, required=True, metavar="SESSION", help="nouvelle session")
    merge.add_argument(
        "--allow-tampered", action="store_true", help="fusionner même si la chaîne d'une entrée est rompue"
    )
    merge.add_argument(
        "--allow-missing-shards",
        action="store_true",
        help="fusionner des partitions CI (run --shard) même s'il en manque : leurs cas restent non exécutés",
    )
    merge.add_argument(
        "--create-dirs",
        action="store_true",
        help="créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
    )
    merge.add_argument("--lang", choices=LANGUAGES, default=None, help="langue (fr par défaut)")
    merge.set_defaults(func=cmd_merge)


def _unreadable(path: Path) -> str | None:
    """Why the session ``path`` cannot be read (the store's words, French), or None."""
    from testbench.store.connection import SessionError, open_readonly

    try:
        open_readonly(path).close()
    except SessionError as exc:
        return str(exc)
    return None


def cmd_merge(args: argparse.Namespace) -> int:
    from testbench.cli.outputs import session_dir_problem
    from testbench.runner.shard import MERGED_SHARDS_META, check_shards
    from testbench.store.merge import MergeError, input_meta, merge_sessions
    from testbench.store.read import SHARD_META

    t = translator(args.lang)  # the store says it in French
    unreadable = [problem for problem in map(_unreadable, args.sessions) if problem]
    for line in unreadable:  # before the shards: an input not there is not a missing shard
        print(f"testbench merge: {t(line)}", file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    shards = check_shards(input_meta(args.sessions, SHARD_META, MERGED_SHARDS_META))  # a merged input holds shards
    problems = list(shards.problems)
    if shards.missing and not args.allow_missing_shards:
        missing = tn(
            "partition manquante : {shards} ; --allow-missing-shards pour fusionner quand même (ses cas restent"
            " non exécutés)",
            "partitions manquantes : {shards} ; --allow-missing-shards pour fusionner quand même (leurs cas"
            " restent non exécutés)",
            len(shards.missing),
            shards=", ".join(shards.missing),
        )
        problems.append(missing)  # in the language shown (t keeps it)
    for line in problems:
        print(f"testbench merge: {t(line)}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    folder = session_dir_problem(args.output, args.create_dirs, args.lang)  # as ``run``: a missing drive is said
    if folder is not None:
        print(f"testbench merge: {folder}", file=sys.stderr)
        return EXIT_USAGE
    try:
        held = shards.merged_record()  # so that this merge can be merged again with a later retry of a shard
        result = merge_sessions(
            list(args.sessions),
            args.output,
            allow_tampered=args.allow_tampered,
            selection=shards.campaign,
            meta={MERGED_SHARDS_META: held} if held else None,
        )
    except MergeError as exc:
        for line in exc.lines:
            print(f"testbench merge: {t(line)}", file=sys.stderr)
        return EXIT_ENVIRONMENT if exc.environment else EXIT_USAGE
    counts = (
        tn("{count} session", "{count} sessions", result.sessions),
        tn("{count} cas", "{count} cas", result.cases),
        tn("{count} tentative", "{count} tentatives", result.attempts),
    )
    summary = f"{args.output}{colon()}{', '.join(counts)}"
    if result.duplicates:
        summary += tn(
            ", {count} tentative en double ignorée", ", {count} tentatives en double ignorées", result.duplicates
        )
    if shards.campaign is not None:
        summary += tn(", campagne de {count} cas", ", campagne de {count} cas", len(shards.campaign))
    print(summary)
    for line in result.notes:  # a forced merge says what it kept
        print(f"testbench merge: {t(line)}", file=sys.stderr)
    return EXIT_OK
