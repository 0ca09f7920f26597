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
from testbench.i18n import _t, default_language, translator
from testbench.interrupts import ignored
from testbench.runner.exits import EXIT_ENVIRONMENT, EXIT_USAGE
from testbench.runner.options import (
    OPERATOR_ENGINE,
    RUN,
    FileValue,
    PathValue,
    add_options,
    options_from_args,
    repeated_options,
    repeated_refusals,
)

if TYPE_CHECKING:
    from testbench.domain.attestation import Operator
    from testbench.runner.campaign import RunRequest
    from testbench.runner.options import CampaignOptions


#: ``--resume`` goes on with the session's own selection: another ``-k`` or ``--tag`` beside it would be ignored
RESUME_SELECTS = (
    "--resume reprend la session là où elle s'est arrêtée, avec sa sélection de cas : sans -k ni --tag autres que"
    " les siens ; pour des cas précis : --rerun -k … (ou --failed -k …)"
)


#: ``--rerun`` starts new attempts of the cases it is given, ``--resume`` goes on with the unfinished ones
RESUME_RERUN = _t(
    "--resume et --rerun ne se combinent pas : --resume reprend les cas sans verdict, --rerun rejoue les cas"
)

#: ``--watch`` is where operator mode reads the application's files: another engine reads none
WATCH_OPERATOR = _t(
    "--watch ne sert qu'en mode opérateur (--engine operator) : aucun autre moteur ne lit les fichiers du logiciel"
    " testé"
)

#: ``--shard`` given twice: argparse kept the last one unsaid, and a run plays a single partition
SHARD_TWICE = _t(
    "--shard est donné plusieurs fois : une exécution ne joue qu'une partition K/N ; une commande par partition"
    " (testbench merge réunit leurs sessions)"
)


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="exécuter des cahiers de tests et enregistrer la session")
    run.add_argument(
        "casebooks",
        nargs="+",
        type=PathValue("CAHIER"),
        metavar="CAHIER",
        help="un ou plusieurs cahiers de tests (XML)",
    )
    run.add_argument(
        "--session",
        required=True,
        type=FileValue("--session", "campagne.tbsession"),
        help="fichier de session (créé s'il n'existe pas)",
    )
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
    request = RunRequest(list(args.casebooks), args.session, options, args.resume, args.rerun, list(sys.argv))
    request.failed = args.failed
    had_wal = os.path.exists(f"{args.session}-wal")  # before a check reads the session (and folds it in)
    if twice := repeated_refusals(args, {"shard": SHARD_TWICE}):  # before the plan: which one?
        if "junit" in repeated_options(args):  # which file is this run's? neither is touched
            options.outputs.junit = None
        if "lang" in repeated_options(args):  # the command speaks the first one
            options.outputs.lang = None
        return _refused(request, twice)
    problems = list(attach_plan(options, args.lang, args.casebooks))  # the plan refused, or warnings
    for problem in problems:
        _say(f"testbench run: {problem}")
    if options.plan is not None and options.plan_record is None:
        return _refused(request, problems, said=True)
    if (refused := _contradiction(args, options)) is not None:
        return _refused(request, [translator(args.lang)(refused)])
    return execute(request, create_dirs=args.create_dirs, had_wal=had_wal)


def _refused(request: RunRequest, lines: list[str], *, said: bool = False) -> int:
    """A run refused before any case ran: ``lines`` (in the person's language) said unless ``said``, and an
    earlier run's JUnit at ``--junit`` replaced by one that gives them, which CI then publishes instead of an old
    result (:func:`~testbench.cli.outputs.refused_junit`); the usage error's exit code."""
    from testbench.cli.outputs import refused_junit

    for line in [] if said else lines:
        _say(f"testbench run: {line}")
    outputs = request.options.outputs
    replaced = refused_junit(outputs.junit, lines, outputs.lang, read_files(request), outputs.report)
    if replaced is not None:
        _say(f"testbench run: {replaced}")
    return EXIT_USAGE


