"""``testbench run``: a campaign from casebooks to a session and its report."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from testbench import cmdline
from testbench.cli.progress import Progress
from testbench.i18n import default_language, translator
from testbench.interrupts import ignored
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.runner.options import RUN, add_options, options_from_args

if TYPE_CHECKING:
    from testbench.domain.attestation import Operator
    from testbench.runner.campaign import RunRequest


#: ``--resume`` goes on with the session's own selection: another ``-k`` or ``--tag`` beside it would be ignored
RESUME_SELECTS = (
    "--resume reprend la session là où elle s'est arrêtée, avec sa sélection de cas : sans -k ni --tag autres que"
    " les siens ; pour des cas précis : --rerun -k … (ou --failed -k …)"
)


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="exécuter des cahiers de tests et enregistrer la session")
    run.add_argument("casebooks", nargs="+", type=Path, metavar="CAHIER", help="un ou plusieurs cahiers de tests (XML)")
    run.add_argument("--session", required=True, type=Path, help="fichier de session (créé s'il n'existe pas)")
    run.add_argument(
        "--create-dirs",
        action="store_true",
        help="créer le dossier de la session s'il n'existe pas (refusé sinon : un support non monté se voit)",
    )
    run.add_argument("--resume", action="store_true", help="reprendre au premier cas sans verdict final")
    run.add_argument(
        "--rerun", action="store_true", help="rejouer les cas d'une session existante (nouvelle tentative)"
    )
    run.add_argument(
        "--failed",
        action="store_true",
        help="rejouer (comme --rerun) les cas de la session dont le verdict retenu n'est pas « réussi » : échec,"
        " erreur, non concluant, en attente (avec -k, --tag : parmi eux)",
    )
    add_options(run, RUN)
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from testbench.cli.coverage_cmd import attach_plan
    from testbench.runner.campaign import RunRequest

    options = options_from_args(args)
    for problem in attach_plan(options, args.lang, args.casebooks):  # the plan refused, or warnings
        print(f"testbench run: {problem}", file=sys.stderr)
    if options.plan is not None and options.plan_record is None:
        return EXIT_USAGE
    if args.failed and args.resume:
        print(f"testbench run: {translator(args.lang)('--failed et --resume ne se combinent pas')}", file=sys.stderr)
        return EXIT_USAGE
    if args.resume and not _resumes_its_selection(args.session, options.selection.keyword, options.selection.tags):
        print(f"testbench run: {translator(args.lang)(RESUME_SELECTS)}", file=sys.stderr)
        return EXIT_USAGE
    request = RunRequest(list(args.casebooks), args.session, options, args.resume, args.rerun, list(sys.argv))
    request.failed = args.failed
    return execute(request, create_dirs=args.create_dirs)


def execute(
    request: RunRequest, *, create_dirs: bool = False, operator: Operator | None = None, replace_report: bool = False
) -> int:
    """Check the outputs, run the campaign, write the JUnit and HTML reports; the exit code.

    A report folder that holds another session's report is refused before anything runs, unless
    ``replace_report`` (the demo, which starts its own session afresh in its own folder each time)."""
    from testbench.cli.outputs import output_dir_problem, output_file_problem, session_dir_problem
    from testbench.runner.campaign import CampaignError, run_campaign
    from testbench.store.location import share_warning

    outputs = request.options.outputs
    problems = [
        _nothing_to_resume(request.session, outputs.lang, failed=request.failed)
        if request.resume or request.failed
        else None,
        output_dir_problem(outputs.report, outputs.lang) if outputs.report else None,
        output_file_problem(outputs.junit, outputs.lang, [*request.casebooks, request.session])
        if outputs.junit
        else None,
    ]
    if (outputs.junit or outputs.report) and not any(problems):
        # a read-only folder: said before the campaign runs, not once it has run (exit 3, not 2)
        from testbench.tools.outputs import write_problem

        for target, inside in ((outputs.junit, False), (outputs.report, True)):
            unwritable = write_problem(target, inside=inside) if target else None
            problems.append(unwritable(translator(outputs.lang), outputs.lang) if unwritable else None)
    if outputs.report and not replace_report and not any(problems):
        from testbench.report.owner import other_session_problem  # the reports' package: --report only
        from testbench.store.read import recorded_session_id

        problems.append(other_session_problem(outputs.report, recorded_session_id(request.session), outputs.lang))
    if not any(problems):  # last: with --create-dirs it creates the session's folder
        problems.append(session_dir_problem(request.session, create_dirs, outputs.lang))
    for problem in filter(None, problems):
        print(f"testbench run: {problem}", file=sys.stderr)
    if any(problems):
        return EXIT_USAGE
    progress = Progress()
    t = translator()  # the bench says it in French (as recorded), the person reads the command's language
    if (shared := share_warning(request.session)) is not None:
        print(t(shared), file=sys.stderr)
    try:
        result = run_campaign(
            request, listener=progress, notify=lambda m: print(t(m), file=sys.stderr), operator=operator
        )
    except CampaignError as exc:
        for line in exc.lines:
            print(t(line), file=sys.stderr)
        if exc.recorded:  # the bench could not start: CI still gets its JUnit, the reviewer a report saying why
            _write_outputs(request, t)
        return exc.exit_code
    except KeyboardInterrupt:  # ^C, or a CI's cancel or timeout (SIGTERM, cli.main)
        return _interrupted(request, t)
    written: list[Path] = []
    try:
        print(_closing_line(request.session, result.final_verdicts, progress, t), file=sys.stderr)
        complete = _write_outputs(request, t, written)
    except KeyboardInterrupt:  # the cases are done, their JUnit or report was being written
        with ignored():  # a second ^C does not cut what is left to say
            print(t("interrompu"), file=sys.stderr)
            _say_unwritten(request, t, written)
        return EXIT_ENVIRONMENT
    if complete:
        return result.exit_code
    kept = t("les verdicts sont enregistrés dans la session {session} ; « testbench report » en refait le rapport")
    print(kept.format(session=request.session), file=sys.stderr)
    return EXIT_ENVIRONMENT  # the CI would publish nothing: the bench failed, not the product


def _closing_line(session: Path, final_verdicts: list[str], progress: Progress, t: Callable[[str], str]) -> str:
    """« session : … — » with the session's verdicts, the ones its JUnit and the exit code give: after
    ``--resume`` (or a merge) this run's cases are only part of them, and then said apart."""
    from collections import Counter

    from testbench.domain.verdict import Verdict

    this_run = progress.counts_text() or t("aucun cas exécuté")
    whole = progress.counts_text(Counter(Verdict(v) for v in final_verdicts)) or t("aucun cas exécuté")
    if whole == this_run:
        return t("session : {path} — {counts}").format(path=session, counts=whole)
    return t("session : {path} — {counts} (cette exécution : {run})").format(path=session, counts=whole, run=this_run)


