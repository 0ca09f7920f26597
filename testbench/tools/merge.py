"""Reruns and CI shards into one new session, every attempt kept (``testbench merge``; the workstation's
« Fusionner »)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from testbench.i18n import colon, tn
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.tools.outputs import cannot_write, write_problem
from testbench.tools.result import ToolResult, forced_by, french


def merge_tool(
    sessions: Sequence[Path],
    output: Path,
    *,
    allow_tampered: bool = False,
    allow_missing_shards: bool = False,
    folder_problem: Callable[[Path], str | None] | None = None,
    missing_shards_option: str = "--allow-missing-shards",
    tampered_option: str = "--allow-tampered",
) -> ToolResult:
    """Merge ``sessions`` into ``output``; exit 3 when an input cannot be read, a shard is missing or the
    output's folder is refused (``folder_problem``: the caller's rule, its sentence in French; by default the
    folder must exist), 2 when the disk fails it. A missing shard's refusal names ``missing_shards_option``
    (the CLI's flag, or the window's field) as what merges anyway; a modified input's, ``tampered_option``."""
    from testbench.runner.shard import MERGED_SHARDS_META, check_shards
    from testbench.store.connection import SessionError
    from testbench.store.merge import MergeError, input_meta, merge_sessions
    from testbench.store.read import SHARD_META, recorded_casebooks

    result = ToolResult()
    unreadable = [problem for problem in map(_unreadable, sessions) if problem]
    for line in unreadable:  # before the shards: an input not there is not a missing shard
        result.warn(french(line), prefixed=True)
    if unreadable:
        result.code = EXIT_USAGE
        return result
    # a merged input holds shards; an input of another campaign names its casebooks whose bytes differ
    shards = check_shards(input_meta(sessions, SHARD_META, MERGED_SHARDS_META), recorded_casebooks)
    for line in shards.problems:
        result.warn(french(line), prefixed=True)
    if shards.missing and not allow_missing_shards:
        missing = ", ".join(shards.missing)
        result.warn(
            lambda t, lang: tn(
                "partition manquante : {shards} ; {option} pour fusionner quand même (ses cas restent non exécutés)",
                "partitions manquantes : {shards} ; {option} pour fusionner quand même (leurs cas"
                " restent non exécutés)",
                len(shards.missing),
                lang,
                shards=missing,
                option=forced_by(missing_shards_option, t),
            ),
            prefixed=True,
        )
    if result.lines:
        result.code = EXIT_USAGE
        return result
    folder = (folder_problem or _missing_folder)(output)
    if folder is not None:
        return result.fail(EXIT_USAGE, french(folder))
    unwritable = write_problem(output)  # a read-only mount: said before anything is read or written
    if unwritable is not None:
        return result.fail(EXIT_USAGE, unwritable)
    try:
        held = shards.merged_record()  # so that this merge can be merged again with a later retry of a shard
        merged = merge_sessions(
            list(sessions),
            output,
            allow_tampered=allow_tampered,
            selection=shards.campaign,
            meta={MERGED_SHARDS_META: held} if held else None,
        )
    except MergeError as exc:
        for line in exc.lines:
            result.warn(french(line), prefixed=True)
        if exc.tampered:
            result.warn(
                lambda t, _lang: t(
                    "{option} pour fusionner quand même : la session fusionnée relève ces modifications"
                ).format(option=forced_by(tampered_option, t)),
                prefixed=True,
            )
        result.code = EXIT_ENVIRONMENT if exc.environment else EXIT_USAGE
        return result
    except (OSError, SessionError) as exc:  # the folder, writable when checked, refused the merge's own files
        said = french(str(exc)) if isinstance(exc, SessionError) else cannot_write(output, exc)
        return result.fail(EXIT_ENVIRONMENT, said)
    campaign = len(shards.campaign) if shards.campaign is not None else None

    def summary(_t: Callable[[str], str], lang: str | None) -> str:
        counts = (
            tn("{count} session", "{count} sessions", merged.sessions, lang),
            tn("{count} cas", "{count} cas", merged.cases, lang),
            tn("{count} tentative", "{count} tentatives", merged.attempts, lang),
        )
        text = f"{output}{colon(lang)}{', '.join(counts)}"
        if merged.duplicates:
            text += tn(
                ", {count} tentative en double ignorée",
                ", {count} tentatives en double ignorées",
                merged.duplicates,
                lang,
            )
        if campaign is not None:
            text += tn(", campagne de {count} cas", ", campagne de {count} cas", campaign, lang)
        return text

    result.say(summary)
    for line in merged.notes:  # a forced merge says what it kept
        result.warn(french(line), prefixed=True)
    if merged.forced:
        result.warn(
            lambda t, _lang: t(
                "fusion forcée ({option}) : la session fusionnée relève ces modifications (meta merged_from)"
            ).format(option=forced_by(tampered_option, t)),
            prefixed=True,
        )
    result.written.append(output)
    return result


def _unreadable(path: Path) -> str | None:
    """Why the session ``path`` cannot be read (the store's words, French), or None."""
    from testbench.store.connection import SessionError, open_readonly

    try:
        open_readonly(path).close()
    except SessionError as exc:
        return str(exc)
    return None


def _missing_folder(output: Path) -> str | None:
    return None if output.parent.is_dir() else f"dossier de sortie introuvable : {output.parent}"