#: the campaign's refusals that name no file nor place first (a selection that selects nothing, an option's value),
#: as recorded in French: said after « testbench run: », as argparse's and the command's other refusals are; one
#: that opens with its subject (« cb.xml:12:5: … », « s.tbsession : … », « source de traces : … ») keeps it first
UNPLACED_REFUSALS = ("aucun cas ne correspond", "expression -k invalide", "--")


def _contradiction(args: argparse.Namespace, options: CampaignOptions) -> str | None:
    """The options that contradict each other or the session (the French sentence), or None: refused before
    anything runs, since one of them would be silently ignored."""
    if args.resume and (args.failed or args.rerun):
        return _t("--failed et --resume ne se combinent pas") if args.failed else RESUME_RERUN
    if options.bench.watch_dir is not None and options.bench.engine != OPERATOR_ENGINE:
        return WATCH_OPERATOR
    if args.resume and not _resumes_its_selection(args.session, options.selection.keyword, options.selection.tags):
        return RESUME_SELECTS
    return None


def execute(
    request: RunRequest,
    *,
    create_dirs: bool = False,
    operator: Operator | None = None,
    replace_report: bool = False,
    had_wal: bool | None = None,
) -> int:
    """Check the outputs, run the campaign, write the JUnit and HTML reports; the exit code.

    A report folder that holds another session's report is refused before anything runs, unless
    ``replace_report`` (the demo, which starts its own session afresh in its own folder each time)."""
    from testbench.cli.outputs import output_file_problem, session_dir_problem
    from testbench.runner.campaign import CampaignError, run_campaign
    from testbench.store.connection import SESSION_VANISHED, SessionError
    from testbench.store.location import share_warning
    from testbench.tools.outputs import written_through

    outputs = request.options.outputs
    if had_wal is None:  # ``had_wal``: whether a -wal was beside the session before anything read it
        had_wal = os.path.exists(f"{request.session}-wal")
    problems = [
        _not_a_file(request.session, outputs.lang),
        _nothing_to_resume(request, outputs.lang, had_wal=had_wal),
        _report_problem(request, outputs.lang) if outputs.report else None,
        output_file_problem(outputs.junit, outputs.lang, read_files(request))
        if outputs.junit
        else None,
    ]
    own = outputs.report / "junit.xml" if outputs.report else None  # written again by the book, in its manifest
    if outputs.junit and outputs.report and not any(problems) and not _same_file(outputs.junit, own):
        from testbench.tools.report import junit_in_report_problem  # another file there breaks the manifest

        inside = junit_in_report_problem(outputs.junit, outputs.report, "--junit")
        problems.append(inside(translator(outputs.lang), outputs.lang) if inside else None)
    if (outputs.junit or outputs.report) and not any(problems):
        # a read-only folder: said before the campaign runs, not once it has run (exit 3, not 2)
        from testbench.cli.outputs import write_refusal

        for target, inside in ((outputs.junit, False), (outputs.report, True)):
            problems.append(write_refusal(target, inside=inside, lang=outputs.lang) if target else None)
    if outputs.report and not replace_report and not any(problems):
        from testbench.report.owner import other_session_problem  # the reports' package: --report only
        from testbench.store.read import recorded_session_id

        problems.append(other_session_problem(outputs.report, recorded_session_id(request.session), outputs.lang))
    if not any(problems):  # last: with --create-dirs it creates the session's folder
        problems.append(session_dir_problem(request.session, create_dirs, outputs.lang))
    if any(problems):
        return _refused(request, [problem for problem in problems if problem])
    outputs.junit = written_through(outputs.junit)
    if os.path.isfile(request.session) and os.path.getsize(request.session) == 0:  # a truncated copy, perhaps
        _say(f"testbench run: {translator(outputs.lang)(EMPTY_SESSION_FILE).format(path=request.session)}")
    progress = Progress()
    t = translator()  # the bench says it in French (as recorded), the person reads the command's language
    if (shared := share_warning(request.session)) is not None:
        _say(t(shared))
    runs_before = _run_count(request)

    def notify(message: str) -> None:
        progress.release()  # on a row of its own, not glued after the bar
        _say(t(message))

    try:
        result = run_campaign(request, listener=progress, notify=notify, operator=operator)
    except CampaignError as exc:
        progress.release()
        for line in exc.lines:
            _say(f"testbench run: {t(line)}" if line.startswith(UNPLACED_REFUSALS) else t(line))
        if exc.recorded:  # the bench could not start: CI still gets its JUnit, the reviewer a report saying why
            try:
                _write_outputs(request, t)
            except SessionError as gone:  # the session went meanwhile: said, not a crash
                _say(t(str(gone)))
        elif exc.exit_code == EXIT_ENVIRONMENT and exc.vanished is None and request.options.outputs.junit:
            _write_bench_failure(request, exc.lines, t)  # the session unwritten (a full disk): CI gets a JUnit
        elif exc.exit_code == EXIT_USAGE:  # refused (a casebook, the session): no earlier JUnit read as this run's
            _refused(request, [t(line) for line in exc.lines], said=True)
        return exc.exit_code
    except KeyboardInterrupt:  # ^C, or a CI's cancel or timeout (SIGTERM, cli.main)
        progress.release()
        return _interrupted(request, t, started=runs_before is None or _run_count(request) != runs_before)
    progress.release()  # a run stopped before its last case leaves the bar drawn
    if not request.session.is_file():  # gone after the run's last check (the store's): no success to tell
        _say(t(SESSION_VANISHED).format(path=request.session))
        return EXIT_ENVIRONMENT
    written: list[Path] = []
    try:
        _say(_closing_line(request.session, result.final_verdicts, progress, t))
        complete = _write_outputs(request, t, written)
    except KeyboardInterrupt:  # the cases are done, their JUnit or report was being written
        with ignored():  # a second ^C does not cut what is left to say
            _say(t("interrompu"))
            _say_unwritten(request, t, written)
        return EXIT_ENVIRONMENT
    except SessionError as exc:  # the session went while its outputs were read from it
        _say(t(str(exc)))
        return EXIT_ENVIRONMENT
    if complete:
        return result.exit_code
    kept = t(
        "les verdicts sont enregistrés dans la session {session} ; « testbench report » en refait le rapport :"
        " {command}"
    )
    junit = request.options.outputs.junit
    command = _report_command(request, junit=junit is not None and junit not in written)
    _say(kept.format(session=request.session, command=command))
    return EXIT_ENVIRONMENT  # the CI would publish nothing: the bench failed, not the product