def _interrupted(request: RunRequest, t: Callable[[str], str]) -> int:
    """The run stopped by ^C or SIGTERM still gives CI its JUnit and the reviewer a report, of the cases already
    run (the others « non exécuté »): the campaign has stopped its benches and closed the session, whose
    finished cases are committed whole, so both are written from it as ``testbench report`` would. A second
    ^C while they are written leaves each whole or absent, and the command that writes those not written is
    said."""
    from testbench.store.connection import SessionError

    print(t("interrompu"), file=sys.stderr)
    outputs = request.options.outputs
    wanted = ", ".join(str(path) for path in (outputs.junit, outputs.report) if path)
    if not wanted or not request.session.is_file():  # nothing asked, or stopped before the session was created
        return EXIT_ENVIRONMENT
    written: list[Path] = []
    complete = False
    with contextlib.suppress(KeyboardInterrupt, SessionError):
        complete = _write_outputs(request, t, written)
    with ignored():  # a third ^C does not cut what is left to say
        if complete:
            done = t("les cas déjà exécutés sont dans {outputs}, les autres y sont « non exécuté » ; --resume reprend")
            print(done.format(outputs=wanted), file=sys.stderr)
        else:
            _say_unwritten(request, t, written)
    return EXIT_ENVIRONMENT


