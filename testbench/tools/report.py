"""Build a session's exam book with every option (``testbench report``; the workstation's « Rapport… »).

One owner for what the command checks before building (the folder, the JUnit file, another session's book,
the key, the excerpt) and what it says after (not redacted, an altered session, a missing PDF); ``g`` in the
workstation calls it with the options chosen for the engineer (``tui.review_report.report_choices``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from testbench.i18n import _t, default_language
from testbench.integrity.manifest import SIGNATURE
from testbench.report.options import DEFAULT_EXCERPT
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE
from testbench.tools.outputs import folder_problem, left_whole, output_problem, write_problem
from testbench.tools.result import Render, ToolResult, french, option


def report_tool(
    session: Path,
    output: Path,
    *,
    lang: str | None = None,
    pdf: bool = False,
    sign: bool = False,
    key: Path | None = None,
    redact: bool = True,
    excerpt: int = DEFAULT_EXCERPT,
    junit: Path | None = None,
    plan: Path | None = None,
    progress: Callable[[str], None] | None = None,
    excerpt_option: str = "--excerpt",
    no_redact_option: str = "--no-redact",
    sign_option: str = "--sign",
    pdf_option: str = "--pdf",
) -> ToolResult:
    """The book of ``session`` in ``output``, its content in ``lang``; signed with ``key`` (or the default key
    when ``sign``). Exit 0 written, 3 refused before anything was written (runner.exits' usage: a folder where
    nothing can be written included, before the session is read), 2 when the disk, an altered session or a
    missing PDF makes the book no full evidence. The book and the JUnit are written each on its own: one that
    cannot be is said, the other still written. ``lang`` None: the command's language (``TESTBENCH_LANG``), as
    every other command. A previous book's signature or PDF the new one has not is said gone, not kept.
    ``progress`` hears each stage (French)."""
    from testbench.integrity.verify import altered_session_warning
    from testbench.report.build import BuildOptions, build_report
    from testbench.scope.plan import PlanError
    from testbench.store.connection import SessionError
    from testbench.store.read import recorded_session_id

    lang = lang or default_language()
    result = ToolResult()
    for problem in (
        folder_problem(output),
        output_problem(junit, [session]) if junit else None,
        junit_in_report_problem(junit, output, "--junit") if junit else None,
        session_in_report_problem(session, output),
        # a read-only folder: said before the session is read, as ``run --report`` and ``merge -o`` say it
        write_problem(output, inside=True),
        write_problem(junit) if junit else None,
    ):
        if problem:
            return result.fail(EXIT_USAGE, problem)
    if (writer := live_writer(session)) is not None:  # as ``merge`` refuses it: one snapshot, no case « interrupted »
        return result.fail(
            EXIT_USAGE, lambda t, _lang: t(STILL_WRITTEN).format(path=session, pid=writer[0], host=writer[1])
        )
    mine = recorded_session_id(session)  # another session's book (perhaps signed) is not replaced
    if mine and (problem := _other_session(output, mine, session)):
        return result.fail(EXIT_USAGE, problem)
    signer = None
    if sign or key:
        from testbench.signing import SigningKeyError, default_key_path, load_signer

        try:
            signer = load_signer(key or default_key_path())
        except SigningKeyError as exc:
            return result.fail(EXIT_USAGE, french(str(exc)))
    if excerpt < 0:
        return result.fail(
            EXIT_USAGE, lambda t, _lang: t("{option} doit être positif ou nul").format(option=option(excerpt_option, t))
        )
    options = BuildOptions(
        lang=lang or "fr", redact=redact, excerpt=excerpt, signer=signer, pdf=pdf, progress=progress, plan=plan
    )
    built = None
    try:
        built = build_report(session, output, options)
    except OSError as exc:  # a full disk…: what was there is left whole; the JUnit is still written
        result.warn(left_whole(output, exc), prefixed=True)
    except SessionError as exc:
        return result.fail(EXIT_USAGE, french(str(exc)))
    except PlanError as exc:
        name = exc.name
        for problem in exc.problems:  # each where and why, in the plan check's words
            result.warn(lambda _t, lang, problem=problem: problem.text(name, lang), prefixed=True)
        result.code = EXIT_USAGE
        return result
    junit_written = False
    if junit:  # written whatever became of the book, as ``run`` writes each of its outputs
        from testbench.report.junit import write_junit
        from testbench.store.read import modified_entries

        try:  # as the report's junit.xml, with the chain as the book found it (checked here when none was built)
            chain_ok = not (built.chain_problems if built is not None else modified_entries(session))
            write_junit(session, junit, lang, redact=redact, chain_ok=chain_ok)
        except OSError as exc:
            result.warn(left_whole(junit, exc), prefixed=True)
        except SessionError as exc:
            return result.fail(EXIT_USAGE, french(str(exc)))
        else:
            junit_written = True
    if built is None:  # the book could not be written: said above, the bench's fault (exit 2)
        result.written = [junit] if junit and junit_written else []
        result.code = EXIT_ENVIRONMENT
        return result
    result.written = [p for p in (built.html, built.pdf, junit if junit_written else None) if p]
    if not redact:
        result.warn(
            lambda t, _lang: t("ATTENTION rapport NON anonymisé ({option})").format(option=option(no_redact_option, t)),
            prefixed=True,
        )
    altered = altered_session_warning(built.chain_problems)  # written for the reviewer to see, but no evidence
    for line in altered:
        result.warn(french(line), prefixed=True)
    if built.pdf_missing:  # the rest of the book is whole, manifested (and signed): verify reads it
        result.warn(french(built.pdf_missing), prefixed=True)
        result.warn(
            lambda t, _lang: t(
                "report.pdf manquant : le reste du rapport est complet, dans son manifeste ; refaites « testbench"
                " report --pdf » quand Chromium fonctionne"
            ),
            prefixed=True,
        )
    for render in dropped_warnings(built.dropped, pdf, sign_option, pdf_option):
        result.warn(render, prefixed=True)
    result.say(lambda t, _lang: f"{built.html} ({t('signé')})" if built.signed else str(built.html))
    if built.pdf:
        result.say(lambda _t, _lang: str(built.pdf))
    result.code = EXIT_ENVIRONMENT if altered or built.pdf_missing or (junit and not junit_written) else EXIT_OK
    return result


#: a session a run still writes: its book would mix moments and call the case running « interrupted »
STILL_WRITTEN = _t(
    "{path} : session encore ouverte en écriture par un autre processus (pid {pid} sur {host}) ; construisez le"
    " rapport une fois son exécution terminée"
)


def live_writer(session: Path) -> tuple[str, str] | None:
    """(pid, host) of the run that still writes ``session`` (its lock taken, as ``merge`` checks it; "?" when its
    meta does not say), or None when no process writes it."""
    from testbench.store import codec
    from testbench.store.connection import SessionLocked
    from testbench.store.merge import refuse_written
    from testbench.store.read import recorded_meta

    try:
        refuse_written(session)
    except SessionLocked:
        try:
            writer = codec.loads((recorded_meta(session, "writer") or {}).get("writer"))
        except codec.DamagedValue:
            writer = None
        if not isinstance(writer, dict):
            return ("?", "?")
        return (str(writer.get("pid", "?")), str(writer.get("host", "?")))
    return None


def _other_session(output: Path, mine: str, session: Path) -> Render | None:
    """Another session's book in ``output``: the owner check's sentence (French, read once), in the language shown."""
    from testbench.report.owner import other_session_problem

    problem = other_session_problem(output, mine, session=session)
    return french(problem) if problem else None


def junit_in_report_problem(junit: Path, folder: Path, junit_option: str) -> Render | None:
    """A JUnit file asked for inside the report folder, refused: the folder's manifest covers each of its files
    (a signed book would then fail ``verify``), and the book writes its own ``junit.xml`` there."""
    if not _inside(junit, folder):
        return None
    return lambda t, _lang: t(
        "{path} ({option}) est dans le dossier du rapport {folder}, dont le manifeste couvre chaque fichier, et"
        " le rapport y écrit déjà son junit.xml : indiquez un fichier hors de ce dossier"
    ).format(path=junit, option=junit_option, folder=folder)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` (at any depth), links resolved and names compared as the system does."""
    here, base = (os.path.normcase(os.path.realpath(p)) for p in (path, folder))
    return Path(here).is_relative_to(base)