#: a run whose bench failed and could not record why in its session (a full disk): its JUnit says it instead
BENCH_FAILURE_WRITTEN = _t("{path} : écrit ; il signale l'échec du banc et sa raison")


def _write_bench_failure(request: RunRequest, lines: list[str], t: Callable[[str], str]) -> None:
    """The run's JUnit when the bench failed and recorded no reason in the session (it could not write it): the
    cases the session holds, if it can be read, and an error saying why, so that a CI publishes the bench's
    failure rather than no report. Written whole or not at all; when it cannot be (the same full disk), said."""
    from testbench.cli.outputs import unwritten
    from testbench.report.junit import write_bench_failure

    outputs = request.options.outputs
    assert outputs.junit is not None
    try:
        write_bench_failure(outputs.junit, lines, request.session, outputs.lang)
    except OSError as exc:
        _say(f"testbench run: {unwritten(outputs.junit, exc, outputs.lang)}")
    except KeyboardInterrupt:  # left as it was (written whole or not at all): the run ends as it would have
        _say(t("interrompu"))
    else:
        _say(t(BENCH_FAILURE_WRITTEN).format(path=outputs.junit))


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


def _run_count(request: RunRequest) -> int | None:
    """How many runs the session of a ``--rerun`` or ``--failed`` records (None for another run): one more once
    the rerun recorded its cases, which ``--resume`` then finishes if it is cut."""
    if not (request.rerun or request.failed):
        return None
    from testbench.store.read import run_options

    return len(run_options(request.session))