def _say_unwritten(request: RunRequest, t: Callable[[str], str], written: list[Path]) -> None:
    """The outputs asked for and not ``written`` (an interrupt, a full disk), with the ``testbench report``
    command that writes them from the session, which keeps every verdict; those written are whole."""
    outputs = request.options.outputs
    missing = [path for path in (outputs.junit, outputs.report) if path and path not in written]
    if not missing:
        return
    left = t("{outputs} : écriture non terminée ; la session garde les verdicts, cette commande les écrit : {command}")
    command = _report_command(request, junit=outputs.junit in missing)
    print(left.format(outputs=", ".join(map(str, missing)), command=command), file=sys.stderr)


def _report_command(request: RunRequest, *, junit: bool = True) -> str:
    """``testbench report`` that writes the run's report from its session, and its JUnit with ``junit`` (a JUnit
    alone: the report folder it needs beside the session), with the run's ``--lang``."""
    from testbench.report.owner import default_folder  # an interrupted run only: not on the run path

    outputs = request.options.outputs
    folder = outputs.report or default_folder(request.session)
    words = ["testbench", "report", str(request.session), "-o", str(folder)]
    words += ["--junit", str(outputs.junit)] if junit and outputs.junit else []
    words += ["--lang", outputs.lang] if outputs.lang else []
    return cmdline.join(words)  # as the system's shell reads it


def _resumes_its_selection(session: Path, keyword: str | None, tags: list[str]) -> bool:
    """Whether a ``--resume`` with this ``-k`` and ``--tag`` goes on with what they name: none given, or the ones
    a run of the session was given (the same command with ``--resume`` added). Others would be silently ignored
    (the session's own selection goes on), so they are refused; no readable session, or none run yet (its set-up
    then takes them): the resume itself decides."""
    if not keyword and not tags:
        return True
    from testbench.store.read import run_options

    recorded = run_options(session)
    given = (keyword or None, sorted(tags or []))
    return not recorded or any((run.get("keyword") or None, sorted(run.get("tags") or [])) == given for run in recorded)


def _nothing_to_resume(session: Path, lang: str | None, *, failed: bool = False) -> str | None:
    """--resume (or --failed) names a session that is not there (a mistyped path after a crash): said, rather
    than the whole campaign run again into a new file."""
    if os.path.lexists(session):
        return None
    if failed:
        said = "{path} : session introuvable ; rien à relancer (--failed rejoue les échecs d'une session)"
        return translator(lang)(said).format(path=session)
    return translator(lang)(
        "{path} : session introuvable ; rien à reprendre. Vérifiez le chemin, ou lancez sans --resume pour"
        " commencer une nouvelle session"
    ).format(path=session)


def _write_outputs(request: RunRequest, t: Callable[[str], str], written: list[Path] | None = None) -> bool:
    """The run's JUnit and report, each written whole or not at all, and added to ``written`` once it is; False
    when one could not be (a full disk…), said on stderr. A ^C or SIGTERM meanwhile is raised as
    ``KeyboardInterrupt``, the outputs written before it in ``written``."""
    from testbench.cli.outputs import unwritten

    outputs, written_all = request.options.outputs, True
    done = written if written is not None else []
    if outputs.junit:
        from testbench.report.junit import write_junit

        try:
            write_junit(request.session, outputs.junit)
        except OSError as exc:
            print(f"testbench run: {unwritten(outputs.junit, exc, outputs.lang)}", file=sys.stderr)
            written_all = False
        else:
            done.append(outputs.junit)
    if outputs.report:
        from testbench.report.html import write_report
        from testbench.store.read import chain_head

        # this process just wrote and hashed the journal: its report checks the links up to this head
        # instead of re-hashing every row (``testbench report`` on a session file verifies it in full)
        try:
            page = write_report(
                request.session,
                outputs.report,
                lang=outputs.lang or default_language(),
                chain_head=chain_head(request.session),
            )
        except OSError as exc:  # the previous report is left whole (report.build)
            print(f"testbench run: {unwritten(outputs.report, exc, outputs.lang)}", file=sys.stderr)
            written_all = False
        else:
            done.append(outputs.report)
            print(t("rapport : {path}").format(path=page), file=sys.stderr)
    return written_all
