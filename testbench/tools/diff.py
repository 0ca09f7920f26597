"""Compare two sessions (``testbench diff``; the workstation's « Comparer », the open session as B)."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from testbench.i18n import tn
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_USAGE
from testbench.tools.outputs import output_problem, shared_output_problem, written_through
from testbench.tools.result import Render, ToolResult, forced_by, french, unwritten, unwritten_code

if TYPE_CHECKING:
    from testbench.report.diff import SessionDiff

#: the most trace context lines asked around a change: beyond it a trace's difference is the whole trace
MAX_CONTEXT = 1000


def context_problem(text: str) -> Render | None:
    """Why ``text`` is no count of trace context lines (a whole number from 0 to :data:`MAX_CONTEXT`), or None:
    ``diff --context`` and the workstation's field say the same (a negative count was once taken as 0)."""
    try:
        lines = int(text)
    except ValueError:
        return lambda t, _lang: t("« {value} » n'est pas un nombre entier").format(value=text)
    if not 0 <= lines <= MAX_CONTEXT:
        return lambda t, _lang: t("« {value} » n'est pas un nombre de lignes de contexte (de 0 à {limit})").format(
            value=text, limit=MAX_CONTEXT
        )
    return None


def diff_tool(
    session_a: Path,
    session_b: Path,
    *,
    html: Path | None = None,
    json_file: Path | None = None,
    show_same: bool = False,
    context: int = 1,
    lang: str | None = None,
    fail_on_absent: bool = False,
    absent_option: str = "--fail-on-absent",
) -> ToolResult:
    """The comparison's text, regressions first, and the HTML and JSON files asked (in ``lang``, listed in
    ``written``); exit 1 on a regression, or with ``fail_on_absent`` on a case of A that B does not have or did
    not run (the refusal names ``absent_option``: the CLI's flag, or the window's field); 2 when a session's
    journal does not verify (the comparison is written, warned, but no evidence), or a full or failing disk;
    3 when a session cannot be read, the two are one file or have no case in common (nothing compared) or a file
    cannot be written there. Each file is written whole or not at all, as ``export`` writes its own."""
    from testbench.report.diff import diff_sessions, to_html, to_text
    from testbench.store.connection import SessionError
    from testbench.wholefile import UnwrittenFile, write_all

    result = ToolResult()
    for path in (html, json_file):
        if problem := output_problem(path, (session_a, session_b)):
            return result.fail(EXIT_USAGE, problem)
    if problem := shared_output_problem({"HTML": html, "JSON": json_file}):
        return result.fail(EXIT_USAGE, problem)
    try:
        diff = diff_sessions(session_a, session_b, trace_context=max(context, 0))
    except SessionError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))  # the store says it in French
    # a CI gate given one file twice must not read « aucune régression » (a file that is no session: said above)
    if _one_file(session_a, session_b):
        result.fail(
            EXIT_USAGE,
            lambda t, _lang: t(
                "{session_a} et {session_b} sont le même fichier : rien n'est comparé (donnez la session de"
                " référence, puis celle à juger)"
            ).format(session_a=session_a, session_b=session_b),
        )
        _say_live_writer(result, "B", session_b)  # the one file, still written by a run: said too
        return result
    if not diff.compared:  # a CI gate given the wrong session must not read « aucune régression »
        return result.fail(
            EXIT_USAGE,
            lambda t, _lang: t(
                "aucun cas en commun entre {session_a} et {session_b} : rien n'est comparé (un cas se reconnaît à"
                " son plan et son identifiant)"
            ).format(session_a=session_a, session_b=session_b),
        )
    result.say(lambda _t, lang: to_text(diff, show_same=show_same, lang=lang).removesuffix("\n"))
    page = functools.partial(to_html, show_same=show_same)  # --all lists the unchanged cases in the page too
    asked = [(path, content) for path, content in ((html, page), (json_file, _json_text)) if path is not None]
    targets: list[Path] = []
    try:
        for path, _ in asked:
            path.parent.mkdir(parents=True, exist_ok=True)
            targets.append(written_through(path))
        # both or neither: a disk that fills on the second leaves the first as it was, temporary files removed
        texts = [content(diff, lang).encode("utf-8") for _, content in asked]
        write_all(list(zip(targets, texts, strict=True)))
    except UnwrittenFile as exc:
        given = asked[targets.index(exc.target)][0]
        return result.fail(unwritten_code(exc.cause), unwritten(given, exc.cause))
    except OSError as exc:  # a folder that cannot be made
        return result.fail(unwritten_code(exc), unwritten(asked[len(targets)][0], exc))
    result.written.extend(path for path, _ in asked)
    if diff.regressions:
        result.code = EXIT_FAILED
    if fail_on_absent and diff.absent:
        count = len(diff.absent)
        result.fail(
            EXIT_FAILED,
            lambda t, lang: tn(
                "{count} cas de {session_a} absent de {session_b} ({option})",
                "{count} cas de {session_a} absents de {session_b} ({option})",
                count,
                lang,
                session_a=session_a,
                session_b=session_b,
                option=forced_by(absent_option, t),
            ),
        )
    for side, path in (("A", session_a), ("B", session_b)):
        _say_live_writer(result, side, path)
        if side in diff.altered:  # as ``report`` says it of a book built on an altered session
            result.warn(
                lambda t, _lang, side=side, path=path: t(
                    "session {side} ({path}) altérée (chaîne du journal rompue) : la comparaison ne vaut pas preuve"
                    " (testbench verify le détaille)"
                ).format(side=side, path=path),
                prefixed=True,
            )
            result.code = EXIT_ENVIRONMENT
    return result


def _say_live_writer(result: ToolResult, side: str, path: Path) -> None:
    """Warn that a run still writes ``path``: read as it stands, its cases not run yet read as absent."""
    from testbench.tools.report import live_writer

    if (writer := live_writer(path)) is not None:
        result.warn(
            lambda t, _lang: t(
                "session {side} ({path}) encore ouverte en écriture par un autre processus (pid {pid} sur"
                " {host}) : ses cas pas encore exécutés se lisent comme absents"
            ).format(side=side, path=path, pid=writer[0], host=writer[1]),
            prefixed=True,
        )


def _one_file(a: Path, b: Path) -> bool:
    """Whether the two sessions are one file (one name twice, a link, another spelling of its path); one that is
    not there is not: reading it says so."""
    try:
        return os.path.isfile(a) and os.path.samefile(a, b)  # not a file (a pipe, a folder): reading it says so
    except OSError:
        return False


def _json_text(diff: SessionDiff, lang: str | None) -> str:
    from testbench.report.diff import to_json

    return json.dumps(to_json(diff, lang), ensure_ascii=False, indent=1) + "\n"