#: a rerun cut before it recorded anything: the session is as it was, and --resume has nothing of it to go on with
RERUN_NOT_BEGUN = _t(
    "{outputs} : les verdicts de la session, inchangés (interrompu avant que la relance ne commence) ; relancez la"
    " même commande"
)


def _interrupted(request: RunRequest, t: Callable[[str], str], *, started: bool = True) -> int:
    """The run stopped by ^C or SIGTERM still gives CI its JUnit and the reviewer a report, of the cases already
    run (the others « non exécuté »): the campaign has stopped its benches and closed the session, whose
    finished cases are committed whole, so both are written from it as ``testbench report`` would. A second
    ^C while they are written leaves each whole or absent, and the command that writes those not written is
    said. A rerun not ``started`` (cut before it recorded its cases) left the session as it was: --resume would
    not rerun them, the same command does."""
    from testbench.store.connection import SessionError

    _say(t("interrompu"))
    outputs = request.options.outputs
    wanted = ", ".join(str(path) for path in (outputs.junit, outputs.report) if path)
    if not wanted or not request.session.is_file():  # nothing asked, or stopped before the session was created
        return EXIT_ENVIRONMENT
    written: list[Path] = []
    complete = False
    with contextlib.suppress(KeyboardInterrupt, SessionError):
        complete = _write_outputs(request, t, written)
    with ignored():  # a third ^C does not cut what is left to say
        if complete and not started:
            _say(t(RERUN_NOT_BEGUN).format(outputs=wanted))
        elif complete:
            done = t("les cas déjà exécutés sont dans {outputs}, les autres y sont « non exécuté » ; --resume reprend")
            _say(done.format(outputs=wanted))
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
    _say(left.format(outputs=", ".join(map(str, missing)), command=command))


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


def _not_a_file(session: Path, lang: str | None) -> str | None:
    """A ``--session`` that is no file (a folder, a named pipe, a device): refused before anything is written
    beside it; SQLite would open a pipe or a device and fail at its first write, said as a disk error."""
    from testbench.store.connection import not_a_file

    refusal = not_a_file(session)
    return None if refusal is None else translator(lang)(refusal)


#: an existing empty file given as the session of a fresh run: a new session starts there, said (it may be a copy
#: that failed; --resume, --failed and --rerun refuse it)
EMPTY_SESSION_FILE = _t("{path} : fichier vide ; une nouvelle session y commence")


def _nothing_to_resume(request: RunRequest, lang: str | None, *, had_wal: bool) -> str | None:
    """--resume, --failed or --rerun names a session that is not there, an empty file (a mistyped path after
    a crash, a file truncated) or an empty SQLite database (a copy made while a run wrote it, its records left
    in the uncopied -wal): said, rather than the whole campaign run again into a new session."""
    if not (request.resume or request.failed or request.rerun):
        return None
    from testbench.store.connection import empty_database, roll_back_journal

    t = translator(lang)
    hint = ""
    roll_back_journal(request.session)  # a run killed as it created the session leaves an empty file
    if not os.path.lexists(request.session):
        state = t("session introuvable")
    elif os.path.isfile(request.session) and os.path.getsize(request.session) == 0:
        state = t("fichier vide, sans session")
    elif empty_database(request.session):
        state = t("base SQLite vide, sans session")
        if not had_wal:  # with its -wal beside it, a run killed as it began
            hint = t(WAL_LEFT_BEHIND)
    else:
        return None
    if request.resume:
        said = _t(
            "{path} : {state} ; rien à reprendre. Vérifiez le chemin, ou lancez sans --resume pour commencer une"
            " nouvelle session"
        )
    elif request.failed:
        said = _t("{path} : {state} ; rien à relancer (--failed rejoue les échecs d'une session)")
    else:
        said = _t("{path} : {state} ; rien à rejouer (--rerun rejoue les cas d'une session existante)")
    refusal = t(said).format(path=request.session, state=state)
    return f"{refusal}. {hint}" if hint else refusal