def session_in_report_problem(session: Path, folder: Path) -> Render | None:
    """A report folder holding the session (``-o .`` beside it), refused: the manifest covers each file of the
    folder, so the session and its ``.lock``, there after it, would make ``verify`` say the book altered."""
    if not _inside(session, folder):
        return None
    return lambda t, _lang: t(
        "{folder} : le dossier du rapport ne peut pas contenir la session ({session}) : verify la dirait ajoutée"
        " au rapport ; indiquez un autre dossier"
    ).format(folder=folder, session=session)


def dropped_warnings(
    names: list[str], pdf: bool, sign_option: str = "--sign", pdf_option: str = "--pdf"
) -> list[Render]:
    """What the previous book had and the rebuilt one has not: its signature, its PDF (unless asked for and
    not printed: said as missing)."""
    said: list[Render] = []
    if SIGNATURE in names:
        said.append(
            lambda t, _lang: t(
                "la signature du rapport précédent ({name}) n'est pas conservée : ce rapport n'est pas signé ;"
                " {option} le signe"
            ).format(name=SIGNATURE, option=option(sign_option, t))
        )
    if "report.pdf" in names and not pdf:
        said.append(
            lambda t, _lang: t("le report.pdf du rapport précédent n'est pas conservé ; {option} l'imprime").format(
                option=option(pdf_option, t)
            )
        )
    return said