#: why a session file may hold an empty SQLite database: copied while a run wrote it (its main file alone)
WAL_LEFT_BEHIND = _t(
    "Copiée pendant qu'une exécution l'écrivait ? Ses enregistrements sont alors dans son fichier -wal, non copié"
    " avec elle : copiez la session une fois l'exécution terminée, ou avec son fichier -wal"
)


def read_files(request: RunRequest) -> list[Path]:
    """Every file the run reads, which ``--junit`` must not replace: the casebooks, the session, the attestations,
    the plan, the SUT profile and the application logs (their patterns as they match now)."""
    import glob

    options = request.options
    logs = [spec.split(";", 1)[0].strip() for spec in options.capture.app_logs]
    matched = [Path(found) for pattern in logs if pattern for found in (glob.glob(pattern) or [pattern])]
    named = (options.attestations, options.plan, options.bench.sut_profile)
    return [*request.casebooks, request.session, *(path for path in named if path is not None), *matched]


def _report_problem(request: RunRequest, lang: str | None) -> str | None:
    """``--report``'s folder: one it can be, and not the session's own path (a session not created yet, which
    the run would create there and the report could then not be written beside) nor a folder holding it."""
    from testbench.cli.outputs import output_dir_problem

    report = request.options.outputs.report
    if report is None:
        return None
    same = os.path.normcase(os.path.abspath(report)) == os.path.normcase(os.path.abspath(request.session))
    if same:
        said = _t("{path} : c'est le fichier de la session ; indiquez un autre dossier pour le rapport")
        return translator(lang)(said).format(path=report)
    from testbench.tools.report import session_in_report_problem  # the book would list the session as added

    if (inside := session_in_report_problem(request.session, report)) is not None:
        return inside(translator(lang), lang)
    return output_dir_problem(report, lang)


def _say(text: str) -> None:
    """``text`` on stderr, if it can be written: a stderr that refuses it (a full disk, a closed descriptor)
    loses the words, never the campaign, its JUnit nor its report."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr)


def _same_file(a: Path, b: Path | None) -> bool:
    return b is not None and os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _write_outputs(request: RunRequest, t: Callable[[str], str], written: list[Path] | None = None) -> bool:
    """The run's JUnit and report, each written whole or not at all, and added to ``written`` once it is; False
    when one could not be (a full disk…), said on stderr. A ^C or SIGTERM meanwhile is raised as
    ``KeyboardInterrupt``, the outputs written before it in ``written``."""
    from testbench.cli.outputs import unwritten
    from testbench.store.read import chain_head

    outputs, written_all = request.options.outputs, True
    done = written if written is not None else []
    # this process just wrote and hashed the journal (over a chain it verified first, when it went on with a
    # session): its JUnit and report check the links up to this head instead of re-hashing every row
    # (``testbench report`` on a session file verifies it in full)
    head = chain_head(request.session) if outputs.junit or outputs.report else None
    if outputs.junit:
        from testbench.report.junit import write_junit

        try:
            write_junit(request.session, outputs.junit, chain_head=head)
        except OSError as exc:
            _say(f"testbench run: {unwritten(outputs.junit, exc, outputs.lang)}")
            written_all = False
        else:
            done.append(outputs.junit)
    if outputs.report:
        from testbench.report.build import BuildOptions, build_report
        from testbench.tools.report import dropped_warnings

        lang = outputs.lang or default_language()
        try:
            built = build_report(request.session, outputs.report, BuildOptions(lang=lang, chain_head=head))
        except OSError as exc:  # the previous report is left whole (report.build)
            _say(f"testbench run: {unwritten(outputs.report, exc, outputs.lang)}")
            written_all = False
        else:
            done.append(outputs.report)
            for dropped in dropped_warnings(built.dropped, pdf=False):  # a signed book rebuilt unsigned: said
                _say(f"testbench run: {dropped(translator(lang), lang)}")
            _say(t("rapport : {path}").format(path=built.html))
    return written_all
